-- 0011_action_targets: actions.target says what a row changed: 'user' (a
-- user's licences or memberships) or 'group' (a group's licences, assign
-- --group and its undo). A group row keeps the group's object id in
-- user_id (NOT NULL, object ids only) and in group_ids, as before.
-- Grain: unchanged. Rows written before are told apart the same way:
-- a group row is the one whose user_id is its only group id (a user's
-- object id is never a group's).
-- Idempotent (IF NOT EXISTS, and the UPDATE sets what it would set
-- again): tests replay migrations on warehouses that have this one.

ALTER TABLE actions ADD COLUMN IF NOT EXISTS target VARCHAR DEFAULT 'user';
UPDATE actions SET target = CASE WHEN len(group_ids) = 1 AND user_id = group_ids[1] THEN 'group' ELSE 'user' END;
