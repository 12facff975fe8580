-- 40_stg_license_reasons: every licence row with its last activity, idle
-- days, reclamation reasons (PRODUCT.md "Rule semantics", in priority
-- order), exclusion, action, savings and evidence.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Inputs: stg_license_rows, stg_user_groups, stg_skus, raw_subscriptions,
--         param_rules, param_exclusions, ref_sku_contains, param_ignore_skus.

-- Redundant: the user also holds another SKU that contains this one: its
-- enabled plans include every enabled plan of this one (this one having at
-- least one), or the curated table says so. Two SKUs with identical plan
-- sets would contain each other: then only the one with the greater sku_id
-- is redundant. Ignored (free) SKUs never make another redundant.
CREATE OR REPLACE VIEW stg_redundant AS
SELECT a.tenant, a.snapshot_date, a.user_id, a.sku_id, min(b.sku_part_number) AS redundant_with
FROM stg_license_rows a
JOIN stg_license_rows b ON b.tenant = a.tenant AND b.snapshot_date = a.snapshot_date
    AND b.user_id = a.user_id AND b.sku_id <> a.sku_id AND NOT b.ignored
WHERE EXISTS (SELECT 1 FROM ref_sku_contains c WHERE c.container = b.sku_part_number AND c.contained = a.sku_part_number)
   OR (len(a.enabled_plans) > 0 AND list_has_all(b.enabled_plans, a.enabled_plans)
       AND (NOT list_has_all(a.enabled_plans, b.enabled_plans) OR a.sku_id > b.sku_id))
GROUP BY ALL;

CREATE OR REPLACE VIEW stg_license_reasons AS
WITH base AS (
    SELECT r.*,
        list_max([exchange_last_activity_date, onedrive_last_activity_date, sharepoint_last_activity_date,
                  skype_last_activity_date, yammer_last_activity_date, teams_last_activity_date]) AS last_activity_date,
        len(r.workloads) > 0 AND NOT r.concealed AS usage_signal,
        date_diff('day', CAST(r.assigned_at AS DATE), r.as_of) >= p.grace_days AS past_grace,
        p.inactivity_days, p.grace_days,
        rd.redundant_with,
        coalesce(g.groups, []) AS user_groups
    FROM stg_license_rows r
    CROSS JOIN (SELECT * FROM param_rules LIMIT 1) p
    LEFT JOIN stg_redundant rd USING (tenant, snapshot_date, user_id, sku_id)
    LEFT JOIN stg_user_groups g USING (tenant, snapshot_date, user_id)
), flags AS (
    SELECT b.*,
        date_diff('day', b.last_activity_date, b.as_of) AS idle_days,
        NOT b.account_enabled AS r_disabled,
        b.user_type = 'Guest' AND coalesce(b.unit_price_annual, 0) > 0 AS r_guest,
        b.redundant_with IS NOT NULL AS r_redundant,
        b.usage_signal AND b.in_report AND b.last_activity_date IS NULL AND coalesce(b.past_grace, false) AS r_never_used,
        b.usage_signal AND date_diff('day', b.last_activity_date, b.as_of) >= b.inactivity_days
            AND coalesce(b.past_grace, false) AS r_inactive
    FROM base b
), renewals AS (
    SELECT tenant, snapshot_date, lower(sku_id) AS sku_id,
        coalesce(min(CAST(next_lifecycle_date_time AS DATE)) FILTER (WHERE status IN ('Enabled', 'Warning')),
                 min(CAST(next_lifecycle_date_time AS DATE))) AS next_lifecycle
    FROM raw_subscriptions GROUP BY ALL
)
SELECT f.*,
    list_filter([CASE WHEN r_disabled THEN 'disabled_account' END,
                 CASE WHEN r_guest THEN 'guest_licensed' END,
                 CASE WHEN r_redundant THEN 'redundant' END,
                 CASE WHEN r_never_used THEN 'never_used' END,
                 CASE WHEN coalesce(r_inactive, false) THEN 'inactive' END], x -> x IS NOT NULL) AS reasons,
    (SELECT first(e.reason ORDER BY e.kind, e.value) FROM param_exclusions e
     WHERE (e.until IS NULL OR f.as_of <= e.until)
       AND ((e.kind = 'upn' AND lower(f.user_principal_name) GLOB e.value)
         OR (e.kind = 'group_id' AND list_contains(f.user_groups, e.value))
         OR (e.kind = 'department' AND lower(f.department) = lower(e.value))
         OR (e.kind = 'sku' AND f.sku_part_number = e.value))) AS exclusion_reason,
    CASE WHEN f.assigned_direct OR len(f.assigned_by_groups) = 0 THEN 'remove_direct' ELSE 'remove_from_group' END AS action,
    CASE WHEN f.assigned_direct AND len(f.assigned_by_groups) > 0 THEN 0.0 ELSE f.unit_price_annual END AS annual_savings,
    CASE f.term WHEN 'annual' THEN rn.next_lifecycle WHEN 'monthly' THEN f.as_of END AS reducible_from
FROM flags f
LEFT JOIN renewals rn USING (tenant, snapshot_date, sku_id);
