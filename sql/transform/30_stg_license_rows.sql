-- 30_stg_license_rows: licence rows with their enabled service plans,
-- report workloads, assignment facts and usage.
-- Grain: one row per tenant × snapshot_date × user × SKU (user.assignedLicenses).
-- Inputs: raw_users, raw_user_licenses, raw_license_assignment_states,
--         raw_sku_service_plans (the tenant's own plans win), ref_sku_catalog_plans
--         (fallback when the tenant sent none for a SKU), ref_plan_workloads,
--         stg_snapshots, stg_skus, stg_usage.

-- Enabled service plans of each SKU: the tenant's plans that apply to users
-- (appliesTo Company does not count for a user) and are not Disabled; the
-- catalogue's when the tenant listed none for that SKU.
CREATE OR REPLACE TEMP TABLE stg_sku_plans AS
WITH tenant_plans AS (
    SELECT tenant, snapshot_date, lower(sku_id) AS sku_id, lower(service_plan_id) AS plan_id,
        trim(service_plan_name) AS plan_name
    FROM raw_sku_service_plans
    WHERE coalesce(applies_to, 'User') <> 'Company' AND coalesce(provisioning_status, '') <> 'Disabled'
), listed AS (
    SELECT DISTINCT tenant, snapshot_date, lower(sku_id) AS sku_id FROM raw_sku_service_plans
)
SELECT * FROM tenant_plans
UNION ALL
SELECT k.tenant, k.snapshot_date, lower(k.sku_id), c.service_plan_id, c.service_plan_name
FROM raw_subscribed_skus k
JOIN ref_sku_catalog_plans c ON c.sku_id = lower(k.sku_id)
ANTI JOIN listed l ON l.tenant = k.tenant AND l.snapshot_date = k.snapshot_date AND l.sku_id = lower(k.sku_id);

CREATE OR REPLACE TEMP TABLE stg_sku_planset AS
SELECT tenant, snapshot_date, sku_id, list_sort(list_distinct(list(plan_id))) AS plan_ids
FROM stg_sku_plans GROUP BY ALL;

-- The workloads of every plan name in use: the first matching rule of
-- ref_plan_workloads decides (its RE2 patterns are the ones Go's
-- transform.WorkloadsOf applies; a rule without a workload carves plans out).
CREATE OR REPLACE TEMP TABLE stg_plan_workloads AS
WITH matched AS (
    SELECT n.plan_name, r.priority, r.workload,
        min(r.priority) OVER (PARTITION BY n.plan_name) AS first_rule
    FROM (SELECT DISTINCT plan_name FROM stg_sku_plans WHERE plan_name IS NOT NULL) n
    JOIN ref_plan_workloads r ON regexp_matches(n.plan_name, r.pattern)
)
SELECT plan_name, workload FROM matched WHERE priority = first_rule AND workload IS NOT NULL;

-- Each SKU's report workloads, and for each workload the SKU's plans that
-- carry it (to drop a workload whose plans a licence row disables).
CREATE OR REPLACE TEMP TABLE stg_sku_workloads AS
SELECT tenant, snapshot_date, sku_id, list_sort(list(workload)) AS workloads,
    list({'workload': workload, 'plan_ids': plan_ids}) AS workload_plans
FROM (
    SELECT p.tenant, p.snapshot_date, p.sku_id, w.workload, list_distinct(list(p.plan_id)) AS plan_ids
    FROM stg_sku_plans p
    JOIN stg_plan_workloads w ON w.plan_name = p.plan_name
    GROUP BY ALL
)
GROUP BY ALL;

-- How each user holds each SKU: directly (a state without assignedByGroup)
-- and/or through groups; the earliest state update.
CREATE OR REPLACE TEMP VIEW stg_assignment AS
SELECT tenant, snapshot_date, user_id, lower(sku_id) AS sku_id,
    bool_or(assigned_by_group IS NULL) AS assigned_direct,
    coalesce(list_sort(list_distinct(list(lower(assigned_by_group)) FILTER (WHERE assigned_by_group IS NOT NULL))), []) AS assigned_by_groups,
    min(last_updated_date_time) AS first_updated
FROM raw_license_assignment_states GROUP BY ALL;

-- Every group that assigns any licence to a user (for group exclusions).
CREATE OR REPLACE TEMP VIEW stg_user_groups AS
SELECT tenant, snapshot_date, user_id, list_distinct(list(lower(assigned_by_group))) AS groups
FROM raw_license_assignment_states WHERE assigned_by_group IS NOT NULL GROUP BY ALL;

-- Licence rows. Most rows disable no plan: they take their SKU's plans and
-- workloads as they are; only the others pay for the list filtering, and
-- only they carry their own enabled_plans (NULL: the SKU's plans apply), so
-- that a suite's fifty plan ids are not copied into every row.
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
