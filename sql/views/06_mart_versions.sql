-- 06_mart_versions: mart_user_licenses_history, one row per tenant × user ×
-- SKU × snapshot, expanded from its versions over the committed snapshots
-- (see schema/0006_mart_versions.sql).
CREATE OR REPLACE VIEW mart_user_licenses_history AS
SELECT v.tenant, s.snapshot_date, n.as_of, v.user_id, v.user_principal_name, v.display_name, v.department,
    v.cost_center, v.account_enabled, v.user_type, v.sku_id, v.sku_part_number, v.assigned_direct,
    v.assigned_by_groups, v.assigned_at, v.workloads, n.last_activity_date, n.idle_days, v.usage_location,
    v.in_report, v.unit_price_annual, v.currency, v.on_premises_distinguished_name, v.on_premises_sync_enabled
FROM mart_user_licenses_history_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
JOIN mart_user_licenses_history_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

-- mart_user_licenses: each tenant's licence rows of its newest snapshot
-- (schema/0015_user_licenses_view.sql), in the columns of the history
-- without snapshot_date. It starts from the newest snapshots and joins the
-- nightly rows to them, so that DuckDB reads only those nights' row groups
-- of the nightly table (the join's build side bounds the scan's dates);
-- filtering the history view by the newest dates instead read every night
-- stored: 0.35 s after 90 nights of 20k users against 0.01 s, growing.
CREATE OR REPLACE VIEW mart_user_licenses AS
SELECT v.tenant, n.as_of, v.user_id, v.user_principal_name, v.display_name, v.department,
    v.cost_center, v.account_enabled, v.user_type, v.sku_id, v.sku_part_number, v.assigned_direct,
    v.assigned_by_groups, v.assigned_at, v.workloads, n.last_activity_date, n.idle_days, v.usage_location,
    v.in_report, v.unit_price_annual, v.currency, v.on_premises_distinguished_name, v.on_premises_sync_enabled
FROM (SELECT tenant, max(snapshot_date) AS snapshot_date FROM snapshots GROUP BY ALL) l
JOIN mart_user_licenses_history_nightly n ON n.tenant = l.tenant AND n.snapshot_date = l.snapshot_date
JOIN mart_user_licenses_history_versions v ON v.tenant = n.tenant AND v.row_key = n.row_key
    AND v.valid_from <= l.snapshot_date AND (v.valid_to IS NULL OR l.snapshot_date < v.valid_to);
