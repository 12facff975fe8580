-- 70_mart_utilization_history: seats over time, accumulating across runs.
-- Grain: one row per tenant × snapshot_date × SKU (sku_id: a part number
-- may have two GUIDs, e.g. MCOPSTN5).
-- Inputs: stg_skus, calc_mart_reclamation_candidates.
-- idle_units counts candidate rows (not excluded) that hold an activity
-- reason (never_used or inactive), whatever their first reason.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load appends it to mart_utilization_history
-- (a history mart: it has no latest table).
CREATE OR REPLACE TEMP TABLE calc_mart_utilization_history AS
SELECT k.tenant, k.snapshot_date, k.sku_part_number, k.active_units, k.consumed_units,
    greatest(k.active_units - k.consumed_units, 0) AS unused_units,
    coalesce(c.idle_units, 0) AS idle_units,
    k.sku_id
FROM stg_skus k
LEFT JOIN (
    SELECT tenant, snapshot_date, sku_id, count(*) AS idle_units
    FROM calc_mart_reclamation_candidates
    WHERE list_has_any(reasons, ['never_used', 'inactive'])
    GROUP BY ALL
) c ON c.tenant = k.tenant AND c.snapshot_date = k.snapshot_date AND c.sku_id = k.sku_id;
