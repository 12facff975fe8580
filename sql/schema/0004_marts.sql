-- 0004_marts: marts materialised once per snapshot.
-- Until now every mart was a view that re-ran every rule over every stored
-- snapshot, re-priced by today's config: the cost of a night grew with the
-- nights stored, and a past day's figures changed with the config.
-- From here on each tenant snapshot writes its mart rows into the _history
-- tables below in its own transaction (load.Snapshot.Commit), and the
-- latest tables mart_* hold each tenant's newest snapshot. What a day
-- reported stays as reported until seatledger rebuild recomputes it.
-- Grain: _history one row per snapshot × the mart's grain; latest tables
-- the same without snapshot_date, for each tenant's newest snapshot only.
-- Money is DECIMAL(18,2), in the reporting currency, rounded to its minor
-- unit where a price is annualised or converted; NULL means no price.
-- Existing warehouses: the old views are dropped here; load backfills the
-- marts of every stored snapshot right after this migration, with the
-- parameter tables the last run wrote.

DROP VIEW IF EXISTS mart_license_inventory;
DROP VIEW IF EXISTS mart_license_inventory_history;
DROP VIEW IF EXISTS mart_user_licenses;
DROP VIEW IF EXISTS mart_user_licenses_history;
DROP VIEW IF EXISTS mart_reclamation_candidates;
DROP VIEW IF EXISTS mart_reclamation_candidates_history;
DROP VIEW IF EXISTS mart_reclamation_excluded;
DROP VIEW IF EXISTS mart_spend;
DROP VIEW IF EXISTS mart_spend_history;
DROP VIEW IF EXISTS mart_renewals;
DROP VIEW IF EXISTS mart_renewals_history;
DROP VIEW IF EXISTS mart_findings;
DROP VIEW IF EXISTS mart_findings_history;
DROP VIEW IF EXISTS mart_utilization_history;
DROP VIEW IF EXISTS mart_summary_kpis;
DROP VIEW IF EXISTS mart_summary_idle_cost;
DROP VIEW IF EXISTS stg_candidates;
DROP VIEW IF EXISTS stg_license_reasons;
DROP VIEW IF EXISTS stg_redundant;
DROP VIEW IF EXISTS stg_sku_subsets;
DROP VIEW IF EXISTS stg_license_rows;
DROP VIEW IF EXISTS stg_user_groups;
DROP VIEW IF EXISTS stg_assignment;
DROP VIEW IF EXISTS stg_sku_workloads;
DROP VIEW IF EXISTS stg_plan_workloads;
DROP VIEW IF EXISTS stg_sku_planset;
DROP VIEW IF EXISTS stg_sku_plans;
DROP VIEW IF EXISTS stg_skus;
DROP VIEW IF EXISTS stg_prices;
DROP VIEW IF EXISTS stg_usage;
DROP VIEW IF EXISTS stg_snapshots;
DROP VIEW IF EXISTS stg_hex_report_rows;
DROP MACRO IF EXISTS utc_date;

-- What the transforms found about each snapshot: its as_of date and the
-- state of its usage report. One row per tenant × snapshot_date.
CREATE TABLE snapshot_facts (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    as_of               DATE    NOT NULL,
    report_refresh_date DATE,
    report_rows         BIGINT  NOT NULL,
    has_report          BOOLEAN NOT NULL,
    settings_concealed  BOOLEAN NOT NULL,
    hex_rows            BIGINT  NOT NULL,
    concealed           BOOLEAN NOT NULL,
    computed_at         TIMESTAMPTZ NOT NULL, -- when the marts of the snapshot were computed
    computed_by         VARCHAR NOT NULL,     -- the run id, or the rebuild id
    PRIMARY KEY (tenant, snapshot_date)
);

CREATE TABLE mart_license_inventory_history (
    tenant             VARCHAR NOT NULL,
    snapshot_date      DATE    NOT NULL,
    as_of              DATE,
    sku_id             VARCHAR,
    sku_part_number    VARCHAR,
    product_name       VARCHAR,
    capability_status  VARCHAR,
    active_units       BIGINT,
    suspended_units    BIGINT,
    warning_units      BIGINT,
    locked_out_units   BIGINT,
    consumed_units     BIGINT,
    unused_units       BIGINT,
    currency           VARCHAR,
    unit_price_annual  DECIMAL(18,2),
    annual_cost        DECIMAL(18,2),
    unused_annual_cost DECIMAL(18,2),
    enabled_units      BIGINT,
    ignored            BOOLEAN,
    term               VARCHAR
);

