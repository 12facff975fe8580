-- 0013_rightsizing: mart_rightsizing (PRODUCT.md, "Further usage signals
-- and rightsizing"): a seat that could be a cheaper SKU, or none, with the
-- rule, evidence, saving and confidence. Stored like the candidates
-- (0007): the history as versions, with what moves every night (as_of,
-- reducible_from and the evidence, which carries the report dates) in a
-- narrow per-night table; readers see mart_rightsizing_history, a view
-- (sql/views/08_rightsizing.sql), and mart_rightsizing, each tenant's
-- latest snapshot.

CREATE TABLE IF NOT EXISTS mart_rightsizing_history_versions (
    tenant              VARCHAR NOT NULL,
    valid_from          DATE    NOT NULL,
    valid_to            DATE,
    row_key             BIGINT  NOT NULL,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    from_sku            VARCHAR,
    to_sku              VARCHAR,
    rule                VARCHAR,
    annual_saving       DECIMAL(18,2),
    confidence          VARCHAR,
    currency            VARCHAR,
    from_sku_id         VARCHAR,
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR
);

CREATE TABLE IF NOT EXISTS mart_rightsizing_history_nightly (
    tenant         VARCHAR NOT NULL,
    snapshot_date  DATE    NOT NULL,
    row_key        BIGINT  NOT NULL,
    as_of          DATE,
    reducible_from DATE,
    evidence       VARCHAR
);

CREATE TABLE IF NOT EXISTS mart_rightsizing (
    tenant              VARCHAR,
    as_of               DATE,
    user_id             VARCHAR,
    user_principal_name VARCHAR,
    from_sku            VARCHAR,
    to_sku              VARCHAR,
    rule                VARCHAR,
    evidence            VARCHAR,
    annual_saving       DECIMAL(18,2),
    reducible_from      DATE,
    confidence          VARCHAR,
    currency            VARCHAR,
    from_sku_id         VARCHAR,
    display_name        VARCHAR,
    department          VARCHAR,
    cost_center         VARCHAR
);
