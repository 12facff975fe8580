-- 10_stg_snapshots: every committed tenant snapshot with what its
-- transforms found (snapshot_facts) and whether it is the tenant's latest.
-- Grain: one row per tenant × snapshot_date.
-- Inputs: snapshots, snapshot_facts.
-- A read-side view, re-created whenever a writer opens the warehouse; it
-- reads only the small snapshot tables, never raw rows.
CREATE OR REPLACE VIEW stg_snapshots AS
WITH latest AS (
    SELECT tenant, max(snapshot_date) AS snapshot_date FROM snapshots GROUP BY ALL
)
SELECT s.tenant, s.snapshot_date, s.run_id, s.status, f.as_of, f.report_refresh_date, f.report_rows,
    f.has_report, f.settings_concealed, f.hex_rows, f.concealed,
    l.snapshot_date IS NOT NULL AS is_latest
FROM snapshots s
JOIN snapshot_facts f USING (tenant, snapshot_date)
LEFT JOIN latest l USING (tenant, snapshot_date);
