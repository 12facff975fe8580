-- 10_mart_license_inventory: purchased, consumed and unused seats and their
-- annual cost per SKU.
-- Grain: one row per tenant × SKU (latest snapshot); _history: per snapshot.
-- Inputs: stg_skus.
-- active_units = enabled + warning, or 0 when the SKU is Suspended,
-- LockedOut or Deleted; unused = max(active - consumed, 0); costs in the
-- reporting currency, NULL without a price (never guessed).
-- Views, recomputed on read with the current param_/ref_ tables; the latest
-- snapshot per tenant is max(snapshot_date) in snapshots (stg_snapshots.is_latest).
CREATE OR REPLACE VIEW mart_license_inventory_history AS
SELECT tenant, snapshot_date, as_of, sku_id, sku_part_number, product_name, capability_status,
    active_units, suspended_units, warning_units, locked_out_units, consumed_units,
    greatest(active_units - consumed_units, 0) AS unused_units,
    currency, unit_price_annual,
    active_units * unit_price_annual AS annual_cost,
    greatest(active_units - consumed_units, 0) * unit_price_annual AS unused_annual_cost,
    enabled_units, ignored, term
FROM stg_skus;

CREATE OR REPLACE VIEW mart_license_inventory AS
SELECT i.* EXCLUDE (snapshot_date)
FROM mart_license_inventory_history i JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE s.is_latest;
