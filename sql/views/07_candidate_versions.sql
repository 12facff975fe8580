-- 07_candidate_versions: mart_reclamation_candidates_history and
-- mart_reclamation_excluded_history, one row per tenant × user × SKU ×
-- snapshot, expanded from their versions over the committed snapshots (see
-- schema/0007_candidate_versions.sql).
CREATE OR REPLACE VIEW mart_reclamation_candidates_history AS
SELECT v.tenant, s.snapshot_date, n.as_of, v.user_id, v.user_principal_name, v.sku_id, v.sku_part_number, v.reason, v.reasons, n.idle_days, n.last_activity_date, v.assigned_by_groups, v.action, v.currency, v.annual_savings, n.reducible_from, n.evidence, v.display_name, v.department, v.cost_center, v.assigned_direct
FROM mart_reclamation_candidates_history_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
JOIN mart_reclamation_candidates_history_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW mart_reclamation_excluded_history AS
SELECT v.tenant, s.snapshot_date, n.as_of, v.user_id, v.user_principal_name, v.sku_id, v.sku_part_number, v.reason, v.reasons, n.idle_days, n.last_activity_date, v.assigned_by_groups, v.action, v.currency, v.annual_savings, n.reducible_from, n.evidence, v.display_name, v.department, v.cost_center, v.assigned_direct, v.exclusion_reason
FROM mart_reclamation_excluded_history_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
JOIN mart_reclamation_excluded_history_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;
