-- 33_stg_sku_workloads: each SKU's report workloads, and for each workload
-- the SKU's plans that carry it (to drop a workload whose plans a licence
-- row disables).
-- Grain: one row per tenant × snapshot_date × sku_id with a workload.
-- A further signal (Copilot, Apps, PowerBI, SignIn) counts only where the snapshot can use
-- it (stg_snapshots.signals): a signal it cannot use is no workload of the
-- SKU, so no licence row carries it.
-- Inputs: stg_sku_plans, stg_plan_workloads, stg_snapshots.
CREATE OR REPLACE TEMP TABLE stg_sku_workloads AS
SELECT tenant, snapshot_date, sku_id, list_sort(list(workload)) AS workloads,
    list({'workload': workload, 'plan_ids': plan_ids}) AS workload_plans
FROM (
    SELECT p.tenant, p.snapshot_date, p.sku_id, w.workload, list_distinct(list(p.plan_id)) AS plan_ids
    FROM stg_sku_plans p
    JOIN stg_plan_workloads w ON w.plan_name = p.plan_name
    JOIN stg_snapshots s ON s.tenant = p.tenant AND s.snapshot_date = p.snapshot_date
    WHERE w.workload NOT IN ('Copilot', 'Apps', 'PowerBI', 'SignIn') OR list_contains(s.signals, w.workload)
    GROUP BY ALL
)
GROUP BY ALL;
