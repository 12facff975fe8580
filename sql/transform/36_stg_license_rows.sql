-- 36_stg_license_rows: licence rows with their enabled service plans,
-- report workloads, assignment facts and usage.
-- Grain: one row per tenant × snapshot_date × user × SKU (user.assignedLicenses).
-- Inputs: raw_user_licenses, raw_users, stg_snapshots, stg_assignment,
--         stg_plan_variants, stg_sku_workloads, stg_skus, stg_usage,
--         stg_signal_usage, stg_signin_usage, param_rules (inactivity_days
--         and grace_days ride on every row, so that stg_license_activity
--         needs no cross join of every row with the thresholds: 150 ms at
--         100k users).
-- account_enabled NULL (Graph did not say) counts as enabled.
-- workloads holds the six report workloads the row's plans carry and the
-- further signals (Copilot, Apps, PowerBI, SignIn) the snapshot can use
-- (stg_sku_workloads keeps only those); in_copilot, in_apps and in_signin
-- say whether the user is in the Copilot and Apps reports and the
-- signInActivity read.
-- Most rows disable no plan: they take their SKU's workloads as they are;
-- the others take their variant's (stg_plan_variants) and are the only
-- rows that carry their own enabled_plans (NULL: the SKU's plans apply),
-- so that a suite's fifty plan ids are neither copied into every row nor
-- carried through the joins.
CREATE OR REPLACE TEMP TABLE stg_license_rows AS
WITH licences AS (
    -- Narrow rows first: each licence with how it is assigned.
    SELECT l.tenant, l.snapshot_date, l.user_id, lower(l.sku_id) AS sku_id,
        list_transform(coalesce(l.disabled_plans, []), d -> lower(d)) AS disabled_plans,
        a.assigned_direct, a.assigned_by_groups, a.first_updated
    FROM raw_user_licenses l
    LEFT JOIN stg_assignment a ON a.tenant = l.tenant AND a.snapshot_date = l.snapshot_date
        AND a.user_id = l.user_id AND a.sku_id = lower(l.sku_id)
), users AS (
    -- Each user with the report's activity dates (NULL: not in the report).
    SELECT u.tenant, u.snapshot_date, u.id, u.user_principal_name, u.display_name, u.department, u.cost_center,
        u.account_enabled, u.user_type, u.usage_location, u.created_date_time,
        u.on_premises_distinguished_name, u.on_premises_sync_enabled,
        g.upn_key IS NOT NULL AS in_report,
        g.exchange_last_activity_date, g.onedrive_last_activity_date, g.sharepoint_last_activity_date,
        g.skype_last_activity_date, g.yammer_last_activity_date, g.teams_last_activity_date,
        coalesce(sg.in_copilot, false) AS in_copilot, sg.copilot_last_activity_date, sg.copilot_report_date,
        coalesce(sg.in_apps, false) AS in_apps, sg.apps_last_activity_date, sg.apps_report_date,
        coalesce(si.in_signin, false) AS in_signin, si.signin_last_date, si.powerbi_last_date
    FROM raw_users u
    LEFT JOIN stg_usage g ON g.tenant = u.tenant AND g.snapshot_date = u.snapshot_date
        AND g.upn_key = lower(u.user_principal_name)
    LEFT JOIN stg_signal_usage sg ON sg.tenant = u.tenant AND sg.snapshot_date = u.snapshot_date
        AND sg.upn_key = lower(u.user_principal_name)
    LEFT JOIN stg_signin_usage si ON si.tenant = u.tenant AND si.snapshot_date = u.snapshot_date AND si.user_id = u.id
), rows AS (
    SELECT l.tenant, l.snapshot_date, s.as_of, s.concealed, s.has_report, s.report_refresh_date,
        s.powerbi_window_from, s.powerbi_window_days, s.inactivity_days, s.grace_days,
        l.user_id, l.sku_id,
        coalesce(k.sku_part_number, l.sku_id) AS sku_part_number,
        u.user_principal_name, u.display_name, u.department, u.cost_center,
        coalesce(u.account_enabled, true) AS account_enabled, u.user_type, u.usage_location,
        coalesce(l.assigned_direct, false) AS assigned_direct,
        coalesce(l.assigned_by_groups, []) AS assigned_by_groups,
        coalesce(l.first_updated, u.created_date_time) AS assigned_at,
        l.disabled_plans,
        coalesce(k.ignored, false) AS ignored, k.unit_price_annual, k.currency, k.term,
        o.enabled_plans,
        coalesce(o.workloads, sw.workloads, []) AS workloads,
        u.in_report, u.on_premises_distinguished_name, u.on_premises_sync_enabled,
        u.exchange_last_activity_date, u.onedrive_last_activity_date, u.sharepoint_last_activity_date,
        u.skype_last_activity_date, u.yammer_last_activity_date, u.teams_last_activity_date,
        u.in_copilot, u.copilot_last_activity_date, u.copilot_report_date,
        u.in_apps, u.apps_last_activity_date, u.apps_report_date,
        u.in_signin, u.signin_last_date, u.powerbi_last_date
    FROM licences l
    -- The thresholds join the snapshot's one row, not every licence row.
    JOIN (SELECT s.*, p.inactivity_days, p.grace_days
          FROM stg_snapshots s CROSS JOIN (SELECT inactivity_days, grace_days FROM param_rules LIMIT 1) p) s
        USING (tenant, snapshot_date)
    JOIN users u ON u.tenant = l.tenant AND u.snapshot_date = l.snapshot_date AND u.id = l.user_id
    LEFT JOIN stg_sku_workloads sw ON sw.tenant = l.tenant AND sw.snapshot_date = l.snapshot_date AND sw.sku_id = l.sku_id
    LEFT JOIN stg_skus k ON k.tenant = l.tenant AND k.snapshot_date = l.snapshot_date AND k.sku_id = l.sku_id
    LEFT JOIN stg_plan_variants o ON o.tenant = l.tenant AND o.snapshot_date = l.snapshot_date AND o.sku_id = l.sku_id
        AND o.disabled_plans = l.disabled_plans
)
-- A workload's activity date counts only when the licence carries it.
SELECT * REPLACE (
    CASE WHEN list_contains(workloads, 'Exchange')   THEN exchange_last_activity_date END   AS exchange_last_activity_date,
    CASE WHEN list_contains(workloads, 'OneDrive')   THEN onedrive_last_activity_date END   AS onedrive_last_activity_date,
    CASE WHEN list_contains(workloads, 'SharePoint') THEN sharepoint_last_activity_date END AS sharepoint_last_activity_date,
    CASE WHEN list_contains(workloads, 'Skype')      THEN skype_last_activity_date END      AS skype_last_activity_date,
    CASE WHEN list_contains(workloads, 'Yammer')     THEN yammer_last_activity_date END     AS yammer_last_activity_date,
    CASE WHEN list_contains(workloads, 'Teams')      THEN teams_last_activity_date END      AS teams_last_activity_date,
    CASE WHEN list_contains(workloads, 'Copilot')    THEN copilot_last_activity_date END    AS copilot_last_activity_date,
    CASE WHEN list_contains(workloads, 'Apps')       THEN apps_last_activity_date END       AS apps_last_activity_date,
    CASE WHEN list_contains(workloads, 'SignIn')     THEN signin_last_date END              AS signin_last_date,
    CASE WHEN list_contains(workloads, 'PowerBI')    THEN powerbi_last_date END             AS powerbi_last_date)
FROM rows;
