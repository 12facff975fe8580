-- 0007_candidate_versions: mart_reclamation_candidates_history and
-- mart_reclamation_excluded_history stored as versions, like
-- mart_user_licenses_history (0006): a candidate stays a candidate night
-- after night; what moves every night (as_of, idle_days,
-- last_activity_date, reducible_from and the evidence, which carries the
-- report date) lives in the narrow per-night tables. The relations
-- readers know become views (sql/views/07_candidate_versions.sql); the old
-- tables are renamed legacy_… and folded when a writer opens the
-- warehouse (load/versions.go).

ALTER TABLE mart_reclamation_candidates_history RENAME TO legacy_mart_reclamation_candidates_history;
ALTER TABLE mart_reclamation_excluded_history RENAME TO legacy_mart_reclamation_excluded_history;

CREATE TABLE mart_reclamation_candidates_history_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    sku_id              VARCHAR,
    sku_part_number     VARCHAR,
    reason              VARCHAR,
    reasons             VARCHAR[],
    assigned_by_groups  VARCHAR[],
    action              VARCHAR,
    currency            VARCHAR,
    annual_savings      DECIMAL(18,2),
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR,
    assigned_direct     BOOLEAN
);

CREATE TABLE mart_reclamation_candidates_history_nightly (
    tenant             VARCHAR NOT NULL,
    snapshot_date      DATE    NOT NULL,
    row_key            BIGINT  NOT NULL,
    as_of              DATE,
    idle_days          BIGINT,
    last_activity_date DATE,
    reducible_from     DATE,
    evidence           VARCHAR
);

CREATE TABLE mart_reclamation_excluded_history_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    sku_id              VARCHAR,
    sku_part_number     VARCHAR,
    reason              VARCHAR,
    reasons             VARCHAR[],
    assigned_by_groups  VARCHAR[],
    action              VARCHAR,
    currency            VARCHAR,
    annual_savings      DECIMAL(18,2),
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR,
    assigned_direct     BOOLEAN,
    exclusion_reason    VARCHAR
);

CREATE TABLE mart_reclamation_excluded_history_nightly (
    tenant             VARCHAR NOT NULL,
    snapshot_date      DATE    NOT NULL,
    row_key            BIGINT  NOT NULL,
    as_of              DATE,
    idle_days          BIGINT,
    last_activity_date DATE,
    reducible_from     DATE,
    evidence           VARCHAR
);