CREATE TABLE mart_user_licenses_history (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    as_of               DATE,
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
    last_activity_date  DATE,
    idle_days           BIGINT,
    usage_location      VARCHAR,
    in_report           BOOLEAN,
    unit_price_annual   DECIMAL(18,2),
    currency            VARCHAR
);

CREATE TABLE mart_reclamation_candidates_history (
    tenant              VARCHAR NOT NULL,
    snapshot_date       DATE    NOT NULL,
    as_of               DATE,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    sku_id              VARCHAR,
    sku_part_number     VARCHAR,
    reason              VARCHAR,
    reasons             VARCHAR[],
    idle_days           BIGINT,
    last_activity_date  DATE,
    assigned_by_groups  VARCHAR[],
    action              VARCHAR,
    currency            VARCHAR,
    annual_savings      DECIMAL(18,2),
    reducible_from      DATE,
    evidence            VARCHAR,
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR,
    assigned_direct     BOOLEAN
);

-- Candidates that an exclusion keeps out, with the exclusion's reason.
CREATE TABLE mart_reclamation_excluded_history AS
SELECT *, CAST(NULL AS VARCHAR) AS exclusion_reason FROM mart_reclamation_candidates_history LIMIT 0;

CREATE TABLE mart_spend_history (
    tenant          VARCHAR NOT NULL,
    snapshot_date   DATE    NOT NULL,
    as_of           DATE,
    sku_part_number VARCHAR,
    department      VARCHAR,
    cost_center     VARCHAR,
    currency        VARCHAR,
    assigned_units  BIGINT,
    annual_cost     DECIMAL(18,2)
);

CREATE TABLE mart_renewals_history (
    tenant                   VARCHAR NOT NULL,
    snapshot_date            DATE    NOT NULL,
    subscription_id          VARCHAR,
    sku_part_number          VARCHAR,
    status                   VARCHAR,
    is_trial                 BOOLEAN,
    total_licenses           BIGINT,
    created_at               TIMESTAMPTZ,
    next_lifecycle_at        TIMESTAMPTZ,
    days_to_renewal          BIGINT,
    annual_cost              DECIMAL(18,2),
    as_of                    DATE,
    currency                 VARCHAR,
    term                     VARCHAR,
    sku_id                   VARCHAR,
    commerce_subscription_id VARCHAR
);

CREATE TABLE mart_findings_history (
    tenant        VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,
    as_of         DATE,
    severity      VARCHAR,
    code          VARCHAR,
    subject       VARCHAR,
    detail        VARCHAR
);

CREATE TABLE mart_utilization_history (
    tenant          VARCHAR NOT NULL,
    snapshot_date   DATE    NOT NULL,
    sku_part_number VARCHAR,
    active_units    BIGINT,
    consumed_units  BIGINT,
    unused_units    BIGINT,
    idle_units      BIGINT,
    sku_id          VARCHAR
);

-- The latest tables: each tenant's newest snapshot, without snapshot_date
-- (its date is in snapshots). Replaced per tenant when a newer snapshot
-- commits, so that reading them costs one night whatever the history.
CREATE TABLE mart_license_inventory AS SELECT * EXCLUDE (snapshot_date) FROM mart_license_inventory_history LIMIT 0;
CREATE TABLE mart_user_licenses AS SELECT * EXCLUDE (snapshot_date) FROM mart_user_licenses_history LIMIT 0;
CREATE TABLE mart_reclamation_candidates AS SELECT * EXCLUDE (snapshot_date) FROM mart_reclamation_candidates_history LIMIT 0;
CREATE TABLE mart_reclamation_excluded AS SELECT * EXCLUDE (snapshot_date) FROM mart_reclamation_excluded_history LIMIT 0;
CREATE TABLE mart_spend AS SELECT * EXCLUDE (snapshot_date) FROM mart_spend_history LIMIT 0;
CREATE TABLE mart_renewals AS SELECT * EXCLUDE (snapshot_date) FROM mart_renewals_history LIMIT 0;
CREATE TABLE mart_findings AS SELECT * EXCLUDE (snapshot_date) FROM mart_findings_history LIMIT 0;

-- seatledger rebuild: one row per snapshot it recomputed (or, in a dry
-- run, would recompute), with how many mart rows changed.
CREATE TABLE mart_rebuilds (
    rebuild_id    VARCHAR NOT NULL,
    tenant        VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    dry_run       BOOLEAN NOT NULL,
    rows_added    BIGINT,  -- mart rows the new computation has and the stored one lacks
    rows_removed  BIGINT,  -- mart rows the stored computation has and the new one lacks
    status        VARCHAR NOT NULL, -- ok, failed
    error         VARCHAR,
    PRIMARY KEY (rebuild_id, tenant, snapshot_date)
);
