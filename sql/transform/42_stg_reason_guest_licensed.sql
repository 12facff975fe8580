-- 42_stg_reason_guest_licensed: reason 2, guest_licensed: a guest user
-- (userType Guest, any case) holds a SKU priced above zero. A free SKU, or
-- one without a price (NULL: never guessed), gives no reason.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_rows.
-- Boundaries pinned by sql/stg_reason_guest_licensed_test.go.
CREATE OR REPLACE TEMP VIEW stg_reason_guest_licensed AS
SELECT tenant, snapshot_date, user_id, sku_id, user_type, unit_price_annual
FROM stg_license_rows
WHERE lower(user_type) = 'guest' AND coalesce(unit_price_annual, 0) > 0;
