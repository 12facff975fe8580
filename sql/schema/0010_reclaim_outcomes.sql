-- 0010_reclaim_outcomes: mart_reclaim_outcomes, what became of each
-- reclaimed seat (sql/marts/80_mart_reclaim_outcomes.sql), per snapshot in
-- the _history table and for each tenant's newest snapshot in the latest
-- table. A small aggregate (one row per reclaimed seat), so a copy per
-- snapshot. Snapshots stored before this migration have no rows until
-- rebuild computes them.

CREATE TABLE IF NOT EXISTS mart_reclaim_outcomes_history (
    tenant                  VARCHAR NOT NULL,
    snapshot_date           DATE    NOT NULL,
    as_of                   DATE,
    acted_at                TIMESTAMPTZ,
    acted_month             VARCHAR,
    user_id                 VARCHAR,
    sku_id                  VARCHAR,
    sku_part_number         VARCHAR,
    operation               VARCHAR,
    to_sku_part_number      VARCHAR,
    reason                  VARCHAR,
    outcome                 VARCHAR,
    currency                VARCHAR,
    promised_annual_savings DECIMAL(18,2),
    realised_annual_savings DECIMAL(18,2),
    purchased_units_then    BIGINT,
    purchased_units_now     BIGINT,
    consumed_units_then     BIGINT,
    consumed_units_now      BIGINT,
    apply_id                VARCHAR,
    plan_id                 VARCHAR
);

-- The latest table: the same columns but snapshot_date.
CREATE TABLE IF NOT EXISTS mart_reclaim_outcomes AS
    SELECT * EXCLUDE (snapshot_date) FROM mart_reclaim_outcomes_history LIMIT 0;
