-- 0009_on_premises: where a user sits in the on-premises Active Directory
-- it is synced from: user.onPremisesDistinguishedName and
-- user.onPremisesSyncEnabled, in raw_users and as two trailing columns of
-- mart_user_licenses (and its history).
-- Grain: unchanged (raw_users one row per user, the mart one per user ×
-- SKU). Rows written before hold NULL: Graph was not asked then, and what
-- a past day reported stays as reported.
-- The versions tables take the columns; load/versions.go folds whatever
-- columns the catalog lists, so the new ones are compared and kept like
-- the others (each synced user's rows get a new version once, on the
-- first night that reads the fields). A warehouse still being upgraded
-- from a copy per night (legacy_ tables of 0005 and 0006, folded when a
-- writer opens it) gets them too, so that the fold finds every column.
-- The users delta state is dropped, so that each tenant's next run reads
-- its users in full: a delta round returns only changed users and would
-- carry every other one over from the last snapshot without the fields.
-- Idempotent (IF NOT EXISTS): tests replay migrations on warehouses that
-- have this one.

ALTER TABLE raw_users_versions ADD COLUMN IF NOT EXISTS on_premises_distinguished_name VARCHAR;
ALTER TABLE raw_users_versions ADD COLUMN IF NOT EXISTS on_premises_sync_enabled BOOLEAN;
ALTER TABLE IF EXISTS legacy_raw_users ADD COLUMN IF NOT EXISTS on_premises_distinguished_name VARCHAR;
ALTER TABLE IF EXISTS legacy_raw_users ADD COLUMN IF NOT EXISTS on_premises_sync_enabled BOOLEAN;

ALTER TABLE mart_user_licenses_history_versions ADD COLUMN IF NOT EXISTS on_premises_distinguished_name VARCHAR;
ALTER TABLE mart_user_licenses_history_versions ADD COLUMN IF NOT EXISTS on_premises_sync_enabled BOOLEAN;
ALTER TABLE IF EXISTS legacy_mart_user_licenses_history ADD COLUMN IF NOT EXISTS on_premises_distinguished_name VARCHAR;
ALTER TABLE IF EXISTS legacy_mart_user_licenses_history ADD COLUMN IF NOT EXISTS on_premises_sync_enabled BOOLEAN;
ALTER TABLE mart_user_licenses ADD COLUMN IF NOT EXISTS on_premises_distinguished_name VARCHAR;
ALTER TABLE mart_user_licenses ADD COLUMN IF NOT EXISTS on_premises_sync_enabled BOOLEAN;

DELETE FROM user_delta_state;
