-- 20_mart_user_licenses: every licence a user holds, how it was assigned,
-- the workloads it carries and its last use.
-- Grain: one row per tenant × user × SKU (latest snapshot).
-- Inputs: stg_license_reasons.
-- on_premises_distinguished_name and on_premises_sync_enabled say where a
-- user synced from on-premises AD sits there (NULL: cloud-only, or read
-- before migration 0009); they trail the contract's columns.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_user_licenses AS
SELECT tenant, snapshot_date, as_of, user_id, user_principal_name, display_name, department, cost_center,
    account_enabled, user_type, sku_id, sku_part_number, assigned_direct, assigned_by_groups,
    assigned_at, workloads, last_activity_date, idle_days,
    usage_location, in_report, unit_price_annual, currency,
    on_premises_distinguished_name, on_premises_sync_enabled
FROM stg_license_reasons;
