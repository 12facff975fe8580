-- 30_mart_reclamation_candidates: licences to reclaim, with why, what to
-- do, what it saves and the evidence.
-- Grain: one row per tenant × user × SKU with at least one reason, not
-- excluded, not an ignored SKU (latest snapshot). Excluded rows are in
-- mart_reclamation_excluded with the exclusion's reason.
-- Inputs: stg_license_reasons.
-- Views, recomputed on read with the current param_/ref_ tables; the latest
-- snapshot per tenant is max(snapshot_date) in snapshots (stg_snapshots.is_latest).
CREATE OR REPLACE VIEW stg_candidates AS
SELECT tenant, snapshot_date, as_of, user_id, user_principal_name, sku_id, sku_part_number,
    reasons[1] AS reason, reasons, idle_days, last_activity_date, assigned_by_groups, action,
    currency, annual_savings, reducible_from,
    CAST(json_object(
        'rule', reasons[1],
        'threshold', CASE reasons[1] WHEN 'inactive' THEN inactivity_days WHEN 'never_used' THEN grace_days END,
        'inactivity_days', inactivity_days, 'grace_days', grace_days,
        'last_activity', json_object(
            'Exchange', exchange_last_activity_date, 'OneDrive', onedrive_last_activity_date,
            'SharePoint', sharepoint_last_activity_date, 'Skype', skype_last_activity_date,
            'Yammer', yammer_last_activity_date, 'Teams', teams_last_activity_date),
        'workloads', workloads,
        'report_date', report_refresh_date,
        'in_report', in_report,
        'assigned_at', strftime(timezone('UTC', assigned_at), '%Y-%m-%dT%H:%M:%SZ'),
        'redundant_with', redundant_with,
        'account_enabled', account_enabled,
        'user_type', user_type) AS VARCHAR) AS evidence,
    display_name, department, cost_center, assigned_direct, exclusion_reason
FROM stg_license_reasons
WHERE len(reasons) > 0 AND NOT ignored;

CREATE OR REPLACE VIEW mart_reclamation_candidates_history AS
SELECT * EXCLUDE (exclusion_reason) FROM stg_candidates WHERE exclusion_reason IS NULL;

CREATE OR REPLACE VIEW mart_reclamation_candidates AS
SELECT c.* EXCLUDE (snapshot_date)
FROM mart_reclamation_candidates_history c JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE s.is_latest;

CREATE OR REPLACE VIEW mart_reclamation_excluded AS
SELECT c.* EXCLUDE (snapshot_date)
FROM stg_candidates c JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE s.is_latest AND c.exclusion_reason IS NOT NULL;
