-- 21_stg_skus: every SKU of each snapshot with its catalogue name, price
-- and inventory units. An ignored SKU (param_ignore_skus) without a price
-- entry costs 0; any other SKU without one has a NULL price (never a
-- guessed one). limit_units is the tenant's hard limit on consumed units of
-- the SKU (tenants[].limits), NULL without one.
-- Grain: one row per tenant × snapshot_date × sku_id.
-- Inputs: raw_subscribed_skus, stg_snapshots, stg_prices, param_settings,
--         param_ignore_skus, param_limits, ref_sku_catalog.
CREATE OR REPLACE TEMP TABLE stg_skus AS
SELECT k.tenant, k.snapshot_date, s.as_of, lower(k.sku_id) AS sku_id, k.sku_part_number,
    coalesce(c.product_name, k.sku_part_number) AS product_name,
    k.capability_status,
    coalesce(k.enabled_units, 0) AS enabled_units, coalesce(k.suspended_units, 0) AS suspended_units,
    coalesce(k.warning_units, 0) AS warning_units, coalesce(k.locked_out_units, 0) AS locked_out_units,
    coalesce(k.consumed_units, 0) AS consumed_units,
    CASE WHEN k.capability_status IN ('Suspended', 'LockedOut', 'Deleted') THEN 0
         ELSE coalesce(k.enabled_units, 0) + coalesce(k.warning_units, 0) END AS active_units,
    i.sku_key IS NOT NULL AS ignored,
    (SELECT currency FROM param_settings LIMIT 1) AS currency,
    p.term,
    CASE WHEN p.sku_key IS NULL AND i.sku_key IS NOT NULL THEN CAST(0 AS DECIMAL(18,2))
         ELSE p.unit_price_annual END AS unit_price_annual,
    p.sku_key IS NOT NULL AND p.unit_price_annual IS NULL AS missing_fx,
    p.price_currency,
    l.max_units AS limit_units
FROM raw_subscribed_skus k
JOIN stg_snapshots s USING (tenant, snapshot_date)
LEFT JOIN ref_sku_catalog c ON c.sku_id = lower(k.sku_id)
LEFT JOIN (SELECT DISTINCT upper(sku_part_number) AS sku_key FROM param_ignore_skus) i
    ON i.sku_key = upper(k.sku_part_number)
LEFT JOIN stg_prices p ON p.tenant = k.tenant AND p.snapshot_date = k.snapshot_date
    AND p.sku_key = upper(k.sku_part_number)
LEFT JOIN param_limits l ON l.tenant = k.tenant AND l.sku_key = upper(k.sku_part_number);
