-- 0014_signins: the sign-in datasets (extract/signals.go), stored as
-- validity intervals like the other raw relations (0005_versions):
--   raw_signin_activity    users' signInActivity: one row per user, the
--                          dates of the last interactive attempt, the last
--                          non-interactive attempt and the last successful
--                          sign-in (UTC days; NULL: none since April 2020,
--                          or before lastSuccessfulSignInDateTime was
--                          recorded). The dates move every night, so they
--                          live in raw_signin_activity_nightly.
--   raw_powerbi_signins    the Power BI service's sign-in log events of one
--                          read, one row per user: the latest successful
--                          sign-in, and the successful and failed events.
--                          Each night reads only the window since the last
--                          read, so a user's rows over all snapshots make
--                          the history the logs' 30-day retention cannot.
--   raw_signin_log_reads   one row per read of the sign-in logs: the
--                          application, the window read [window_from,
--                          window_to), pages, events and whether the read
--                          stopped at its page bound (then window_from is
--                          the oldest event read).
-- All three are optional datasets (raw_dataset_status names them
-- signin_activity and powerbi_signins); a failed read keeps no rows.
-- Idempotent (IF NOT EXISTS): tests replay migrations on warehouses that
-- have this one.

CREATE TABLE IF NOT EXISTS raw_signin_activity_versions (
    tenant     VARCHAR NOT NULL,
    valid_from DATE    NOT NULL,
    valid_to   DATE,
    row_key    BIGINT  NOT NULL,
    user_id    VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_signin_activity_nightly (
    tenant                    VARCHAR NOT NULL,
    snapshot_date             DATE    NOT NULL,
    row_key                   BIGINT  NOT NULL,
    last_sign_in_date         DATE,
    last_non_interactive_date DATE,
    last_successful_date      DATE
);

CREATE TABLE IF NOT EXISTS raw_powerbi_signins_versions (
    tenant          VARCHAR NOT NULL,
    valid_from      DATE    NOT NULL,
    valid_to        DATE,
    user_id         VARCHAR,
    last_success_at TIMESTAMPTZ,
    successes       BIGINT,
    failures        BIGINT
);

CREATE TABLE IF NOT EXISTS raw_signin_log_reads_versions (
    tenant      VARCHAR NOT NULL,
    valid_from  DATE    NOT NULL,
    valid_to    DATE,
    app_id      VARCHAR,
    window_from TIMESTAMPTZ,
    window_to   TIMESTAMPTZ,
    pages       BIGINT,
    events      BIGINT,
    truncated   BOOLEAN
);
