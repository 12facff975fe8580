-- 10_stg_hex_report_rows: usage report rows whose user principal name is
-- 32 upper-case hex characters and matches no roster user: the names of a
-- concealed report.
-- Grain: one row per such usage report row.
-- Inputs: raw_usage_report, raw_users.
CREATE OR REPLACE TEMP VIEW stg_hex_report_rows AS
SELECT r.tenant, r.snapshot_date, r.user_principal_name
FROM raw_usage_report r
WHERE regexp_full_match(r.user_principal_name, '[0-9A-F]{32}')
  AND NOT EXISTS (
      SELECT 1 FROM raw_users u
      WHERE u.tenant = r.tenant AND u.snapshot_date = r.snapshot_date
        AND lower(u.user_principal_name) = lower(r.user_principal_name));
