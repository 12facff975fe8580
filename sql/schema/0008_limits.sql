-- 0008_limits: per-tenant hard limits on consumed units (tenants[].limits).
-- mart_license_inventory gains limit_units (NULL: no limit), written from
-- param_limits, which every run replaces from the configuration; a
-- warehouse upgraded here gets it empty, so that rebuild with the stored
-- parameters still finds it. Idempotent (IF NOT EXISTS): a test replays
-- migrations 0006 onwards on a warehouse that has this one.

ALTER TABLE mart_license_inventory_history ADD COLUMN IF NOT EXISTS limit_units BIGINT;
ALTER TABLE mart_license_inventory ADD COLUMN IF NOT EXISTS limit_units BIGINT;
CREATE TABLE IF NOT EXISTS param_limits (
    tenant    VARCHAR,
    sku_key   VARCHAR,
    max_units BIGINT
);
