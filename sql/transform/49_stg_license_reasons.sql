-- 49_stg_license_reasons: every licence row with its last activity, idle
-- days, reclamation reasons, exclusion, action, savings and reducible_from.
-- reasons lists every reason that holds, in priority order:
-- disabled_account, guest_licensed, redundant, never_used, inactive (each
-- decided by its own stg_reason_* model); the first is the reason shown.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Columns: only what its readers (marts/20_mart_user_licenses,
-- transform/50_stg_candidates) take. The plan lists, the report's state,
-- the rule flags and the term stay behind: materialising them cost about a
-- quarter of this model's time at 100k users.
-- Inputs: stg_license_activity, stg_reason_disabled_account,
--         stg_reason_guest_licensed, stg_reason_redundant,
--         stg_reason_never_used, stg_reason_inactive, stg_license_rows, stg_user_groups,
--         raw_subscriptions, param_exclusions.
CREATE OR REPLACE TEMP TABLE stg_license_reasons AS
WITH reasons AS (
    -- The reasons that hold, per licence row that has any: the few rows
    -- of the reason models, gathered by key, so that the wide licence rows
    -- pass through one join rather than one per reason.
    SELECT tenant, snapshot_date, user_id, sku_id,
        bool_or(reason = 'disabled_account') AS r_disabled,
        bool_or(reason = 'guest_licensed') AS r_guest,
        bool_or(reason = 'redundant') AS r_redundant,
        bool_or(reason = 'never_used') AS r_never_used,
        bool_or(reason = 'inactive') AS r_inactive,
        min(redundant_with) AS redundant_with
    FROM (
        SELECT tenant, snapshot_date, user_id, sku_id, 'disabled_account' AS reason, NULL AS redundant_with FROM stg_reason_disabled_account
        UNION ALL SELECT tenant, snapshot_date, user_id, sku_id, 'guest_licensed', NULL FROM stg_reason_guest_licensed
        UNION ALL SELECT tenant, snapshot_date, user_id, sku_id, 'redundant', redundant_with FROM stg_reason_redundant
        UNION ALL SELECT tenant, snapshot_date, user_id, sku_id, 'never_used', NULL FROM stg_reason_never_used
        UNION ALL SELECT tenant, snapshot_date, user_id, sku_id, 'inactive', NULL FROM stg_reason_inactive
    )
    GROUP BY tenant, snapshot_date, user_id, sku_id
), flags AS (
    SELECT a.* EXCLUDE (idle_days, disabled_plans, enabled_plans, concealed, has_report, usage_signal, past_grace,
            in_copilot, in_apps, in_signin, in_sources, judged, never_active, window_ok),
        r.redundant_with,
        a.idle_days,
        coalesce(r.r_disabled, false) AS r_disabled,
        coalesce(r.r_guest, false) AS r_guest,
        coalesce(r.r_redundant, false) AS r_redundant,
        coalesce(r.r_never_used, false) AS r_never_used,
        coalesce(r.r_inactive, false) AS r_inactive
    FROM stg_license_activity a
    LEFT JOIN reasons r ON r.tenant = a.tenant AND r.snapshot_date = a.snapshot_date
        AND r.user_id = a.user_id AND r.sku_id = a.sku_id
), renewals AS (
    -- The SKU's renewal date: the earliest next lifecycle of its live
    -- subscriptions, else of any.
    SELECT tenant, snapshot_date, lower(sku_id) AS sku_id,
        coalesce(min(utc_date(next_lifecycle_date_time)) FILTER (WHERE status IN ('Enabled', 'Warning')),
                 min(utc_date(next_lifecycle_date_time))) AS next_lifecycle
    FROM raw_subscriptions GROUP BY ALL
), excluded AS (
    -- The first exclusion in force on as_of (until inclusive) that matches
    -- a licence row. A join of the few exclusions with the rows, not a
    -- subquery per row: DuckDB planned that as a window and a cross
    -- product over every row, seconds for a night of 100k users.
    SELECT r.tenant, r.snapshot_date, r.user_id, r.sku_id,
        first(e.reason ORDER BY e.kind, e.value) AS exclusion_reason
    FROM stg_license_rows r
    LEFT JOIN stg_user_groups g ON g.tenant = r.tenant AND g.snapshot_date = r.snapshot_date AND g.user_id = r.user_id
    JOIN param_exclusions e ON (e.until IS NULL OR r.as_of <= e.until)
       AND ((e.kind = 'upn' AND lower(r.user_principal_name) GLOB e.value)
         OR (e.kind = 'group_id' AND list_contains(coalesce(g.groups, []), e.value))
         OR (e.kind = 'department' AND lower(r.department) = e.value)
         OR (e.kind = 'sku' AND lower(r.sku_part_number) = e.value))
    GROUP BY ALL
)
SELECT f.* EXCLUDE (r_disabled, r_guest, r_redundant, r_never_used, r_inactive, term),
    list_filter([CASE WHEN r_disabled THEN 'disabled_account' END,
                 CASE WHEN r_guest THEN 'guest_licensed' END,
                 CASE WHEN r_redundant THEN 'redundant' END,
                 CASE WHEN r_never_used THEN 'never_used' END,
                 CASE WHEN r_inactive THEN 'inactive' END], x -> x IS NOT NULL) AS reasons,
    x.exclusion_reason,
    CASE WHEN f.assigned_direct OR len(f.assigned_by_groups) = 0 THEN 'remove_direct' ELSE 'remove_from_group' END AS action,
    -- Removing a direct assignment that a group also gives frees no seat.
    CASE WHEN f.assigned_direct AND len(f.assigned_by_groups) > 0 THEN CAST(0 AS DECIMAL(18,2)) ELSE f.unit_price_annual END AS annual_savings,
    -- Seats of an annual term can only be cut at renewal.
    CASE f.term WHEN 'annual' THEN rn.next_lifecycle WHEN 'monthly' THEN f.as_of END AS reducible_from
FROM flags f
LEFT JOIN renewals rn USING (tenant, snapshot_date, sku_id)
LEFT JOIN excluded x USING (tenant, snapshot_date, user_id, sku_id);
