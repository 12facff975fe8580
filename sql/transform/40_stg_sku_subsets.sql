-- 40_stg_sku_subsets: SKU pairs of a snapshot where the container's
-- enabled plans include every plan of the (non-empty) contained one; equal
-- when the two sets are the same. Comparing plan lists is costly (suites
-- carry 50+ plans), so the subset test runs once per pair of SKUs of a
-- snapshot, not once per pair of licence rows.
-- Grain: one row per tenant × snapshot_date × contained SKU × container SKU.
-- Inputs: stg_sku_planset.
CREATE OR REPLACE TEMP VIEW stg_sku_subsets AS
SELECT a.tenant, a.snapshot_date, a.sku_id AS contained, b.sku_id AS container,
    list_has_all(a.plan_ids, b.plan_ids) AS equal
FROM stg_sku_planset a
JOIN stg_sku_planset b ON b.tenant = a.tenant AND b.snapshot_date = a.snapshot_date AND b.sku_id <> a.sku_id
WHERE len(a.plan_ids) > 0 AND list_has_all(b.plan_ids, a.plan_ids);
