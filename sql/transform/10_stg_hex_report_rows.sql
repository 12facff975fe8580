-- 10_stg_hex_report_rows: report rows whose user principal name is 32
-- upper-case hex characters and matches no roster user: the names of a
-- concealed report. report says which: Usage (the Office 365 usage
-- report), or the signal report Copilot, Apps, Mailbox or Activations.
-- Grain: one row per such report row.
-- Inputs: raw_usage_report, raw_copilot_usage, raw_apps_usage,
--         raw_mailbox_usage, raw_office_activations, raw_users.
CREATE OR REPLACE TEMP VIEW stg_hex_report_rows AS
SELECT r.tenant, r.snapshot_date, r.report, r.user_principal_name
FROM (
    SELECT tenant, snapshot_date, 'Usage' AS report, user_principal_name FROM raw_usage_report
    UNION ALL SELECT tenant, snapshot_date, 'Copilot', user_principal_name FROM raw_copilot_usage
    UNION ALL SELECT tenant, snapshot_date, 'Apps', user_principal_name FROM raw_apps_usage
    UNION ALL SELECT tenant, snapshot_date, 'Mailbox', user_principal_name FROM raw_mailbox_usage
    UNION ALL SELECT tenant, snapshot_date, 'Activations', user_principal_name FROM raw_office_activations
) r
WHERE regexp_full_match(r.user_principal_name, '[0-9A-F]{32}')
  AND NOT EXISTS (
      SELECT 1 FROM raw_users u
      WHERE u.tenant = r.tenant AND u.snapshot_date = r.snapshot_date
        AND lower(u.user_principal_name) = lower(r.user_principal_name));
