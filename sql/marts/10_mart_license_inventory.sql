-- 10_mart_license_inventory: purchased, consumed and unused seats and their
-- annual cost per SKU.
-- Grain: one row per tenant × SKU (latest snapshot); _history: per snapshot.
-- Inputs: stg_skus.
-- active_units = enabled + warning, or 0 when the SKU is Suspended,
-- LockedOut or Deleted; unused = max(active - consumed, 0); costs in the
-- reporting currency, NULL without a price (never guessed). limit_units is
-- the tenant's hard limit on consumed units (tenants[].limits), NULL
-- without one.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_license_inventory AS
SELECT tenant, snapshot_date, as_of, sku_id, sku_part_number, product_name, capability_status,
    active_units, suspended_units, warning_units, locked_out_units, consumed_units,
    greatest(active_units - consumed_units, 0) AS unused_units,
    currency, unit_price_annual,
    active_units * unit_price_annual AS annual_cost,
    greatest(active_units - consumed_units, 0) * unit_price_annual AS unused_annual_cost,
    enabled_units, ignored, term, limit_units
FROM stg_skus;
