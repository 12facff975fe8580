-- 37_stg_license_activity: every licence row with the activity facts the
-- activity reasons (never_used, inactive) are stated in.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Inputs: stg_license_rows, param_rules.
-- Ages are whole days up to as_of: date_diff('day', d, as_of).
--   last_activity_date  the latest activity date over the row's workloads
--                       and further signals (NULL: none, or the user is in
--                       no report);
--   idle_days           as_of − last_activity_date (NULL without one);
--   usage_signal        the SKU carries a report workload or a usable
--                       further signal, and the report is not concealed:
--                       without it no activity reason holds;
--   in_sources          the user is in every report that judges one of the
--                       row's workloads and signals: the usage report for
--                       the six, the Copilot or Apps report for its signal;
--   past_grace          assigned_at (as a UTC date) is at least grace_days
--                       before as_of: a newer assignment is never idle;
--   inactivity_days, grace_days: the thresholds (param_rules).
-- A view, not a table: each reader scans stg_license_rows for the columns
-- it needs rather than a stored copy of every row.
CREATE OR REPLACE TEMP VIEW stg_license_activity AS
WITH activity AS (
    SELECT r.*,
        list_max([exchange_last_activity_date, onedrive_last_activity_date, sharepoint_last_activity_date,
                  skype_last_activity_date, yammer_last_activity_date, teams_last_activity_date,
                  copilot_last_activity_date, apps_last_activity_date]) AS last_activity_date
    FROM stg_license_rows r
)
SELECT a.*,
    len(a.workloads) > 0 AND NOT a.concealed AS usage_signal,
    (a.in_report OR NOT list_has_any(a.workloads, ['Exchange', 'OneDrive', 'SharePoint', 'Skype', 'Yammer', 'Teams']))
        AND (a.in_copilot OR NOT list_contains(a.workloads, 'Copilot'))
        AND (a.in_apps OR NOT list_contains(a.workloads, 'Apps')) AS in_sources,
    coalesce(date_diff('day', utc_date(a.assigned_at), a.as_of) >= p.grace_days, false) AS past_grace,
    p.inactivity_days, p.grace_days,
    date_diff('day', a.last_activity_date, a.as_of) AS idle_days
FROM activity a
CROSS JOIN (SELECT * FROM param_rules LIMIT 1) p;
