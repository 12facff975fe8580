-- 40_stg_license_reasons: every licence row with its last activity, idle
-- days, reclamation reasons (PRODUCT.md "Rule semantics", in priority
-- order), exclusion, action, savings and reducible_from.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Inputs: stg_license_rows, stg_user_groups, raw_subscriptions,
--         param_rules, param_exclusions, ref_sku_contains.
-- Ages are whole days up to as_of: date_diff('day', d, as_of).

-- Redundant: the user also holds another SKU that contains this one: its
-- enabled plans include every enabled plan of this one (this one having at
-- least one: a licence with every plan disabled contains nothing to compare),
-- or the curated table says so. Two SKUs with identical enabled plans would
-- contain each other: then only one is redundant, the one with the
-- lexically later part number, then the later sku_id (MCOPSTN5 has two).
-- redundant_with names the first containing part number.
--
-- Speed: comparing plan lists is costly (suites carry 50+ plans), so the
-- subset test runs once per pair of SKUs of a snapshot (stg_sku_subsets);
-- only licence pairs where a row disables plans compare their own lists.

-- SKU pairs of a snapshot where the container's plans include every plan of
-- the (non-empty) contained one; equal when the two sets are the same.
CREATE OR REPLACE TEMP VIEW stg_sku_subsets AS
SELECT a.tenant, a.snapshot_date, a.sku_id AS contained, b.sku_id AS container,
    list_has_all(a.plan_ids, b.plan_ids) AS equal
FROM stg_sku_planset a
JOIN stg_sku_planset b ON b.tenant = a.tenant AND b.snapshot_date = a.snapshot_date AND b.sku_id <> a.sku_id
WHERE len(a.plan_ids) > 0 AND list_has_all(b.plan_ids, a.plan_ids);

CREATE OR REPLACE TEMP VIEW stg_redundant AS
WITH held AS MATERIALIZED (
    -- own_plans: the row's enabled plans when it disables some, else NULL
    -- (the SKU's plans apply); lists are only carried where needed.
    -- Users with one licence make no pair.
    SELECT tenant, snapshot_date, user_id, sku_id, sku_part_number, enabled_plans AS own_plans
    FROM stg_license_rows
), pairs AS (
    SELECT a.tenant, a.snapshot_date, a.user_id, a.sku_id, a.sku_part_number AS part, a.own_plans,
        b.sku_id AS b_sku, b.sku_part_number AS b_part, b.own_plans AS b_own_plans,
        a.sku_part_number > b.sku_part_number OR (a.sku_part_number = b.sku_part_number AND a.sku_id > b.sku_id) AS later,
        c.container IS NOT NULL AS curated
    FROM held a
    JOIN held b ON b.tenant = a.tenant AND b.snapshot_date = a.snapshot_date AND b.user_id = a.user_id AND b.sku_id <> a.sku_id
    LEFT JOIN (SELECT DISTINCT upper(container) AS container, upper(contained) AS contained FROM ref_sku_contains) c
        ON c.container = upper(b.sku_part_number) AND c.contained = upper(a.sku_part_number)
), by_sku AS (
    -- Neither row disables plans: the SKU-level subset test decides.
    SELECT p.tenant, p.snapshot_date, p.user_id, p.sku_id, p.b_part
    FROM pairs p
    LEFT JOIN stg_sku_subsets ss ON ss.tenant = p.tenant AND ss.snapshot_date = p.snapshot_date
        AND ss.contained = p.sku_id AND ss.container = p.b_sku
    WHERE p.own_plans IS NULL AND p.b_own_plans IS NULL
      AND (p.curated OR (ss.container IS NOT NULL AND (NOT ss.equal OR p.later)))
), by_row AS (
    -- A row disables plans: compare the rows' own enabled plans.
    SELECT tenant, snapshot_date, user_id, sku_id, b_part
    FROM (
        SELECT p.*, coalesce(p.own_plans, pa.plan_ids, []) AS plans, coalesce(p.b_own_plans, pb.plan_ids, []) AS b_plans
        FROM pairs p
        LEFT JOIN stg_sku_planset pa ON pa.tenant = p.tenant AND pa.snapshot_date = p.snapshot_date AND pa.sku_id = p.sku_id
        LEFT JOIN stg_sku_planset pb ON pb.tenant = p.tenant AND pb.snapshot_date = p.snapshot_date AND pb.sku_id = p.b_sku
        WHERE p.own_plans IS NOT NULL OR p.b_own_plans IS NOT NULL
    )
    WHERE curated OR (len(plans) > 0 AND list_has_all(b_plans, plans) AND (NOT list_has_all(plans, b_plans) OR later))
)
SELECT tenant, snapshot_date, user_id, sku_id, min(b_part) AS redundant_with
FROM (SELECT * FROM by_sku UNION ALL SELECT * FROM by_row)
GROUP BY ALL;

-- The rule thresholds as constants of the statement: a cross join with
-- the one-row param_rules copied every licence row (a second a night of
-- 100k users).
SET VARIABLE inactivity_days = (SELECT inactivity_days FROM param_rules LIMIT 1);
SET VARIABLE grace_days = (SELECT grace_days FROM param_rules LIMIT 1);

CREATE OR REPLACE TEMP TABLE stg_license_reasons AS
WITH base AS (
    SELECT r.*,
        list_max([exchange_last_activity_date, onedrive_last_activity_date, sharepoint_last_activity_date,
                  skype_last_activity_date, yammer_last_activity_date, teams_last_activity_date]) AS last_activity_date,
        -- usage signal: the SKU carries a report workload and the report is not concealed
        len(r.workloads) > 0 AND NOT r.concealed AS usage_signal,
        coalesce(date_diff('day', utc_date(r.assigned_at), r.as_of) >= getvariable('grace_days'), false) AS past_grace,
        getvariable('inactivity_days')::INTEGER AS inactivity_days, getvariable('grace_days')::INTEGER AS grace_days,
        rd.redundant_with,
        coalesce(g.groups, []) AS user_groups
    FROM stg_license_rows r
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
), excluded AS (
    -- The first exclusion in force on as_of (until inclusive) that matches
    -- a licence row. A join of the few exclusions with the rows, not a
    -- subquery per row: that cost a night of 100k users seconds.
    SELECT r.tenant, r.snapshot_date, r.user_id, r.sku_id,
        first(e.reason ORDER BY e.kind, e.value) AS exclusion_reason
    FROM stg_license_rows r
    LEFT JOIN stg_user_groups g USING (tenant, snapshot_date, user_id)
    JOIN param_exclusions e ON (e.until IS NULL OR r.as_of <= e.until)
       AND ((e.kind = 'upn' AND lower(r.user_principal_name) GLOB e.value)
         OR (e.kind = 'group_id' AND list_contains(coalesce(g.groups, []), e.value))
         OR (e.kind = 'department' AND lower(r.department) = e.value)
         OR (e.kind = 'sku' AND lower(r.sku_part_number) = e.value))
    GROUP BY ALL
)
SELECT f.*,
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
