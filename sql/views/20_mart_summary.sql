-- 20_mart_summary: the headline figures of the workbook's Summary sheet and
-- of the run summary.
-- Grain: mart_summary_kpis one row per tenant × currency (latest snapshot;
-- currency '' holds the SKUs without a price, whose costs are NULL);
-- mart_summary_idle_cost one row per SKU × currency over all tenants.
-- Inputs: mart_license_inventory, mart_reclamation_candidates.
-- Ignored SKUs (free, viral, trials) are left out of every figure.
-- Read-side views over the latest tables (one night each), re-created
-- whenever a writer opens the warehouse.
CREATE OR REPLACE VIEW mart_summary_kpis AS
WITH seats AS (
    SELECT tenant, coalesce(currency, '') AS currency, max(as_of) AS as_of,
        sum(active_units) AS seats_purchased, sum(consumed_units) AS seats_consumed,
        sum(unused_units) AS seats_unused, sum(unused_annual_cost) AS unused_annual_cost
    FROM mart_license_inventory WHERE NOT ignored GROUP BY ALL
), idle AS (
    SELECT tenant, coalesce(currency, '') AS currency, max(as_of) AS as_of, count(*) AS idle_licences,
        sum(annual_savings) FILTER (WHERE reducible_from IS NULL OR reducible_from <= as_of) AS reassignable_now,
        sum(annual_savings) FILTER (WHERE reducible_from > as_of) AS reducible_at_renewal
    FROM mart_reclamation_candidates GROUP BY ALL
)
SELECT tenant, currency, coalesce(s.as_of, i.as_of) AS as_of,
    coalesce(seats_purchased, 0) AS seats_purchased, coalesce(seats_consumed, 0) AS seats_consumed,
    coalesce(seats_unused, 0) AS seats_unused, coalesce(idle_licences, 0) AS idle_licences,
    unused_annual_cost, reassignable_now, reducible_at_renewal
FROM seats s FULL OUTER JOIN idle i USING (tenant, currency);

CREATE OR REPLACE VIEW mart_summary_idle_cost AS
WITH costs AS (
    SELECT sku_part_number, currency, unused_annual_cost AS cost
    FROM mart_license_inventory WHERE NOT ignored AND currency IS NOT NULL
    UNION ALL
    SELECT sku_part_number, currency, annual_savings
    FROM mart_reclamation_candidates WHERE currency IS NOT NULL
)
SELECT sku_part_number, currency, sum(cost) AS annual_cost
FROM costs GROUP BY ALL HAVING sum(cost) > 0;
