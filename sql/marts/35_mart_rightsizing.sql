-- 35_mart_rightsizing: seats that could be a cheaper SKU, or none
-- (PRODUCT.md, "Further usage signals and rightsizing"), with the rule, the
-- evidence, the annual saving and how sure it is.
-- Grain: one row per tenant × user × from SKU × rule (latest snapshot).
-- Rules, each only when every report it reads is usable in the snapshot
-- (stg_snapshots.signals: read whole, not concealed):
--   shared_mailbox (safe): the mailbox report's Recipient Type contains
--     "shared" (any case; the literal is undocumented), storage used at
--     most 50 GB and Has Archive false (unknown is not false) -> every
--     licensed SKU of that user carrying an Exchange plan, to none: a
--     shared mailbox needs no licence below 50 GB without an archive.
--   no_desktop_apps: the Apps usage report (D180) shows no Windows or Mac
--     use of Outlook, Word, Excel, PowerPoint or OneNote (every one of the
--     ten flags known and false) and the activations report no activation
--     of the Microsoft 365 Apps product (no date, no device) ->
--     ENTERPRISEPACK to STANDARDPACK (safe when the mailbox report puts the
--     mailbox at 50 GB or less, the E1 limit; review otherwise),
--     SPE_E3 to STANDARDPACK (review: Windows Enterprise and EMS value is
--     not visible per user).
--   e5_extras_unused (review): SPE_E5 held, the PowerBI signal usable, its
--     window (stg_snapshots.powerbi_window_days) at least inactivity_days,
--     and no successful Power BI sign-in of the user in it (through any
--     licence: stg_signin_usage) -> SPE_E3.
-- annual_saving: price(from) - price(to), the whole price(from) when to is
-- none; NULL when a price is missing (mart_findings says missing_price).
-- reducible_from as for candidates. Ignored SKUs and rows under an
-- exclusion are left out; a seat that is also a reclamation candidate keeps
-- its row here (the rules are independent).
-- Inputs: stg_license_reasons, stg_snapshots, stg_prices, mailbox_limit_bytes(),
--         stg_signin_usage, raw_mailbox_usage,
--         raw_apps_usage, raw_office_activations.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_rightsizing AS
WITH seats AS (
    SELECT r.tenant, r.snapshot_date, r.as_of, r.user_id, r.user_principal_name, lower(r.user_principal_name) AS upn_key,
        r.sku_id, r.sku_part_number, r.workloads, r.unit_price_annual, r.currency, r.reducible_from,
        r.display_name, r.department, r.cost_center, s.signals,
        r.inactivity_days, s.powerbi_window_from, s.powerbi_window_days, si.powerbi_last_date
    FROM stg_license_reasons r
    JOIN stg_snapshots s USING (tenant, snapshot_date)
    LEFT JOIN stg_signin_usage si ON si.tenant = r.tenant AND si.snapshot_date = r.snapshot_date AND si.user_id = r.user_id
    -- Only where a rule can fire: without the datasets they read, the rest
    -- is not computed at all (the default reads only the Copilot report).
    WHERE NOT r.ignored AND r.exclusion_reason IS NULL AND list_has_any(s.signals, ['Mailbox', 'Apps', 'PowerBI'])
), mailbox AS (
    SELECT tenant, snapshot_date, lower(user_principal_name) AS upn_key,
        bool_or(recipient_type ILIKE '%shared%') AS shared,
        max(recipient_type) AS recipient_type,
        max(storage_used_bytes) AS storage_used_bytes,
        bool_and(coalesce(has_archive = false, false)) AS no_archive,
        max(report_refresh_date) AS report_date
    FROM raw_mailbox_usage
    WHERE user_principal_name IS NOT NULL AND NOT coalesce(is_deleted, false)
    GROUP BY ALL
), apps AS (
    SELECT tenant, snapshot_date, lower(user_principal_name) AS upn_key,
        -- true only when all ten flags are known and false
        bool_and(coalesce(NOT (outlook_windows OR word_windows OR excel_windows OR powerpoint_windows OR onenote_windows
            OR outlook_mac OR word_mac OR excel_mac OR powerpoint_mac OR onenote_mac), false)) AS no_desktop,
        max(last_activity_date) AS last_activity_date,
        max(report_refresh_date) AS report_date
    FROM raw_apps_usage
    WHERE user_principal_name IS NOT NULL AND report_period = 'D180'
    GROUP BY ALL
), activations AS (
    SELECT tenant, snapshot_date, lower(user_principal_name) AS upn_key,
        bool_or(last_activated_date IS NOT NULL
            OR coalesce(windows, 0) + coalesce(mac, 0) + coalesce(windows10_mobile, 0) + coalesce(ios, 0) + coalesce(android, 0) > 0)
            AS activated,
        max(last_activated_date) AS last_activated_date
    FROM raw_office_activations
    WHERE user_principal_name IS NOT NULL
      AND (upper(product_type) LIKE '%365 APPS%' OR upper(product_type) LIKE '%PROPLUS%' OR upper(product_type) LIKE '%PRO PLUS%')
    GROUP BY ALL
), rules AS (
    SELECT s.*, NULL::VARCHAR AS to_sku, 'shared_mailbox' AS rule, 'safe' AS confidence,
        json_object('rule', 'shared_mailbox', 'recipient_type', m.recipient_type,
            'storage_used_bytes', m.storage_used_bytes, 'limit_bytes', mailbox_limit_bytes(), 'has_archive', false,
            'report_date', m.report_date,
            'why', 'a shared mailbox needs no licence up to 50 GB without an archive') AS evidence
    FROM seats s
    JOIN mailbox m USING (tenant, snapshot_date, upn_key)
    WHERE list_contains(s.signals, 'Mailbox') AND list_contains(s.workloads, 'Exchange')
      AND m.shared AND m.storage_used_bytes <= mailbox_limit_bytes() AND m.no_archive
    UNION ALL
    SELECT s.*, 'STANDARDPACK' AS to_sku, 'no_desktop_apps' AS rule,
        CASE WHEN upper(s.sku_part_number) = 'ENTERPRISEPACK' AND list_contains(s.signals, 'Mailbox')
                  AND m.storage_used_bytes <= mailbox_limit_bytes() THEN 'safe' ELSE 'review' END AS confidence,
        json_object('rule', 'no_desktop_apps', 'desktop_use_d180', false,
            'apps_last_activity', a.last_activity_date, 'apps_report_date', a.report_date,
            'apps_activated', false,
            'mailbox_storage_used_bytes', CASE WHEN list_contains(s.signals, 'Mailbox') THEN m.storage_used_bytes END,
            'why', CASE WHEN upper(s.sku_part_number) = 'SPE_E3'
                THEN 'no desktop Office in 180 days; Windows Enterprise and EMS value is not visible per user'
                ELSE 'no desktop Office in 180 days and no activation' END) AS evidence
    FROM seats s
    JOIN apps a USING (tenant, snapshot_date, upn_key)
    LEFT JOIN mailbox m USING (tenant, snapshot_date, upn_key)
    LEFT JOIN activations x USING (tenant, snapshot_date, upn_key)
    WHERE list_contains(s.signals, 'Apps') AND list_contains(s.signals, 'Activations')
      AND upper(s.sku_part_number) IN ('ENTERPRISEPACK', 'SPE_E3')
      AND a.no_desktop AND NOT coalesce(x.activated, false)
    UNION ALL
    SELECT s.*, 'SPE_E3' AS to_sku, 'e5_extras_unused' AS rule, 'review' AS confidence,
        json_object('rule', 'e5_extras_unused', 'powerbi_last_sign_in', s.powerbi_last_date,
            'window_from', s.powerbi_window_from, 'window_days', s.powerbi_window_days,
            'inactivity_days', s.inactivity_days,
            'why', format('no Power BI sign-in in the {} days the sign-in logs cover; the other E5 extras '
                || '(Defender, Purview, Teams Phone) are not visible per user', s.powerbi_window_days)) AS evidence
    FROM seats s
    WHERE list_contains(s.signals, 'PowerBI') AND upper(s.sku_part_number) = 'SPE_E5'
      AND s.powerbi_window_days >= s.inactivity_days
      AND (s.powerbi_last_date IS NULL OR s.powerbi_last_date < s.powerbi_window_from)
)
SELECT r.tenant, r.snapshot_date, r.as_of, r.user_id, r.user_principal_name, r.sku_part_number AS from_sku, r.to_sku,
    r.rule, CAST(r.evidence AS VARCHAR) AS evidence,
    CASE WHEN r.to_sku IS NULL THEN r.unit_price_annual ELSE r.unit_price_annual - p.unit_price_annual END AS annual_saving,
    r.reducible_from, r.confidence, r.currency, r.sku_id AS from_sku_id, r.display_name, r.department, r.cost_center
FROM rules r
LEFT JOIN stg_prices p ON p.tenant = r.tenant AND p.snapshot_date = r.snapshot_date AND p.sku_key = upper(r.to_sku);
