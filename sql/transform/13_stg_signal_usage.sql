-- 13_stg_signal_usage: per user, what the usage-signal reports say
-- (PRODUCT.md, "Further usage signals"): the Copilot report's and the Apps
-- report's last activity dates and report dates, and whether the user is
-- in each report. Rows without a user principal name are left out; a
-- signal the snapshot cannot use (stg_snapshots.signals) is dropped from
-- the licence rows, not here.
-- Grain: one row per tenant × snapshot_date × lower-cased user principal
-- name in either report.
-- Inputs: raw_copilot_usage, raw_apps_usage.
CREATE OR REPLACE TEMP TABLE stg_signal_usage AS
WITH copilot AS (
    SELECT tenant, snapshot_date, lower(user_principal_name) AS upn_key,
        max(last_activity_date) AS copilot_last_activity_date,
        max(report_refresh_date) AS copilot_report_date
    FROM raw_copilot_usage WHERE user_principal_name IS NOT NULL GROUP BY ALL
), apps AS (
    SELECT tenant, snapshot_date, lower(user_principal_name) AS upn_key,
        max(last_activity_date) AS apps_last_activity_date,
        max(report_refresh_date) AS apps_report_date
    FROM raw_apps_usage WHERE user_principal_name IS NOT NULL GROUP BY ALL
)
SELECT tenant, snapshot_date, upn_key,
    c.upn_key IS NOT NULL AS in_copilot, c.copilot_last_activity_date, c.copilot_report_date,
    a.upn_key IS NOT NULL AS in_apps, a.apps_last_activity_date, a.apps_report_date
FROM copilot c FULL JOIN apps a USING (tenant, snapshot_date, upn_key);
