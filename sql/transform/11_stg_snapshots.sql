-- 11_stg_snapshots: one row per committed tenant snapshot with its as_of
-- date, report facts and whether the usage report is concealed.
-- Grain: one row per tenant × snapshot_date.
-- Inputs: snapshots, raw_usage_report, raw_report_settings,
--         stg_hex_report_rows, raw_dataset_status, raw_copilot_usage,
--         raw_apps_usage, raw_mailbox_usage, raw_office_activations, raw_users.
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
    SELECT tenant, snapshot_date, count(*) AS hex_rows FROM stg_hex_report_rows GROUP BY ALL
), settings AS (
    SELECT tenant, snapshot_date, bool_or(display_concealed_names) AS display_concealed_names
    FROM raw_report_settings GROUP BY ALL
), datasets AS (
    SELECT tenant, snapshot_date,
        bool_or(dataset = 'copilot_usage' AND ok) AS copilot_read,
        bool_or(dataset = 'apps_usage' AND ok) AS apps_read,
        bool_or(dataset = 'mailbox_usage' AND ok) AS mailbox_read,
        bool_or(dataset = 'office_activations' AND ok) AS activations_read
    FROM raw_dataset_status GROUP BY ALL
), signal_hex AS (
    -- A signal report whose names are 32 upper-case hex characters that
    -- match no roster user is concealed.
    SELECT tenant, snapshot_date, signal
    FROM (
        SELECT tenant, snapshot_date, 'Copilot' AS signal, user_principal_name FROM raw_copilot_usage
        UNION ALL SELECT tenant, snapshot_date, 'Apps', user_principal_name FROM raw_apps_usage
        UNION ALL SELECT tenant, snapshot_date, 'Mailbox', user_principal_name FROM raw_mailbox_usage
        UNION ALL SELECT tenant, snapshot_date, 'Activations', user_principal_name FROM raw_office_activations
    ) r
    WHERE regexp_full_match(r.user_principal_name, '[0-9A-F]{32}')
      AND NOT EXISTS (
          SELECT 1 FROM raw_users u
          WHERE u.tenant = r.tenant AND u.snapshot_date = r.snapshot_date
            AND lower(u.user_principal_name) = lower(r.user_principal_name))
    GROUP BY ALL
), flags AS (
    SELECT s.tenant, s.snapshot_date, s.run_id, s.status, r.report_refresh_date, r.report_rows,
        coalesce(st.display_concealed_names, false) AS settings_concealed,
        coalesce(h.hex_rows, 0) AS hex_rows,
        coalesce(d.copilot_read, false) AND NOT EXISTS (SELECT 1 FROM signal_hex x
            WHERE x.tenant = s.tenant AND x.snapshot_date = s.snapshot_date AND x.signal = 'Copilot') AS copilot_usable,
        coalesce(d.apps_read, false) AND NOT EXISTS (SELECT 1 FROM signal_hex x
            WHERE x.tenant = s.tenant AND x.snapshot_date = s.snapshot_date AND x.signal = 'Apps') AS apps_usable,
        coalesce(d.mailbox_read, false) AND NOT EXISTS (SELECT 1 FROM signal_hex x
            WHERE x.tenant = s.tenant AND x.snapshot_date = s.snapshot_date AND x.signal = 'Mailbox') AS mailbox_usable,
        coalesce(d.activations_read, false) AND NOT EXISTS (SELECT 1 FROM signal_hex x
            WHERE x.tenant = s.tenant AND x.snapshot_date = s.snapshot_date AND x.signal = 'Activations') AS activations_usable
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
         ELSE list_filter([CASE WHEN copilot_usable THEN 'Copilot' END, CASE WHEN apps_usable THEN 'Apps' END,
                           CASE WHEN mailbox_usable THEN 'Mailbox' END, CASE WHEN activations_usable THEN 'Activations' END],
                          x -> x IS NOT NULL) END AS signals
FROM flags;
