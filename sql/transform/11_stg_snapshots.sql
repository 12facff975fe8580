-- 11_stg_snapshots: one row per committed tenant snapshot with its as_of
-- date, report facts and whether the usage report is concealed.
-- Grain: one row per tenant × snapshot_date.
-- Inputs: snapshots, raw_usage_report, raw_report_settings,
--         stg_hex_report_rows, raw_dataset_status, raw_signin_log_reads_through.
-- as_of is the usage report's Report Refresh Date, else the run date (UTC).
-- Concealed: report settings say displayConcealedNames, or report user
-- principal names are 32 upper-case hex characters matching no roster user.
-- signals: the further usage signals and rightsizing sources the snapshot
-- can judge by (PRODUCT.md, "Further usage signals"): Copilot, Apps,
-- Mailbox and Activations when their dataset was read whole
-- (raw_dataset_status ok), the snapshot is not concealed and the report
-- itself shows no concealed name; SignIn and PowerBI when theirs was read
-- whole, concealed or not (sign-in data is not concealed). A signal left
-- out is ignored: no licence row carries it, and no rule reads it.
-- powerbi_window_from, powerbi_window_days: how far back the PowerBI
-- signal sees (NULL without it): the reads of the Power BI sign-in logs
-- (raw_signin_log_reads_through) chain back from this night's while each
-- window starts before the previous one ended; the window starts where
-- the first of that chain did (the logs' 30 days before the first read),
-- and lasts until the snapshot's day.
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
                          WHEN 'mailbox_usage' THEN 'Mailbox' WHEN 'office_activations' THEN 'Activations'
                          WHEN 'signin_activity' THEN 'SignIn' WHEN 'powerbi_signins' THEN 'PowerBI' END)
            FILTER (WHERE ok) AS read_signals
    FROM raw_dataset_status GROUP BY ALL
), reads AS (
    -- The Power BI sign-in log reads so far, each marking whether it
    -- starts a new chain (its window begins after every earlier one ended).
    SELECT tenant, snapshot_date AS read_date, window_from, window_to,
        coalesce(window_from > max(window_to) OVER (PARTITION BY tenant ORDER BY window_to, window_from
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS starts_chain
    FROM raw_signin_log_reads_through WHERE app_id = '00000009-0000-0000-c000-000000000000'
), chains AS (
    SELECT *, sum(starts_chain::INTEGER) OVER (PARTITION BY tenant ORDER BY window_to, window_from
        ROWS UNBOUNDED PRECEDING) AS chain
    FROM reads
), powerbi AS (
    -- The chain of this night's read.
    SELECT c.tenant, c.snapshot_date, min(r.window_from) AS window_from
    FROM (SELECT r.tenant, s.snapshot_date, max(r.chain) AS chain FROM chains r
          JOIN snapshots s ON s.tenant = r.tenant AND s.snapshot_date = r.read_date GROUP BY ALL) c
    JOIN chains r ON r.tenant = c.tenant AND r.chain = c.chain
    GROUP BY ALL
), flags AS (
    SELECT s.tenant, s.snapshot_date, s.run_id, s.status, r.report_refresh_date, r.report_rows,
        coalesce(st.display_concealed_names, false) AS settings_concealed,
        coalesce(h.hex_rows, 0) AS hex_rows,
        coalesce(d.read_signals, []) AS read_signals, coalesce(h.hex_signals, []) AS hex_signals,
        utc_date(p.window_from) AS powerbi_window_from
    FROM snapshots s
    LEFT JOIN report r USING (tenant, snapshot_date)
    LEFT JOIN hex h USING (tenant, snapshot_date)
    LEFT JOIN settings st USING (tenant, snapshot_date)
    LEFT JOIN datasets d USING (tenant, snapshot_date)
    LEFT JOIN powerbi p USING (tenant, snapshot_date)
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
                          x -> list_contains(read_signals, x) AND NOT list_contains(hex_signals, x)) END
        || list_filter(['SignIn', 'PowerBI'], x -> list_contains(read_signals, x)
                       AND (x <> 'PowerBI' OR powerbi_window_from IS NOT NULL)) AS signals,
    CASE WHEN list_contains(read_signals, 'PowerBI') THEN powerbi_window_from END AS powerbi_window_from,
    CASE WHEN list_contains(read_signals, 'PowerBI') THEN date_diff('day', powerbi_window_from, snapshot_date) END
        AS powerbi_window_days
FROM flags;
