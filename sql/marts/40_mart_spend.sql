-- 40_mart_spend: annual cost of assigned seats by SKU, department and cost
-- centre, for charge-back.
-- Grain: one row per tenant × SKU × department × cost centre (latest snapshot).
-- Inputs: stg_license_rows. annual_cost is NULL when the SKU has no price.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_spend AS
SELECT tenant, snapshot_date, as_of, sku_part_number, department, cost_center, currency,
    count(*) AS assigned_units,
    sum(unit_price_annual) AS annual_cost
FROM stg_license_rows
GROUP BY ALL;
