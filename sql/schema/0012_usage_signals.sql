-- 0012_usage_signals: the reports behind the further usage signals, as
-- Graph sent them (extract/signals.go), stored as validity intervals like
-- the other raw relations (0005_versions):
--   raw_copilot_usage      getMicrosoft365CopilotUsageUserDetail: one row per
--                          user licensed for Copilot in the last 180 days;
--   raw_apps_usage         getM365AppUserDetail: one row per user, whether
--                          they used each app on each platform;
--   raw_office_activations getOffice365ActivationsUserDetail: one row per
--                          user × product type (devices activated);
--   raw_mailbox_usage      getMailboxUsageDetail: one row per mailbox.
-- Grain of each, per tenant snapshot. raw_<x>_versions holds the columns
-- that seldom change (valid_from <= snapshot_date < valid_to); what moves
-- every night (the report's refresh date, last-activity dates, mailbox
-- sizes) lives in the narrow raw_<x>_nightly, keyed by the version's
-- row_key. Readers see the views raw_<x> (sql/views/05_raw.sql).
-- report_period is the period requested (D7 … D180, ALL for Copilot), not
-- the report's own "Report Period" cell. Flags a report left empty are
-- NULL, and so are empty counts.
-- All four are optional datasets (raw_dataset_status names them
-- copilot_usage, apps_usage, office_activations, mailbox_usage); snapshots
-- stored before this migration have no rows. There is nothing older to
-- fold: no legacy_ table.
-- Idempotent (IF NOT EXISTS): tests replay migrations on warehouses that
-- have this one.

CREATE TABLE IF NOT EXISTS raw_copilot_usage_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    report_period       VARCHAR NOT NULL,
    user_principal_name VARCHAR,
    display_name        VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_copilot_usage_nightly (
    tenant                                VARCHAR NOT NULL,
    snapshot_date                         DATE    NOT NULL,
    row_key                               BIGINT  NOT NULL,
    report_refresh_date                   DATE,
    last_activity_date                    DATE,
    copilot_chat_last_activity_date       DATE,
    teams_copilot_last_activity_date      DATE,
    word_copilot_last_activity_date       DATE,
    excel_copilot_last_activity_date      DATE,
    powerpoint_copilot_last_activity_date DATE,
    outlook_copilot_last_activity_date    DATE,
    onenote_copilot_last_activity_date    DATE,
    loop_copilot_last_activity_date       DATE
);

CREATE TABLE IF NOT EXISTS raw_apps_usage_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    report_period       VARCHAR NOT NULL,
    user_principal_name VARCHAR,
    windows             BOOLEAN,
    mac                 BOOLEAN,
    mobile              BOOLEAN,
    web                 BOOLEAN,
    outlook             BOOLEAN,
    word                BOOLEAN,
    excel               BOOLEAN,
    powerpoint          BOOLEAN,
    onenote             BOOLEAN,
    teams               BOOLEAN,
    outlook_windows     BOOLEAN,
    outlook_mac         BOOLEAN,
    outlook_mobile      BOOLEAN,
    outlook_web         BOOLEAN,
    word_windows        BOOLEAN,
    word_mac            BOOLEAN,
    word_mobile         BOOLEAN,
    word_web            BOOLEAN,
    excel_windows       BOOLEAN,
    excel_mac           BOOLEAN,
    excel_mobile        BOOLEAN,
    excel_web           BOOLEAN,
    powerpoint_windows  BOOLEAN,
    powerpoint_mac      BOOLEAN,
    powerpoint_mobile   BOOLEAN,
    powerpoint_web      BOOLEAN,
    onenote_windows     BOOLEAN,
    onenote_mac         BOOLEAN,
    onenote_mobile      BOOLEAN,
    onenote_web         BOOLEAN,
    teams_windows       BOOLEAN,
    teams_mac           BOOLEAN,
    teams_mobile        BOOLEAN,
    teams_web           BOOLEAN
);

CREATE TABLE IF NOT EXISTS raw_apps_usage_nightly (
    tenant               VARCHAR NOT NULL,
    snapshot_date        DATE    NOT NULL,
    row_key              BIGINT  NOT NULL,
    report_refresh_date  DATE,
    last_activation_date DATE,
    last_activity_date   DATE
);

CREATE TABLE IF NOT EXISTS raw_office_activations_versions (
    tenant                       VARCHAR NOT NULL,
    valid_from                   DATE    NOT NULL,
    valid_to                     DATE,
    row_key                      BIGINT  NOT NULL,
    user_principal_name          VARCHAR,
    display_name                 VARCHAR,
    product_type                 VARCHAR,
    last_activated_date          DATE,
    windows                      BIGINT,
    mac                          BIGINT,
    windows10_mobile             BIGINT,
    ios                          BIGINT,
    android                      BIGINT,
    activated_on_shared_computer BOOLEAN
);

CREATE TABLE IF NOT EXISTS raw_office_activations_nightly (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    row_key             BIGINT  NOT NULL,
    report_refresh_date DATE
);

CREATE TABLE IF NOT EXISTS raw_mailbox_usage_versions (
    tenant                            VARCHAR NOT NULL,
    valid_from                        DATE    NOT NULL,
    valid_to                          DATE,
    row_key                           BIGINT  NOT NULL,
    report_period                     VARCHAR NOT NULL,
    user_principal_name               VARCHAR,
    display_name                      VARCHAR,
    is_deleted                        BOOLEAN,
    deleted_date                      DATE,
    created_date                      DATE,
    issue_warning_quota_bytes         BIGINT,
    prohibit_send_quota_bytes         BIGINT,
    prohibit_send_receive_quota_bytes BIGINT,
    deleted_item_quota_bytes          BIGINT,
    has_archive                       BOOLEAN,
    recipient_type                    VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_mailbox_usage_nightly (
    tenant                  VARCHAR NOT NULL,
    snapshot_date           DATE    NOT NULL,
    row_key                 BIGINT  NOT NULL,
    report_refresh_date     DATE,
    last_activity_date      DATE,
    item_count              BIGINT,
    storage_used_bytes      BIGINT,
    deleted_item_count      BIGINT,
    deleted_item_size_bytes BIGINT
);
