-- 33_stg_sku_workloads: each SKU's report workloads, and for each workload
-- the SKU's plans that carry it (to drop a workload whose plans a licence
-- row disables).
-- Grain: one row per tenant × snapshot_date × sku_id with a workload.
-- Inputs: stg_sku_plans, stg_plan_workloads.
CREATE OR REPLACE TEMP TABLE stg_sku_workloads AS
SELECT tenant, snapshot_date, sku_id, list_sort(list(workload)) AS workloads,
    list({'workload': workload, 'plan_ids': plan_ids}) AS workload_plans
FROM (
    SELECT p.tenant, p.snapshot_date, p.sku_id, w.workload, list_distinct(list(p.plan_id)) AS plan_ids
    FROM stg_sku_plans p
    JOIN stg_plan_workloads w ON w.plan_name = p.plan_name
    GROUP BY ALL
)
GROUP BY ALL;
