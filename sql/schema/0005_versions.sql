-- 0005_versions: raw rows stored as validity intervals instead of one copy
-- per night. A row of raw_<x>_versions holds one version of a raw row of a
-- tenant, valid for the tenant's snapshots with valid_from <= snapshot_date
-- < valid_to (valid_to NULL: up to the newest snapshot and beyond, until a
-- later snapshot changes it). A night that changes 1 % of the users writes
-- about 1 % of the rows. What changes every night for most users, the
-- usage report's refresh date and last-activity dates, lives in a narrow
-- per-night table (raw_usage_report_nightly) keyed by the version's
-- row_key. The raw_<x> relations readers know become views that expand the
-- versions over the snapshots (sql/views/05_raw.sql): same names, same
-- columns, same rows.
-- The old per-night tables are renamed legacy_raw_<x>; opening the
-- warehouse for writing folds their snapshots into the versions, oldest
-- first, and drops them (load/versions.go).

ALTER TABLE raw_users RENAME TO legacy_raw_users;
ALTER TABLE raw_user_licenses RENAME TO legacy_raw_user_licenses;
ALTER TABLE raw_license_assignment_states RENAME TO legacy_raw_license_assignment_states;
ALTER TABLE raw_subscribed_skus RENAME TO legacy_raw_subscribed_skus;
ALTER TABLE raw_sku_service_plans RENAME TO legacy_raw_sku_service_plans;
ALTER TABLE raw_subscriptions RENAME TO legacy_raw_subscriptions;
ALTER TABLE raw_subscription_service_plans RENAME TO legacy_raw_subscription_service_plans;
ALTER TABLE raw_report_settings RENAME TO legacy_raw_report_settings;
ALTER TABLE raw_groups RENAME TO legacy_raw_groups;
ALTER TABLE raw_group_licenses RENAME TO legacy_raw_group_licenses;
ALTER TABLE raw_usage_report RENAME TO legacy_raw_usage_report;
ALTER TABLE raw_dataset_status RENAME TO legacy_raw_dataset_status;

CREATE TABLE raw_users_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE NOT NULL,
    valid_to            DATE,
    id                  VARCHAR NOT NULL,
    user_principal_name VARCHAR,
    display_name        VARCHAR,
    mail                VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR,
    company_name        VARCHAR,
    country             VARCHAR,
    usage_location      VARCHAR,
    user_type           VARCHAR,
    account_enabled     BOOLEAN,
    created_date_time   TIMESTAMPTZ
);

CREATE TABLE raw_user_licenses_versions (
    tenant         VARCHAR NOT NULL,
    valid_from     DATE NOT NULL,
    valid_to       DATE,
    user_id        VARCHAR NOT NULL,
    sku_id         VARCHAR NOT NULL,
    disabled_plans VARCHAR[]
);

CREATE TABLE raw_license_assignment_states_versions (
    tenant                 VARCHAR NOT NULL,
    valid_from             DATE NOT NULL,
    valid_to               DATE,
    user_id                VARCHAR NOT NULL,
    sku_id                 VARCHAR NOT NULL,
    assigned_by_group      VARCHAR,
    state                  VARCHAR,
    error                  VARCHAR,
    disabled_plans         VARCHAR[],
    last_updated_date_time TIMESTAMPTZ
);

CREATE TABLE raw_subscribed_skus_versions (
    tenant            VARCHAR NOT NULL,
    valid_from        DATE NOT NULL,
    valid_to          DATE,
    id                VARCHAR,
    sku_id            VARCHAR NOT NULL,
    sku_part_number   VARCHAR,
    account_id        VARCHAR,
    account_name      VARCHAR,
    applies_to        VARCHAR,
    capability_status VARCHAR,
    consumed_units    BIGINT,
    enabled_units     BIGINT,
    suspended_units   BIGINT,
    warning_units     BIGINT,
    locked_out_units  BIGINT,
    subscription_ids  VARCHAR[]
);

