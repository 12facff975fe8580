-- 35_stg_plan_variants: each distinct set of disabled plans that licence
-- rows give a SKU, with the plans it leaves enabled and the report
-- workloads that keep at least one enabled plan. A table, so that the
-- licence rows join its few rows (its size is known, they are the side
-- that is hashed) and a suite's plan list is filtered once per variant,
-- not once per row.
-- Grain: one row per tenant × snapshot_date × SKU × disabled plans (lower
-- case, as Graph lists them), for rows that disable at least one plan.
-- Inputs: raw_user_licenses, stg_sku_planset, stg_sku_workloads.
CREATE OR REPLACE TEMP TABLE stg_plan_variants AS
SELECT o.*,
    list_sort(list_transform(list_filter(coalesce(sw.workload_plans, []), wp -> list_has_any(o.enabled_plans, wp.plan_ids)),
                             wp -> wp.workload)) AS workloads
FROM (
    SELECT d.*, list_filter(coalesce(ps.plan_ids, []), p -> NOT list_contains(d.disabled_plans, p)) AS enabled_plans
    FROM (
        SELECT DISTINCT tenant, snapshot_date, lower(sku_id) AS sku_id,
            list_transform(disabled_plans, d -> lower(d)) AS disabled_plans
        FROM raw_user_licenses
        WHERE len(disabled_plans) > 0
    ) d
    LEFT JOIN stg_sku_planset ps ON ps.tenant = d.tenant AND ps.snapshot_date = d.snapshot_date AND ps.sku_id = d.sku_id
) o
LEFT JOIN stg_sku_workloads sw ON sw.tenant = o.tenant AND sw.snapshot_date = o.snapshot_date AND sw.sku_id = o.sku_id;
