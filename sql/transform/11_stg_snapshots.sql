-- 11_stg_snapshots: one row per committed tenant snapshot with its as_of
-- date, report facts and whether the usage report is concealed.
-- Grain: one row per tenant × snapshot_date.
-- Inputs: snapshots, raw_usage_report, raw_report_settings,
--         stg_hex_report_rows, raw_dataset_status.
-- as_of is the usage report's Report Refresh Date, else the run date (UTC).
-- Concealed: report settings say displayConcealedNames, or report user
-- principal names are 32 upper-case hex characters matching no roster user.
-- signals: the further usage signals and rightsizing sources the snapshot
-- can judge by (PRODUCT.md, "Further usage signals"): Copilot, Apps,
-- Mailbox and Activations when their dataset was read whole
-- (raw_dataset_status ok), the snapshot is not concealed and the report
-- itself shows no concealed name. A signal left out is ignored: no licence
-- row carries it, and no rightsizing rule reads it.
-- Every stg_ and calc_ relation is a temporary object of the connection
-- that commits one snapshot (load.Snapshot.Commit): raw_ and snapshots are
-- shadowed there by temporary views of that one snapshot, so a night costs
-- what its own data costs, whatever the history stored.
CREATE OR REPLACE TEMP TABLE stg_snapshots AS
WITH report AS (
    SELECT tenant, snapshot_date, max(report_refresh_date) AS report_refresh_date, count(*) AS report_rows
    FROM raw_usage_report GROUP BY ALL
), hex AS (
    -- Concealed names: how many in the usage report, and which signal
    -- reports show any.
    SELECT tenant, snapshot_date, count(*) FILTER (WHERE report = 'Usage') AS hex_rows,
        list(DISTINCT report) FILTER (WHERE report <> 'Usage') AS hex_signals
    FROM stg_hex_report_rows GROUP BY ALL
), settings AS (
    SELECT tenant, snapshot_date, bool_or(display_concealed_names) AS display_concealed_names
    FROM raw_report_settings GROUP BY ALL
), datasets AS (
    -- The signal reports read whole.
    SELECT tenant, snapshot_date,
        list(CASE dataset WHEN 'copilot_usage' THEN 'Copilot' WHEN 'apps_usage' THEN 'Apps'
                          WHEN 'mailbox_usage' THEN 'Mailbox' WHEN 'office_activations' THEN 'Activations' END)
            FILTER (WHERE ok) AS read_signals
    FROM raw_dataset_status GROUP BY ALL
), flags AS (
    SELECT s.tenant, s.snapshot_date, s.run_id, s.status, r.report_refresh_date, r.report_rows,
        coalesce(st.display_concealed_names, false) AS settings_concealed,
        coalesce(h.hex_rows, 0) AS hex_rows,
        coalesce(d.read_signals, []) AS read_signals, coalesce(h.hex_signals, []) AS hex_signals
    FROM snapshots s
    LEFT JOIN report r USING (tenant, snapshot_date)
    LEFT JOIN hex h USING (tenant, snapshot_date)
    LEFT JOIN settings st USING (tenant, snapshot_date)
    LEFT JOIN datasets d USING (tenant, snapshot_date)
)
SELECT tenant, snapshot_date, run_id, status,
    coalesce(report_refresh_date, snapshot_date) AS as_of,
    report_refresh_date,
    coalesce(report_rows, 0) AS report_rows,
    coalesce(report_rows, 0) > 0 AS has_report,
    settings_concealed,
    hex_rows,
    settings_concealed OR hex_rows > 0 AS concealed,
    CASE WHEN settings_concealed OR hex_rows > 0 THEN []::VARCHAR[]
         ELSE list_filter(['Copilot', 'Apps', 'Mailbox', 'Activations'],
                          x -> list_contains(read_signals, x) AND NOT list_contains(hex_signals, x)) END AS signals
FROM flags;
