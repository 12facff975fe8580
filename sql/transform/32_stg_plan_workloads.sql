-- 32_stg_plan_workloads: the workloads of every plan name in use: the first
-- matching rule of ref_plan_workloads decides (its RE2 patterns are the
-- ones Go's transform.WorkloadsOf applies; a rule without a workload carves
-- plans out).
-- Grain: one row per plan name × workload.
-- Inputs: stg_sku_plans, ref_plan_workloads.
CREATE OR REPLACE TEMP TABLE stg_plan_workloads AS
WITH matched AS (
    SELECT n.plan_name, r.priority, r.workload,
        min(r.priority) OVER (PARTITION BY n.plan_name) AS first_rule
    FROM (SELECT DISTINCT plan_name FROM stg_sku_plans WHERE plan_name IS NOT NULL) n
    JOIN ref_plan_workloads r ON regexp_matches(n.plan_name, r.pattern)
)
SELECT plan_name, workload FROM matched WHERE priority = first_rule AND workload IS NOT NULL;
