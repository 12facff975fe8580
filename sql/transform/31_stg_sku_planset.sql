-- 31_stg_sku_planset: each SKU's enabled plan ids as one sorted list, the
-- form the containment test (redundant) compares.
-- Grain: one row per tenant × snapshot_date × sku_id.
-- Inputs: stg_sku_plans.
CREATE OR REPLACE TEMP TABLE stg_sku_planset AS
SELECT tenant, snapshot_date, sku_id, list_sort(list_distinct(list(plan_id))) AS plan_ids
FROM stg_sku_plans GROUP BY ALL;
