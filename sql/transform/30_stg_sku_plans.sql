-- 30_stg_sku_plans: the enabled service plans of each SKU: the tenant's
-- plans that apply to users (appliesTo Company does not count for a user)
-- and are not Disabled; the catalogue's when the tenant listed none for
-- that SKU.
-- Grain: one row per tenant × snapshot_date × sku_id × service plan.
-- Inputs: raw_sku_service_plans (the tenant's own plans win),
--         raw_subscribed_skus, ref_sku_catalog_plans (fallback when the
--         tenant sent none for a SKU).
CREATE OR REPLACE TEMP TABLE stg_sku_plans AS
WITH tenant_plans AS (
    SELECT tenant, snapshot_date, lower(sku_id) AS sku_id, lower(service_plan_id) AS plan_id,
        trim(service_plan_name) AS plan_name
    FROM raw_sku_service_plans
    WHERE coalesce(applies_to, 'User') <> 'Company' AND coalesce(provisioning_status, '') <> 'Disabled'
), listed AS (
    SELECT DISTINCT tenant, snapshot_date, lower(sku_id) AS sku_id FROM raw_sku_service_plans
)
SELECT * FROM tenant_plans
UNION ALL
SELECT k.tenant, k.snapshot_date, lower(k.sku_id), c.service_plan_id, c.service_plan_name
FROM raw_subscribed_skus k
JOIN ref_sku_catalog_plans c ON c.sku_id = lower(k.sku_id)
ANTI JOIN listed l ON l.tenant = k.tenant AND l.snapshot_date = k.snapshot_date AND l.sku_id = lower(k.sku_id);
