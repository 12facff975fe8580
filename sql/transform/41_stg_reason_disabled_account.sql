-- 41_stg_reason_disabled_account: reason 1, disabled_account: the user's
-- account is disabled (accountEnabled false). NULL (Graph did not say)
-- counts as enabled.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_rows.
-- Boundaries pinned by sql/stg_reason_disabled_account_test.go.
CREATE OR REPLACE TEMP VIEW stg_reason_disabled_account AS
SELECT tenant, snapshot_date, user_id, sku_id, account_enabled
FROM stg_license_rows
WHERE account_enabled IS FALSE;