CREATE TABLE raw_sku_service_plans_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE NOT NULL,
    valid_to            DATE,
    sku_id              VARCHAR NOT NULL,
    service_plan_id     VARCHAR NOT NULL,
    service_plan_name   VARCHAR,
    provisioning_status VARCHAR,
    applies_to          VARCHAR
);

CREATE TABLE raw_subscriptions_versions (
    tenant                   VARCHAR NOT NULL,
    valid_from               DATE NOT NULL,
    valid_to                 DATE,
    id                       VARCHAR NOT NULL,
    commerce_subscription_id VARCHAR,
    sku_id                   VARCHAR,
    sku_part_number          VARCHAR,
    status                   VARCHAR,
    is_trial                 BOOLEAN,
    total_licenses           BIGINT,
    created_date_time        TIMESTAMPTZ,
    next_lifecycle_date_time TIMESTAMPTZ,
    owner_id                 VARCHAR,
    owner_tenant_id          VARCHAR,
    owner_type               VARCHAR
);

CREATE TABLE raw_subscription_service_plans_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE NOT NULL,
    valid_to            DATE,
    subscription_id     VARCHAR NOT NULL,
    service_plan_id     VARCHAR NOT NULL,
    service_plan_name   VARCHAR,
    provisioning_status VARCHAR,
    applies_to          VARCHAR
);

CREATE TABLE raw_report_settings_versions (
    tenant                  VARCHAR NOT NULL,
    valid_from              DATE NOT NULL,
    valid_to                DATE,
    display_concealed_names BOOLEAN
);

CREATE TABLE raw_groups_versions (
    tenant       VARCHAR NOT NULL,
    valid_from   DATE NOT NULL,
    valid_to     DATE,
    id           VARCHAR NOT NULL,
    display_name VARCHAR
);

CREATE TABLE raw_group_licenses_versions (
    tenant         VARCHAR NOT NULL,
    valid_from     DATE NOT NULL,
    valid_to       DATE,
    group_id       VARCHAR NOT NULL,
    sku_id         VARCHAR NOT NULL,
    disabled_plans VARCHAR[]
);

CREATE TABLE raw_usage_report_versions (
    tenant                         VARCHAR NOT NULL,
    valid_from                     DATE NOT NULL,
    valid_to                       DATE,
    row_key                        BIGINT NOT NULL,
    report_period                  VARCHAR NOT NULL,
    user_principal_name            VARCHAR,
    display_name                   VARCHAR,
    is_deleted                     BOOLEAN,
    deleted_date                   DATE,
    has_exchange_license           BOOLEAN,
    has_onedrive_license           BOOLEAN,
    has_sharepoint_license         BOOLEAN,
    has_skype_license              BOOLEAN,
    has_yammer_license             BOOLEAN,
    has_teams_license              BOOLEAN,
    exchange_license_assign_date   DATE,
    onedrive_license_assign_date   DATE,
    sharepoint_license_assign_date DATE,
    skype_license_assign_date      DATE,
    yammer_license_assign_date     DATE,
    teams_license_assign_date      DATE,
    assigned_products              VARCHAR
);

-- What of raw_usage_report changes every night, per snapshot and version row.
CREATE TABLE raw_usage_report_nightly (
    tenant                        VARCHAR NOT NULL,
    snapshot_date                 DATE NOT NULL,
    row_key                       BIGINT NOT NULL,
    report_refresh_date           DATE,
    exchange_last_activity_date   DATE,
    onedrive_last_activity_date   DATE,
    sharepoint_last_activity_date DATE,
    skype_last_activity_date      DATE,
    yammer_last_activity_date     DATE,
    teams_last_activity_date      DATE
);

CREATE TABLE raw_dataset_status_versions (
    tenant     VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE,
    dataset    VARCHAR NOT NULL,
    ok         BOOLEAN NOT NULL,
    rows       BIGINT,
    error      VARCHAR
);
