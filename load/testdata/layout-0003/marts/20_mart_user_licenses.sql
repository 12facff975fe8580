-- 20_mart_user_licenses: every licence a user holds, how it was assigned,
-- the workloads it carries and its last use.
-- Grain: one row per tenant × user × SKU (latest snapshot).
-- Inputs: stg_license_reasons.
-- Views, recomputed on read with the current param_/ref_ tables; the latest
-- snapshot per tenant is max(snapshot_date) in snapshots (stg_snapshots.is_latest).
CREATE OR REPLACE VIEW mart_user_licenses_history AS
SELECT tenant, snapshot_date, as_of, user_id, user_principal_name, display_name, department, cost_center,
    account_enabled, user_type, sku_id, sku_part_number, assigned_direct, assigned_by_groups,
    assigned_at, workloads, last_activity_date, idle_days,
    usage_location, in_report, unit_price_annual, currency
FROM stg_license_reasons;

CREATE OR REPLACE VIEW mart_user_licenses AS
SELECT m.* EXCLUDE (snapshot_date)
FROM mart_user_licenses_history m JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE s.is_latest;
