-- 14_stg_signin_usage: per user, what the sign-in datasets say (PRODUCT.md,
-- "Further usage signals and rightsizing"):
--   in_signin              the user is in this night's signInActivity read;
--   signin_last_date       lastSuccessfulSignInDateTime's day, else the
--                          later of the last interactive and non-interactive
--                          attempts' (the successful one is recorded only
--                          since December 2023);
--   signin_successful_date, signin_interactive_date,
--   signin_non_interactive_date: the three as read, for the evidence;
--   powerbi_last_date      the day of the latest successful Power BI
--                          service sign-in seen in any read of the sign-in
--                          logs up to this night (raw_powerbi_signins_through),
--                          however old: the logs keep 30 days, the nightly
--                          reads keep the rest.
-- A signal the snapshot cannot use (stg_snapshots.signals) is dropped from
-- the licence rows, not here.
-- Grain: one row per tenant × snapshot_date × user id in either dataset.
-- Inputs: snapshots, raw_signin_activity, raw_powerbi_signins_through.
CREATE OR REPLACE TEMP TABLE stg_signin_usage AS
WITH activity AS (
    SELECT tenant, snapshot_date, user_id,
        max(last_successful_date) AS signin_successful_date,
        max(last_sign_in_date) AS signin_interactive_date,
        max(last_non_interactive_date) AS signin_non_interactive_date
    FROM raw_signin_activity WHERE user_id IS NOT NULL GROUP BY ALL
), powerbi AS (
    SELECT s.tenant, s.snapshot_date, p.user_id, max(utc_date(p.last_success_at)) AS powerbi_last_date
    FROM raw_powerbi_signins_through p
    JOIN snapshots s ON s.tenant = p.tenant AND p.snapshot_date <= s.snapshot_date
    WHERE p.user_id IS NOT NULL AND p.last_success_at IS NOT NULL
    GROUP BY ALL
)
SELECT tenant, snapshot_date, user_id,
    a.user_id IS NOT NULL AS in_signin,
    coalesce(a.signin_successful_date,
        list_max([a.signin_interactive_date, a.signin_non_interactive_date])) AS signin_last_date,
    a.signin_successful_date, a.signin_interactive_date, a.signin_non_interactive_date,
    b.powerbi_last_date
FROM activity a FULL JOIN powerbi b USING (tenant, snapshot_date, user_id);
