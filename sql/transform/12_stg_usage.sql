-- 12_stg_usage: usage report rows that may be joined to users: not
-- concealed, not deleted, with a user principal name; the latest activity
-- per workload.
-- Grain: one row per tenant × snapshot_date × lower-cased user principal name.
-- Inputs: raw_usage_report, stg_snapshots.
CREATE OR REPLACE TEMP TABLE stg_usage AS
SELECT r.tenant, r.snapshot_date, lower(r.user_principal_name) AS upn_key,
    max(exchange_last_activity_date)   AS exchange_last_activity_date,
    max(onedrive_last_activity_date)   AS onedrive_last_activity_date,
    max(sharepoint_last_activity_date) AS sharepoint_last_activity_date,
    max(skype_last_activity_date)      AS skype_last_activity_date,
    max(yammer_last_activity_date)     AS yammer_last_activity_date,
    max(teams_last_activity_date)      AS teams_last_activity_date
FROM raw_usage_report r
JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE NOT s.concealed
  AND NOT coalesce(r.is_deleted, false)
  AND r.user_principal_name IS NOT NULL
GROUP BY ALL;
