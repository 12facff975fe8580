-- 11_stg_snapshots: one row per committed tenant snapshot with its as_of
-- date, report facts and whether the usage report is concealed.
-- Grain: one row per tenant × snapshot_date.
-- Inputs: snapshots, raw_usage_report, raw_report_settings,
--         stg_hex_report_rows.
-- as_of is the usage report's Report Refresh Date, else the run date (UTC).
-- Concealed: report settings say displayConcealedNames, or report user
-- principal names are 32 upper-case hex characters matching no roster user.
-- Every stg_ and calc_ relation is a temporary object of the connection
-- that commits one snapshot (load.Snapshot.Commit): raw_ and snapshots are
-- shadowed there by temporary views of that one snapshot, so a night costs
-- what its own data costs, whatever the history stored.
CREATE OR REPLACE TEMP TABLE stg_snapshots AS
WITH report AS (
    SELECT tenant, snapshot_date, max(report_refresh_date) AS report_refresh_date, count(*) AS report_rows
    FROM raw_usage_report GROUP BY ALL
), hex AS (
    SELECT tenant, snapshot_date, count(*) AS hex_rows FROM stg_hex_report_rows GROUP BY ALL
), settings AS (
    SELECT tenant, snapshot_date, bool_or(display_concealed_names) AS display_concealed_names
    FROM raw_report_settings GROUP BY ALL
)
SELECT s.tenant, s.snapshot_date, s.run_id, s.status,
    coalesce(r.report_refresh_date, s.snapshot_date) AS as_of,
    r.report_refresh_date,
    coalesce(r.report_rows, 0) AS report_rows,
    coalesce(r.report_rows, 0) > 0 AS has_report,
    coalesce(st.display_concealed_names, false) AS settings_concealed,
    coalesce(h.hex_rows, 0) AS hex_rows,
    coalesce(st.display_concealed_names, false) OR coalesce(h.hex_rows, 0) > 0 AS concealed
FROM snapshots s
LEFT JOIN report r USING (tenant, snapshot_date)
LEFT JOIN hex h USING (tenant, snapshot_date)
LEFT JOIN settings st USING (tenant, snapshot_date);
