-- 50_stg_candidates: licence rows with at least one reason, not an
-- ignored SKU, as the reclamation marts show them: first reason, all
-- reasons, action, savings, the evidence as JSON and the exclusion in force
-- (NULL when none).
-- Grain: one row per tenant × snapshot_date × user × SKU with a reason.
-- Inputs: stg_license_reasons, stg_signin_usage.
CREATE OR REPLACE TEMP VIEW stg_candidates AS
WITH rows AS (
    SELECT *, CAST(json_object(
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
        'user_type', user_type) AS VARCHAR) AS evidence_base
    FROM stg_license_reasons
    LEFT JOIN (SELECT tenant, snapshot_date, user_id, signin_successful_date, signin_interactive_date,
                   signin_non_interactive_date FROM stg_signin_usage) USING (tenant, snapshot_date, user_id)
    WHERE len(reasons) > 0 AND NOT ignored
)
SELECT tenant, snapshot_date, as_of, user_id, user_principal_name, sku_id, sku_part_number,
    reasons[1] AS reason, reasons, idle_days, last_activity_date, assigned_by_groups, action,
    currency, annual_savings, reducible_from,
    -- The further signals the verdict used, each with its date and its
    -- report's date, close the object (a key only when the row carries
    -- one, so that evidence without them reads as before).
    CASE WHEN list_has_any(workloads, ['Copilot', 'Apps', 'PowerBI', 'SignIn'])
        THEN left(evidence_base, length(evidence_base) - 1) || ',"signals":' || CAST(json_object(
            'copilot', CASE WHEN list_contains(workloads, 'Copilot') THEN json_object(
                'last_activity', copilot_last_activity_date, 'report_date', copilot_report_date,
                'latency', 'Microsoft publishes a day of Copilot use up to 72 hours after it ends') END,
            'apps', CASE WHEN list_contains(workloads, 'Apps') THEN json_object(
                'last_activity', apps_last_activity_date, 'report_date', apps_report_date) END,
            'powerbi', CASE WHEN list_contains(workloads, 'PowerBI') THEN json_object(
                'last_sign_in', powerbi_last_date, 'window_from', powerbi_window_from,
                'window_days', powerbi_window_days,
                'source', 'Entra sign-in logs of the Power BI service, read nightly since the window began') END,
            'signin', CASE WHEN list_contains(workloads, 'SignIn') THEN json_object(
                'last_sign_in', signin_last_date,
                'last_successful', signin_successful_date, 'last_interactive', signin_interactive_date,
                'last_non_interactive', signin_non_interactive_date) END) AS VARCHAR) || '}'
        ELSE evidence_base END AS evidence,
    display_name, department, cost_center, assigned_direct, exclusion_reason
FROM rows;
