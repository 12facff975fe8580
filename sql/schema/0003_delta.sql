-- 0003_delta: where incremental user extraction (GET /users/delta) resumes.
-- Grain: one row per tenant, rewritten in the transaction of every snapshot
-- that reads users (full or delta), so it always matches a committed
-- snapshot.
-- Inputs: the @odata.deltaLink of the last users round. The link is a
-- bearer-like capability (with a token it reads the tenant's changes): it
-- is stored here and never logged, printed or exported.
CREATE TABLE user_delta_state (
    tenant        VARCHAR NOT NULL PRIMARY KEY,
    delta_link    VARCHAR NOT NULL,
    snapshot_date DATE    NOT NULL,        -- the snapshot whose users the link continues
    obtained_at   TIMESTAMPTZ NOT NULL,    -- when Graph issued the link (links live 7 days)
    full_sync_at  TIMESTAMPTZ NOT NULL     -- the last full read of the users
);
