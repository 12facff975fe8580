-- 0006_mart_versions: mart_user_licenses_history, one row per tenant ×
-- user × SKU × snapshot, stored as validity intervals like the raw rows
-- (0005_versions): a user's licence row is the same night after night but
-- for as_of, last_activity_date and idle_days, which live in a narrow
-- per-night table keyed by the version's row_key. The relation readers
-- know becomes a view (sql/views/06_mart_versions.sql) with the same
-- columns and rows. The old table is renamed legacy_…; opening the
-- warehouse for writing folds it into the versions (load/versions.go).

ALTER TABLE mart_user_licenses_history RENAME TO legacy_mart_user_licenses_history;

CREATE TABLE mart_user_licenses_history_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR,
    account_enabled     BOOLEAN,
    user_type           VARCHAR,
    sku_id              VARCHAR,
    sku_part_number     VARCHAR,
    assigned_direct     BOOLEAN,
    assigned_by_groups  VARCHAR[],
    assigned_at         TIMESTAMPTZ,
    workloads           VARCHAR[],
    usage_location      VARCHAR,
    in_report           BOOLEAN,
    unit_price_annual   DECIMAL(18,2),
    currency            VARCHAR
);

CREATE TABLE mart_user_licenses_history_nightly (
    tenant             VARCHAR NOT NULL,
    snapshot_date      DATE    NOT NULL,
    row_key            BIGINT  NOT NULL,
    as_of              DATE,
    last_activity_date DATE,
    idle_days          BIGINT
);
