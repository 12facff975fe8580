-- 40_mart_spend: annual cost of assigned seats by SKU, department and cost
-- centre, for charge-back.
-- Grain: one row per tenant × SKU × department × cost centre (latest snapshot).
-- Inputs: stg_license_rows. annual_cost is NULL when the SKU has no price.
-- Views, recomputed on read with the current param_/ref_ tables; the latest
-- snapshot per tenant is max(snapshot_date) in snapshots (stg_snapshots.is_latest).
CREATE OR REPLACE VIEW mart_spend_history AS
SELECT tenant, snapshot_date, as_of, sku_part_number, department, cost_center, currency,
    count(*) AS assigned_units,
    sum(unit_price_annual) AS annual_cost
FROM stg_license_rows
GROUP BY ALL;

CREATE OR REPLACE VIEW mart_spend AS
SELECT m.* EXCLUDE (snapshot_date)
FROM mart_spend_history m JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE s.is_latest;
