-- 0002_actions: the provisioning report of licence actions (seatledger
-- reclaim apply, replace and undo).
-- Grain: one row per attempted (or deliberately skipped) licence change of
-- one user × SKU in one apply run.
-- Inputs: reclaim plans and Graph's answer to each assignLicense call.
CREATE TABLE actions (
    plan_id         VARCHAR NOT NULL,
    apply_id        VARCHAR NOT NULL,  -- one apply, replace or undo run
    acted_at        TIMESTAMPTZ NOT NULL,
    tenant          VARCHAR NOT NULL,
    user_id         VARCHAR NOT NULL,  -- object id, never a user name
    sku_id          VARCHAR NOT NULL,  -- the SKU removed (undo: re-assigned)
    sku_part_number VARCHAR,
    operation       VARCHAR NOT NULL,  -- remove, replace, undo
    to_sku_id       VARCHAR,           -- replace: the SKU added (undo of a replace: removed)
    to_sku_part_number VARCHAR,
    reason          VARCHAR,           -- the candidate reason, or listed
    result          VARCHAR NOT NULL,  -- ok, failed, group_only, not_assigned, refused, deferred
    http_status     INTEGER,
    error_code      VARCHAR,
    error_message   VARCHAR,
    group_ids       VARCHAR[]          -- group_only: the groups to change
);
