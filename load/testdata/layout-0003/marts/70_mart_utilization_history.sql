-- 70_mart_utilization_history: seats over time, accumulating across runs.
-- Grain: one row per tenant × snapshot_date × SKU (sku_id: a part number
-- may have two GUIDs, e.g. MCOPSTN5).
-- Inputs: stg_skus, mart_reclamation_candidates_history.
-- idle_units counts candidate rows (not excluded) that hold an activity
-- reason (never_used or inactive), whatever their first reason.
-- Views, recomputed on read with the current param_/ref_ tables; the latest
-- snapshot per tenant is max(snapshot_date) in snapshots (stg_snapshots.is_latest).
CREATE OR REPLACE VIEW mart_utilization_history AS
SELECT k.tenant, k.snapshot_date, k.sku_part_number, k.active_units, k.consumed_units,
    greatest(k.active_units - k.consumed_units, 0) AS unused_units,
    coalesce(c.idle_units, 0) AS idle_units,
    k.sku_id
FROM stg_skus k
LEFT JOIN (
    SELECT tenant, snapshot_date, sku_id, count(*) AS idle_units
    FROM mart_reclamation_candidates_history
    WHERE list_has_any(reasons, ['never_used', 'inactive'])
    GROUP BY ALL
) c ON c.tenant = k.tenant AND c.snapshot_date = k.snapshot_date AND c.sku_id = k.sku_id;
