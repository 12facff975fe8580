-- 49_stg_license_reasons: every licence row with its last activity, idle
-- days, reclamation reasons (PRODUCT.md "Rule semantics", in priority
-- order), exclusion, action, savings and reducible_from.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Inputs: stg_license_rows, stg_redundant, stg_user_groups,
--         raw_subscriptions, param_rules, param_exclusions.
-- Ages are whole days up to as_of: date_diff('day', d, as_of).
CREATE OR REPLACE TEMP TABLE stg_license_reasons AS
WITH base AS (
    SELECT r.*,
        list_max([exchange_last_activity_date, onedrive_last_activity_date, sharepoint_last_activity_date,
                  skype_last_activity_date, yammer_last_activity_date, teams_last_activity_date]) AS last_activity_date,
        -- usage signal: the SKU carries a report workload and the report is not concealed
        len(r.workloads) > 0 AND NOT r.concealed AS usage_signal,
        coalesce(date_diff('day', utc_date(r.assigned_at), r.as_of) >= p.grace_days, false) AS past_grace,
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
        lower(b.user_type) = 'guest' AND coalesce(b.unit_price_annual, 0) > 0 AS r_guest,
        b.redundant_with IS NOT NULL AS r_redundant,
        b.usage_signal AND b.in_report AND b.last_activity_date IS NULL AND b.past_grace AS r_never_used,
        coalesce(b.usage_signal AND date_diff('day', b.last_activity_date, b.as_of) >= b.inactivity_days
            AND b.past_grace, false) AS r_inactive
    FROM base b
), renewals AS (
    -- The SKU's renewal date: the earliest next lifecycle of its live
    -- subscriptions, else of any.
    SELECT tenant, snapshot_date, lower(sku_id) AS sku_id,
        coalesce(min(utc_date(next_lifecycle_date_time)) FILTER (WHERE status IN ('Enabled', 'Warning')),
                 min(utc_date(next_lifecycle_date_time))) AS next_lifecycle
    FROM raw_subscriptions GROUP BY ALL
)
SELECT f.*,
    list_filter([CASE WHEN r_disabled THEN 'disabled_account' END,
                 CASE WHEN r_guest THEN 'guest_licensed' END,
                 CASE WHEN r_redundant THEN 'redundant' END,
                 CASE WHEN r_never_used THEN 'never_used' END,
                 CASE WHEN r_inactive THEN 'inactive' END], x -> x IS NOT NULL) AS reasons,
    -- The first exclusion in force on as_of (until inclusive) that matches.
    (SELECT first(e.reason ORDER BY e.kind, e.value) FROM param_exclusions e
     WHERE (e.until IS NULL OR f.as_of <= e.until)
       AND ((e.kind = 'upn' AND lower(f.user_principal_name) GLOB e.value)
         OR (e.kind = 'group_id' AND list_contains(f.user_groups, e.value))
         OR (e.kind = 'department' AND lower(f.department) = e.value)
         OR (e.kind = 'sku' AND lower(f.sku_part_number) = e.value))) AS exclusion_reason,
    CASE WHEN f.assigned_direct OR len(f.assigned_by_groups) = 0 THEN 'remove_direct' ELSE 'remove_from_group' END AS action,
    -- Removing a direct assignment that a group also gives frees no seat.
    CASE WHEN f.assigned_direct AND len(f.assigned_by_groups) > 0 THEN CAST(0 AS DECIMAL(18,2)) ELSE f.unit_price_annual END AS annual_savings,
    -- Seats of an annual term can only be cut at renewal.
    CASE f.term WHEN 'annual' THEN rn.next_lifecycle WHEN 'monthly' THEN f.as_of END AS reducible_from
FROM flags f
LEFT JOIN renewals rn USING (tenant, snapshot_date, sku_id);
