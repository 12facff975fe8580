-- 80_mart_reclaim_outcomes: what became of each reclaimed seat, and the
-- savings realised beside those promised.
-- Grain: one row per tenant × user × SKU that an apply removed (reclaim
-- remove, unassign, the from-SKU of replace, or the licensing group left
-- with --group-membership; result ok) before this snapshot's day; the
-- latest such removal of the pair. Rows of target group (a SKU taken from
-- a licence group: its members' seats, unknown here) are not followed.
-- _history: per snapshot.
-- Inputs: stg_snapshots, stg_skus, raw_user_licenses, actions,
--         mart_license_inventory_history (the SKU's units on the last
--         snapshot on or before the removal), param_settings.
-- outcome, per seat:
--   undone          an undo gave it back (undo action ok, after the removal);
--   given_back      the same user holds the SKU again (reclaimed wrongly);
--   cut_at_renewal  purchased (active) units of the SKU have dropped since
--                   the SKU's first open removal: spend saved;
--   reused          the freed seat went to someone else: consumed units did
--                   not drop by the seats freed: spend avoided (a seat that
--                   would otherwise have been bought);
--   freed           the seat sits free: nothing realised yet (the units can
--                   be cut at the subscription's renewal).
-- A SKU's open seats (neither undone nor given back) are matched in
-- removal order: the first max(units then - units now, 0) are cut, the
-- next (open seats - consumed drop) reused, the rest freed. "then" is the
-- SKU's units on the last snapshot on or before its first open removal; a
-- removal before any snapshot of the SKU is freed (nothing to compare).
-- realised_annual_savings is the SKU's annual unit price today (the day
-- of the removal for a SKU no longer subscribed) for cut and reused seats,
-- 0 otherwise; promised_annual_savings the price on the day of the
-- removal (both in the reporting currency, NULL without a price).
-- Computed once per snapshot as calc_<mart>; load writes it into
-- <mart>_history and, for the tenant's newest snapshot, into <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_reclaim_outcomes AS
WITH snap AS (
    SELECT tenant, snapshot_date, as_of FROM stg_snapshots
), removed AS (
    SELECT a.tenant, a.acted_at, a.apply_id, a.plan_id, a.user_id, lower(a.sku_id) AS sku_id,
        a.sku_part_number, a.operation, a.to_sku_part_number, a.reason
    FROM actions a JOIN snap s ON s.tenant = a.tenant
    WHERE a.operation IN ('remove', 'replace', 'remove_membership') AND a.result = 'ok' AND a.target = 'user'
        AND utc_date(a.acted_at) < s.snapshot_date
    QUALIFY row_number() OVER (PARTITION BY a.tenant, a.user_id, lower(a.sku_id) ORDER BY a.acted_at DESC, a.apply_id DESC) = 1
), undone AS (
    SELECT DISTINCT r.tenant, r.user_id, r.sku_id
    FROM removed r
    JOIN actions u ON u.tenant = r.tenant AND u.user_id = r.user_id AND lower(u.sku_id) = r.sku_id
    JOIN snap s ON s.tenant = r.tenant
    WHERE u.operation = 'undo' AND u.result = 'ok' AND u.acted_at > r.acted_at AND utc_date(u.acted_at) < s.snapshot_date
), held AS (
    SELECT DISTINCT tenant, user_id, lower(sku_id) AS sku_id FROM raw_user_licenses
), before AS (
    -- The SKU's inventory on the last snapshot on or before each removal.
    SELECT r.tenant, r.user_id, r.sku_id, i.active_units, i.consumed_units, i.unit_price_annual
    FROM removed r
    JOIN mart_license_inventory_history i ON i.tenant = r.tenant AND lower(i.sku_id) = r.sku_id
    WHERE i.snapshot_date = (SELECT max(h.snapshot_date) FROM mart_license_inventory_history h
                             WHERE h.tenant = r.tenant AND h.snapshot_date <= utc_date(r.acted_at))
), seats AS (
    SELECT r.*, s.snapshot_date, s.as_of,
        CASE WHEN d.user_id IS NOT NULL THEN 'undone' WHEN h.user_id IS NOT NULL THEN 'given_back' END AS settled,
        b.active_units AS purchased_units_then, b.consumed_units AS consumed_units_then,
        b.unit_price_annual AS price_then,
        coalesce(k.active_units, 0) AS purchased_units_now, coalesce(k.consumed_units, 0) AS consumed_units_now,
        k.unit_price_annual AS price_now
    FROM removed r
    JOIN snap s USING (tenant)
    LEFT JOIN undone d USING (tenant, user_id, sku_id)
    LEFT JOIN held h USING (tenant, user_id, sku_id)
    LEFT JOIN before b USING (tenant, user_id, sku_id)
    LEFT JOIN stg_skus k ON k.tenant = r.tenant AND k.sku_id = r.sku_id
), open_seats AS (
    -- The open seats of each SKU in removal order, with the SKU's units
    -- then (at its first open removal) against now.
    SELECT tenant, user_id, sku_id,
        row_number() OVER w AS n,
        count(*) OVER (PARTITION BY tenant, sku_id) AS seats,
        greatest(first_value(purchased_units_then) OVER w - purchased_units_now, 0) AS cut,
        greatest(first_value(consumed_units_then) OVER w - consumed_units_now, 0) AS consumed_drop,
        first_value(purchased_units_then) OVER w IS NULL AS no_base
    FROM seats WHERE settled IS NULL
    WINDOW w AS (PARTITION BY tenant, sku_id ORDER BY acted_at, user_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), judged AS (
    SELECT s.*,
        CASE WHEN s.settled IS NOT NULL THEN s.settled
             WHEN o.no_base THEN 'freed'
             WHEN o.n <= o.cut THEN 'cut_at_renewal'
             WHEN o.n <= o.cut + greatest(o.seats - o.consumed_drop, 0) THEN 'reused'
             ELSE 'freed' END AS outcome
    FROM seats s LEFT JOIN open_seats o USING (tenant, user_id, sku_id)
)
SELECT tenant, snapshot_date, as_of, acted_at, strftime(timezone('UTC', acted_at), '%Y-%m') AS acted_month,
    user_id, sku_id, sku_part_number, operation, to_sku_part_number, reason, outcome,
    (SELECT currency FROM param_settings LIMIT 1) AS currency,
    price_then AS promised_annual_savings,
    CASE WHEN outcome IN ('cut_at_renewal', 'reused') THEN coalesce(price_now, price_then)
         WHEN coalesce(price_now, price_then) IS NULL THEN NULL
         ELSE CAST(0 AS DECIMAL(18,2)) END AS realised_annual_savings,
    purchased_units_then, purchased_units_now, consumed_units_then, consumed_units_now,
    apply_id, plan_id
FROM judged;
