-- 60_mart_findings: what needs a person's attention, by severity.
-- Grain: one row per tenant × code × subject (latest snapshot). subject is
-- an object id, SKU part number, subscription id or dataset name; never a
-- user name.
-- Inputs: stg_snapshots, stg_license_rows, stg_skus, stg_prices,
--         calc_mart_rightsizing, raw_users,
--         raw_license_assignment_states, raw_subscriptions, raw_dataset_status,
--         raw_signin_log_reads, param_rules.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_findings AS
WITH licensed AS (
    SELECT DISTINCT tenant, snapshot_date, as_of, user_id, in_report, usage_location, concealed, has_report
    FROM stg_license_rows
)
SELECT tenant, snapshot_date, as_of, 'critical' AS severity, 'usage_report_concealed' AS code, tenant AS subject,
    CASE WHEN settings_concealed THEN 'report settings conceal user names (displayConcealedNames)'
         ELSE format('{} report rows carry 32-hex names matching no user', hex_rows) END ||
    ': activity rules are off, no user is called idle' AS detail
FROM stg_snapshots WHERE concealed
UNION ALL
SELECT s.tenant, s.snapshot_date, s.as_of, 'critical', 'usage_report_unavailable', s.tenant,
    'the usage report could not be read, activity rules had no data: ' || coalesce(d.error, 'unknown error')
FROM raw_dataset_status d JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE d.dataset = 'usage_report' AND NOT d.ok
UNION ALL
-- A usage-signal dataset that could not be read: its signal is ignored. A
-- sign-in dataset refused (no AuditLog.Read.All, or no Entra ID P1/P2) is
-- not a failure of the run, only of what the tenant can tell.
SELECT s.tenant, s.snapshot_date, s.as_of,
    CASE WHEN d.dataset IN ('signin_activity', 'powerbi_signins') THEN 'info' ELSE 'warning' END,
    'signal_unavailable', d.dataset,
    format('the {} dataset could not be read, its signal is ignored{}: {}', d.dataset,
        CASE WHEN d.dataset IN ('signin_activity', 'powerbi_signins')
             THEN ' (it needs AuditLog.Read.All and Entra ID P1 or P2)' ELSE '' END,
        coalesce(d.error, 'unknown error'))
FROM raw_dataset_status d JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE d.dataset IN ('copilot_usage', 'apps_usage', 'office_activations', 'mailbox_usage',
                    'signin_activity', 'powerbi_signins') AND NOT d.ok
UNION ALL
SELECT s.tenant, s.snapshot_date, s.as_of, 'warning', 'signin_logs_truncated', 'powerbi_signins',
    format('the read of the Power BI sign-in logs stopped at its bound of {} pages ({} events): '
        || 'the Power BI window starts again at {}', r.pages, r.events, utc_date(r.window_from))
FROM raw_signin_log_reads r JOIN stg_snapshots s USING (tenant, snapshot_date)
WHERE r.truncated
UNION ALL
SELECT s.tenant, s.snapshot_date, s.as_of, 'info', 'powerbi_window_short', 'powerbi_signins',
    format('the Power BI sign-in logs cover {} days so far (since {}); Power BI seats get an inactive verdict, '
        || 'and E5 seats e5_extras_unused, once they cover {}', s.powerbi_window_days, s.powerbi_window_from,
        p.inactivity_days)
FROM stg_snapshots s CROSS JOIN (SELECT inactivity_days FROM param_rules LIMIT 1) p
WHERE s.powerbi_window_days < p.inactivity_days
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'missing_from_usage_report', user_id,
    'licensed user is absent from the usage report: no activity reason applies'
FROM licensed WHERE has_report AND NOT concealed AND NOT in_report
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'missing_usage_location', user_id,
    'licensed user has no usageLocation: licence changes will fail'
FROM licensed WHERE coalesce(usage_location, '') = ''
UNION ALL
SELECT a.tenant, a.snapshot_date, s.as_of, 'warning', 'assignment_error', a.user_id,
    format('SKU {} ({}): {} {}', coalesce(k.sku_part_number, a.sku_id),
        CASE WHEN a.assigned_by_group IS NULL THEN 'direct' ELSE 'group ' || a.assigned_by_group END,
        coalesce(a.state, ''), a.error)
FROM raw_license_assignment_states a
JOIN stg_snapshots s USING (tenant, snapshot_date)
LEFT JOIN stg_skus k ON k.tenant = a.tenant AND k.snapshot_date = a.snapshot_date AND k.sku_id = lower(a.sku_id)
WHERE coalesce(a.error, 'None') <> 'None'
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'over_assigned', sku_part_number,
    format('{} consumed units exceed {} active units', consumed_units, active_units)
FROM stg_skus WHERE consumed_units > active_units
UNION ALL
SELECT tenant, snapshot_date, as_of, 'critical', 'over_limit', sku_part_number,
    format('{} consumed units exceed the tenant''s hard limit of {} (tenants[].limits)', consumed_units, limit_units)
FROM stg_skus WHERE consumed_units > limit_units
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'missing_price', sku_part_number,
    CASE WHEN missing_fx THEN format('no fx rate from {} into {}: cost left empty', price_currency, currency)
         ELSE format('no price covers {}: cost left empty', as_of) END
FROM stg_skus WHERE unit_price_annual IS NULL AND NOT ignored
UNION ALL
-- A rightsizing target the price book does not price (and the tenant does
-- not hold, else the finding above names it).
SELECT DISTINCT r.tenant, r.snapshot_date, r.as_of, 'warning', 'missing_price', r.to_sku,
    format('no price covers {}: the saving of rightsizing to it is left empty', r.as_of)
FROM calc_mart_rightsizing r
WHERE r.to_sku IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM stg_prices p WHERE p.tenant = r.tenant AND p.snapshot_date = r.snapshot_date
                  AND p.sku_key = upper(r.to_sku) AND p.unit_price_annual IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM stg_skus k WHERE k.tenant = r.tenant AND k.snapshot_date = r.snapshot_date
                  AND upper(k.sku_part_number) = upper(r.to_sku) AND k.unit_price_annual IS NULL AND NOT k.ignored)
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'stale_usage_report', tenant,
    format('usage report refreshed {} is {} days older than the run', report_refresh_date,
        date_diff('day', report_refresh_date, snapshot_date))
FROM stg_snapshots WHERE date_diff('day', report_refresh_date, snapshot_date) > stale_report_days()
UNION ALL
SELECT tenant, snapshot_date, as_of, 'warning', 'subscription_expiring', subscription_id,
    format('{}{} ({} licences) reaches its next lifecycle date {} in {} days',
        CASE WHEN is_trial THEN 'trial ' ELSE '' END, sku_part_number, total_licenses,
        utc_date(next_lifecycle_at), days_to_renewal)
FROM calc_mart_renewals WHERE days_to_renewal BETWEEN 0 AND expiring_within_days();
