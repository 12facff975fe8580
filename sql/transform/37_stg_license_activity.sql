-- 37_stg_license_activity: every licence row with the activity facts the
-- activity reasons (never_used, inactive) are stated in.
-- Grain: one row per tenant × snapshot_date × user × SKU.
-- Inputs: stg_license_rows (the thresholds, from param_rules, included).
-- Ages are whole days up to as_of: date_diff('day', d, as_of).
--   judged              the row's workloads and signals that can judge it:
--                       all of them, or in a concealed snapshot only the
--                       sign-in signals (PowerBI, SignIn), which are not
--                       concealed: concealment switches every report-based
--                       rule off;
--   last_activity_date  the latest activity date over judged (NULL: none,
--                       or the user is in no source);
--   usage_signal        judged is not empty: without it no activity
--                       reason holds;
--   in_sources          the user is in every source that judges one of
--                       the row's signals: the usage report for the six
--                       workloads, the Copilot or Apps report, the
--                       signInActivity read (the sign-in logs list only
--                       who signed in: everyone is in them);
--   never_active        usage_signal, in_sources, no activity date, and a
--                       signal other than PowerBI: sign-in logs alone never
--                       make a seat never used;
--   idle_days           as_of − last_activity_date (0 for a date after
--                       as_of: sign-ins are fresher than the reports);
--                       without a date, a row judged by PowerBI that is not
--                       never_active is idle for at least the PowerBI
--                       window (powerbi_window_days); else NULL;
--   window_ok           the row is not judged by PowerBI, or the PowerBI
--                       window reaches inactivity_days: inactive needs it;
--   past_grace          assigned_at (as a UTC date) is at least grace_days
--                       before as_of: a newer assignment is never idle;
--   inactivity_days, grace_days: the thresholds (param_rules), from
--                       stg_license_rows.
-- A view, not a table: each reader scans stg_license_rows for the columns
-- it needs rather than a stored copy of every row.
CREATE OR REPLACE TEMP VIEW stg_license_activity AS
WITH judged AS (
    SELECT r.*,
        CASE WHEN r.concealed THEN list_filter(r.workloads, w -> w IN ('PowerBI', 'SignIn')) ELSE r.workloads END
            AS judged
    FROM stg_license_rows r
), activity AS (
    SELECT j.*,
        -- greatest skips NULLs: NULL only when every date is.
        greatest(CASE WHEN NOT j.concealed THEN
                     greatest(exchange_last_activity_date, onedrive_last_activity_date, sharepoint_last_activity_date,
                              skype_last_activity_date, yammer_last_activity_date, teams_last_activity_date,
                              copilot_last_activity_date, apps_last_activity_date) END,
                 signin_last_date, powerbi_last_date) AS last_activity_date,
        len(j.judged) > 0 AS usage_signal,
        (j.in_report OR NOT list_has_any(j.judged, ['Exchange', 'OneDrive', 'SharePoint', 'Skype', 'Yammer', 'Teams']))
            AND (j.in_copilot OR NOT list_contains(j.judged, 'Copilot'))
            AND (j.in_apps OR NOT list_contains(j.judged, 'Apps'))
            AND (j.in_signin OR NOT list_contains(j.judged, 'SignIn')) AS in_sources
    FROM judged j
), verdicts AS (
    SELECT a.*,
        a.usage_signal AND a.in_sources AND a.last_activity_date IS NULL
            AND a.judged <> ['PowerBI'] AS never_active
    FROM activity a
)
SELECT v.*,
    coalesce(date_diff('day', utc_date(v.assigned_at), v.as_of) >= v.grace_days, false) AS past_grace,
    CASE WHEN v.last_activity_date IS NOT NULL THEN greatest(date_diff('day', v.last_activity_date, v.as_of), 0)
         WHEN list_contains(v.judged, 'PowerBI') AND NOT v.never_active THEN v.powerbi_window_days END AS idle_days,
    NOT list_contains(v.judged, 'PowerBI') OR coalesce(v.powerbi_window_days >= v.inactivity_days, false) AS window_ok
FROM verdicts v;
