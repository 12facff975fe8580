-- 0001_raw: raw tables, one per Graph dataset, and the run journal.
-- Grain: every raw_ row belongs to one tenant snapshot (tenant, snapshot_date)
-- written by one run (run_id). A same-day re-run deletes and rewrites the
-- whole snapshot in one transaction.
-- Inputs: extract.* records, appended by load with the DuckDB Appender.

CREATE TABLE etl_runs (
    run_id              VARCHAR NOT NULL,
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    status              VARCHAR NOT NULL, -- running, ok, degraded, failed, aborted
    error               VARCHAR,
    users               BIGINT,
    licenses            BIGINT,
    skus                BIGINT,
    subscriptions       BIGINT,
    groups              BIGINT,
    report_rows         BIGINT,
    report_refresh_date DATE,
    graph_requests      BIGINT,
    graph_throttled     BIGINT,
    PRIMARY KEY (run_id, tenant)
);

-- The snapshot that readers see: one row per tenant and snapshot_date,
-- written in the same transaction as the raw rows.
CREATE TABLE snapshots (
    tenant        VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,
    run_id        VARCHAR NOT NULL,
    status        VARCHAR NOT NULL, -- ok or degraded
    committed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, snapshot_date)
);

CREATE TABLE raw_users (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    run_id              VARCHAR NOT NULL,
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

-- user.assignedLicenses: one row per user × SKU.
CREATE TABLE raw_user_licenses (
    tenant         VARCHAR NOT NULL,
    snapshot_date  DATE    NOT NULL,
    run_id         VARCHAR NOT NULL,
    user_id        VARCHAR NOT NULL,
    sku_id         VARCHAR NOT NULL,
    disabled_plans VARCHAR[]
);

-- user.licenseAssignmentStates: one row per user × SKU × assigning source
-- (assigned_by_group NULL for a direct assignment).
CREATE TABLE raw_license_assignment_states (
    tenant                 VARCHAR NOT NULL,
    snapshot_date          DATE    NOT NULL,
    run_id                 VARCHAR NOT NULL,
    user_id                VARCHAR NOT NULL,
    sku_id                 VARCHAR NOT NULL,
    assigned_by_group      VARCHAR,
    state                  VARCHAR,
    error                  VARCHAR,
    disabled_plans         VARCHAR[],
    last_updated_date_time TIMESTAMPTZ
);

CREATE TABLE raw_subscribed_skus (
    tenant            VARCHAR NOT NULL,
    snapshot_date     DATE    NOT NULL,
    run_id            VARCHAR NOT NULL,
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

-- subscribedSku.servicePlans: one row per SKU × service plan.
CREATE TABLE raw_sku_service_plans (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    run_id              VARCHAR NOT NULL,
    sku_id              VARCHAR NOT NULL,
    service_plan_id     VARCHAR NOT NULL,
    service_plan_name   VARCHAR,
    provisioning_status VARCHAR,
    applies_to          VARCHAR
);

CREATE TABLE raw_subscriptions (
    tenant                   VARCHAR NOT NULL,
    snapshot_date            DATE    NOT NULL,
    run_id                   VARCHAR NOT NULL,
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

-- companySubscription.serviceStatus: one row per subscription × service plan.
CREATE TABLE raw_subscription_service_plans (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    run_id              VARCHAR NOT NULL,
    subscription_id     VARCHAR NOT NULL,
    service_plan_id     VARCHAR NOT NULL,
    service_plan_name   VARCHAR,
    provisioning_status VARCHAR,
    applies_to          VARCHAR
);

CREATE TABLE raw_report_settings (
    tenant                  VARCHAR NOT NULL,
    snapshot_date           DATE    NOT NULL,
    run_id                  VARCHAR NOT NULL,
    display_concealed_names BOOLEAN
);

CREATE TABLE raw_groups (
    tenant        VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,
    run_id        VARCHAR NOT NULL,
    id            VARCHAR NOT NULL,
    display_name  VARCHAR
);

-- group.assignedLicenses: one row per group × SKU.
CREATE TABLE raw_group_licenses (
    tenant         VARCHAR NOT NULL,
    snapshot_date  DATE    NOT NULL,
    run_id         VARCHAR NOT NULL,
    group_id       VARCHAR NOT NULL,
    sku_id         VARCHAR NOT NULL,
    disabled_plans VARCHAR[]
);

-- reports/getOffice365ActiveUserDetail: one row per report row, exactly as
-- Graph sent it. Concealed rows (hex user principal names) are kept here
-- and never joined as users.
CREATE TABLE raw_usage_report (
    tenant                                 VARCHAR NOT NULL,
    snapshot_date                          DATE    NOT NULL,
    run_id                                 VARCHAR NOT NULL,
    report_period                          VARCHAR NOT NULL,
    report_refresh_date                    DATE,
    user_principal_name                    VARCHAR,
    display_name                           VARCHAR,
    is_deleted                             BOOLEAN,
    deleted_date                           DATE,
    has_exchange_license                   BOOLEAN,
    has_onedrive_license                   BOOLEAN,
    has_sharepoint_license                 BOOLEAN,
    has_skype_license                      BOOLEAN,
    has_yammer_license                     BOOLEAN,
    has_teams_license                      BOOLEAN,
    exchange_last_activity_date            DATE,
    onedrive_last_activity_date            DATE,
    sharepoint_last_activity_date          DATE,
    skype_last_activity_date               DATE,
    yammer_last_activity_date              DATE,
    teams_last_activity_date               DATE,
    exchange_license_assign_date           DATE,
    onedrive_license_assign_date           DATE,
    sharepoint_license_assign_date         DATE,
    skype_license_assign_date              DATE,
    yammer_license_assign_date             DATE,
    teams_license_assign_date              DATE,
    assigned_products                      VARCHAR
);

-- How each optional dataset fared in a snapshot: a failed usage report or
-- subscriptions call degrades the run instead of failing it.
CREATE TABLE raw_dataset_status (
    tenant        VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,
    run_id        VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL, -- users, subscribed_skus, subscriptions, report_settings, groups, usage_report
    ok            BOOLEAN NOT NULL,
    rows          BIGINT,
    error         VARCHAR
);
