-- 36_stg_license_rows: licence rows with their enabled service plans,
-- report workloads, assignment facts and usage.
-- Grain: one row per tenant × snapshot_date × user × SKU (user.assignedLicenses).
-- Inputs: raw_user_licenses, raw_users, stg_snapshots, stg_assignment,
--         stg_sku_planset, stg_sku_workloads, stg_skus, stg_usage.
-- account_enabled NULL (Graph did not say) counts as enabled.
-- Most rows disable no plan: they take their SKU's plans and workloads as
-- they are; only the others pay for the list filtering, and only they carry
-- their own enabled_plans (NULL: the SKU's plans apply), so that a suite's
-- fifty plan ids are not copied into every row.
CREATE OR REPLACE TEMP TABLE stg_license_rows AS
WITH rows AS (
    SELECT l.tenant, l.snapshot_date, s.as_of, s.concealed, s.has_report, s.report_refresh_date,
        l.user_id, lower(l.sku_id) AS sku_id,
        coalesce(k.sku_part_number, lower(l.sku_id)) AS sku_part_number,
        u.user_principal_name, u.display_name, u.department, u.cost_center,
        coalesce(u.account_enabled, true) AS account_enabled, u.user_type, u.usage_location,
        coalesce(a.assigned_direct, false) AS assigned_direct,
        coalesce(a.assigned_by_groups, []) AS assigned_by_groups,
        coalesce(a.first_updated, u.created_date_time) AS assigned_at,
        coalesce(ps.plan_ids, []) AS sku_plans,
        list_transform(coalesce(l.disabled_plans, []), d -> lower(d)) AS disabled_plans,
        coalesce(sw.workloads, []) AS sku_workloads, coalesce(sw.workload_plans, []) AS workload_plans,
        coalesce(k.ignored, false) AS ignored, k.unit_price_annual, k.currency, k.term
    FROM raw_user_licenses l
    JOIN stg_snapshots s USING (tenant, snapshot_date)
    JOIN raw_users u ON u.tenant = l.tenant AND u.snapshot_date = l.snapshot_date AND u.id = l.user_id
    LEFT JOIN stg_assignment a ON a.tenant = l.tenant AND a.snapshot_date = l.snapshot_date
        AND a.user_id = l.user_id AND a.sku_id = lower(l.sku_id)
    LEFT JOIN stg_sku_planset ps ON ps.tenant = l.tenant AND ps.snapshot_date = l.snapshot_date AND ps.sku_id = lower(l.sku_id)
    LEFT JOIN stg_sku_workloads sw ON sw.tenant = l.tenant AND sw.snapshot_date = l.snapshot_date AND sw.sku_id = lower(l.sku_id)
    LEFT JOIN stg_skus k ON k.tenant = l.tenant AND k.snapshot_date = l.snapshot_date AND k.sku_id = lower(l.sku_id)
), enabled AS (
    SELECT * EXCLUDE (sku_plans),
        CASE WHEN len(disabled_plans) > 0
             THEN list_filter(sku_plans, p -> NOT list_contains(disabled_plans, p)) END AS enabled_plans
    FROM rows
), worked AS (
    SELECT * EXCLUDE (sku_workloads, workload_plans),
        CASE WHEN len(disabled_plans) = 0 THEN sku_workloads
             ELSE list_sort(list_transform(list_filter(workload_plans, wp -> list_has_any(enabled_plans, wp.plan_ids)),
                                           wp -> wp.workload)) END AS workloads
    FROM enabled
)
SELECT r.*,
    u.upn_key IS NOT NULL AS in_report,
    CASE WHEN list_contains(r.workloads, 'Exchange')   THEN u.exchange_last_activity_date END   AS exchange_last_activity_date,
    CASE WHEN list_contains(r.workloads, 'OneDrive')   THEN u.onedrive_last_activity_date END   AS onedrive_last_activity_date,
    CASE WHEN list_contains(r.workloads, 'SharePoint') THEN u.sharepoint_last_activity_date END AS sharepoint_last_activity_date,
    CASE WHEN list_contains(r.workloads, 'Skype')      THEN u.skype_last_activity_date END      AS skype_last_activity_date,
    CASE WHEN list_contains(r.workloads, 'Yammer')     THEN u.yammer_last_activity_date END     AS yammer_last_activity_date,
    CASE WHEN list_contains(r.workloads, 'Teams')      THEN u.teams_last_activity_date END      AS teams_last_activity_date
FROM worked r
LEFT JOIN stg_usage u ON u.tenant = r.tenant AND u.snapshot_date = r.snapshot_date
    AND u.upn_key = lower(r.user_principal_name);
