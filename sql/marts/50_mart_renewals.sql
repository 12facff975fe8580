-- 50_mart_renewals: directory subscriptions and when they renew.
-- Grain: one row per tenant × subscription (latest snapshot).
-- Inputs: raw_subscriptions, stg_snapshots, stg_skus.
-- days_to_renewal counts whole days from as_of to nextLifecycleDateTime;
-- annual_cost prices total_licenses at the SKU's price on as_of.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_renewals AS
SELECT r.tenant, r.snapshot_date, r.id AS subscription_id, r.sku_part_number, r.status, r.is_trial,
    r.total_licenses, r.created_date_time AS created_at, r.next_lifecycle_date_time AS next_lifecycle_at,
    date_diff('day', s.as_of, utc_date(r.next_lifecycle_date_time)) AS days_to_renewal,
    r.total_licenses * k.unit_price_annual AS annual_cost, s.as_of,
    (SELECT currency FROM param_settings LIMIT 1) AS currency, k.term, r.sku_id, r.commerce_subscription_id
FROM raw_subscriptions r
JOIN stg_snapshots s USING (tenant, snapshot_date)
LEFT JOIN stg_skus k ON k.tenant = r.tenant AND k.snapshot_date = r.snapshot_date AND k.sku_id = lower(r.sku_id);
