package load

import "context"

// The workbook's Candidates and Rightsizing sheets read the way a software
// asset manager reads them: the person, the department, the product by
// its name, the reason and the signal behind it in words, idle days and
// the annual saving first; object ids, codes and the evidence to the
// right. The words are derived here, at read time, so that the marts,
// their _history and their Parquet export keep their columns and codes.
// Words never hold a person's name or address (pseudonymisation replaces
// the personal columns by name only).

// sheetSelects are the marts of ReportMarts whose sheet reads through a
// query of its own: CTEs that follow the product-name CTEs of
// sheetSelect, then the SELECT, which ends with every other column of
// the mart (COLUMNS(* EXCLUDE ...)), so that a column a migration adds
// still reaches the sheet. One row per mart row.
var sheetSelects = map[string]string{
	"mart_reclamation_candidates": candidatesSheet,
	"mart_rightsizing":            rightsizingSheet,
}

// productNames name the products of a row: sku_names by tenant and SKU id
// and part_names by tenant and part number, both from the inventory (its
// product_name is Microsoft's catalogue name, else the part number).
const productNames = `sku_names AS (
    SELECT tenant, lower(sku_id) AS sku_key, min(product_name) AS product_name
    FROM mart_license_inventory GROUP BY ALL
), part_names AS (
    SELECT tenant, upper(sku_part_number) AS part_key, min(product_name) AS product_name
    FROM mart_license_inventory GROUP BY ALL
)`

// catalogNames names the part numbers a tenant does not hold (a
// rightsizing row's target, the SKU a redundant licence is part of) from
// Microsoft's catalogue; noCatalog stands in for a warehouse without the
// reference tables yet (no run has written them).
const (
	catalogNames = `catalog_names AS (
    SELECT upper(sku_part_number) AS part_key, min(product_name) AS product_name
    FROM ref_sku_catalog GROUP BY ALL
)`
	noCatalog = `catalog_names AS (SELECT NULL::VARCHAR AS part_key, NULL::VARCHAR AS product_name WHERE false)`
)

// candidatesSheet reads mart_reclamation_candidates. Per row, the signals
// of its evidence (the six workloads of the Office 365 usage report that
// the SKU carries, and each object under "signals": copilot, apps,
// powerbi, signin or one added later) give the latest activity and their
// sources (sql/transform/50_stg_candidates.sql writes the evidence).
//
//	reason_text: the first reason in words ("Never used").
//	signal: what the data shows, by reason:
//	  inactive    "Idle 120 days (rule: 90): last Copilot use 2026-08-01"
//	  never_used  "No activity in the Copilot usage report since the
//	              licence was assigned on 2025-01-01"
//	  redundant   "Included in Microsoft 365 E5, which the user also holds"
//	  others      "Last Teams use 2026-08-22", "No activity in …", "Not in
//	              the Office 365 usage report" or "No usage signal for this
//	              product"
const candidatesSheet = `parsed AS (
    -- The evidence parsed once per row (each json_extract would parse it
    -- again); a signal's date is its last_activity, or its last_sign_in.
    SELECT *, from_json(evidence, '{"rule": "VARCHAR", "workloads": ["VARCHAR"], "last_activity": "MAP(VARCHAR, VARCHAR)",
        "signals": "MAP(VARCHAR, STRUCT(last_activity VARCHAR, last_sign_in VARCHAR))",
        "threshold": "VARCHAR", "inactivity_days": "VARCHAR", "grace_days": "VARCHAR", "report_date": "VARCHAR",
        "assigned_at": "VARCHAR", "redundant_with": "VARCHAR", "in_report": "BOOLEAN",
        "account_enabled": "BOOLEAN", "user_type": "VARCHAR"}') AS e
    FROM mart_reclamation_candidates
), signals AS (
    -- Each row's signals as a list, worked on with list functions rather
    -- than unnested and grouped (a third of the time at 24k candidates):
    -- the usage report's workloads the SKU carries (absent: the user is
    -- not in that report) and each object under "signals". ord orders the
    -- words: the six workloads, then copilot, apps, powerbi, signin, then
    -- any other by name.
    SELECT *, list_transform(
            list_transform(list_filter(coalesce(e.workloads, []),
                    k -> k IN ('Exchange', 'OneDrive', 'SharePoint', 'Teams', 'Yammer', 'Skype')),
                k -> {'key': k, 'day': TRY_CAST(e.last_activity[k] AS DATE), 'absent': coalesce(e.in_report IS false, false)})
            || list_transform(list_filter(coalesce(map_entries(e.signals), []), s -> s.value IS NOT NULL),
                s -> {'key': s.key, 'day': TRY_CAST(coalesce(s.value.last_activity, s.value.last_sign_in) AS DATE), 'absent': false}),
            x -> {'undated': x.day IS NULL, 'age': date_diff('day', x.day, DATE '9999-12-31'),
                  'ord': CASE x.key WHEN 'Exchange' THEN 1 WHEN 'OneDrive' THEN 2 WHEN 'SharePoint' THEN 3 WHEN 'Teams' THEN 4
                      WHEN 'Yammer' THEN 5 WHEN 'Skype' THEN 6 WHEN 'copilot' THEN 7 WHEN 'apps' THEN 8
                      WHEN 'powerbi' THEN 9 WHEN 'signin' THEN 10 ELSE 11 END,
                  'key': x.key, 'day': x.day, 'absent': x.absent}) AS sl
    FROM parsed
), activity AS (
    -- The latest activity (ties go to the first signal in ord), the
    -- sources of the signals the user is in, and whether the user is
    -- absent from the usage report; all NULL without a signal.
    SELECT * EXCLUDE (sl),
        list_max(list_transform(sl, x -> x.day)) AS last_day,
        list_sort(sl)[1] AS latest,
        list_transform(list_sort(list_transform(list_filter(sl, x -> NOT x.absent), x -> {'ord': x.ord, 'key': x.key})),
            x -> CASE WHEN x.ord <= 6 THEN 'the Office 365 usage report' WHEN x.key = 'copilot' THEN 'the Copilot usage report'
                WHEN x.key = 'apps' THEN 'the Microsoft 365 Apps usage report' WHEN x.key = 'powerbi' THEN 'the Power BI sign-in logs'
                WHEN x.key = 'signin' THEN 'the Entra sign-in activity' ELSE 'the ' || x.key || ' signal' END) AS sources,
        CASE WHEN len(sl) > 0 THEN list_bool_or(list_transform(sl, x -> x.absent)) END AS absent
    FROM signals
), facts AS (
    SELECT p.* EXCLUDE (latest, sources, absent),
        CASE WHEN p.latest.ord <= 6 THEN p.latest.key || ' use' WHEN p.latest.key = 'copilot' THEN 'Copilot use'
            WHEN p.latest.key = 'apps' THEN 'Microsoft 365 Apps use' WHEN p.latest.key = 'powerbi' THEN 'Power BI sign-in'
            WHEN p.latest.key = 'signin' THEN 'Entra sign-in' ELSE p.latest.key || ' activity' END AS last_activity,
        nullif(array_to_string(list_filter(p.sources, (x, i) -> list_position(p.sources, x) = i), ' or '), '') AS sources,
        CASE WHEN p.absent THEN 'not in the Office 365 usage report' END AS absent,
        coalesce(n.product_name, p.sku_part_number) AS product_name,
        coalesce(wp.product_name, wc.product_name, p.e.redundant_with) AS redundant_with
    FROM activity p
    LEFT JOIN sku_names n ON n.tenant = p.tenant AND n.sku_key = lower(p.sku_id)
    LEFT JOIN part_names wp ON wp.tenant = p.tenant AND wp.part_key = upper(p.e.redundant_with)
    LEFT JOIN catalog_names wc ON wc.part_key = upper(p.e.redundant_with)
)
SELECT display_name, user_principal_name, department, product_name,
    CASE reason WHEN 'disabled_account' THEN 'Account disabled' WHEN 'guest_licensed' THEN 'Guest with a paid licence'
        WHEN 'redundant' THEN 'Redundant' WHEN 'never_used' THEN 'Never used' WHEN 'inactive' THEN 'Inactive'
        ELSE reason END AS reason_text,
    CASE reason
        WHEN 'inactive' THEN 'Idle' || coalesce(' ' || idle_days || ' days', '')
            || coalesce(' (rule: ' || coalesce(e.threshold, e.inactivity_days) || ')', '') || ': '
            || coalesce('last ' || last_activity || ' ' || last_day, 'no activity in ' || sources, 'no activity seen')
        WHEN 'never_used' THEN 'No activity in ' || coalesce(sources, 'any usage signal')
            || ' since the licence was assigned' || coalesce(' on ' || left(e.assigned_at, 10), '')
        WHEN 'redundant' THEN 'Included in ' || coalesce(redundant_with || ', which the user also holds', 'another licence the user holds')
        ELSE coalesce('Last ' || last_activity || ' ' || last_day,
            'No activity in ' || sources || coalesce('; ' || absent, ''),
            upper(left(absent, 1)) || substr(absent, 2), 'No usage signal for this product')
    END AS signal,
    idle_days, annual_savings, reducible_from, tenant, last_activity_date, currency, cost_center, as_of,
    user_id, sku_id, sku_part_number, reason, reasons, action, assigned_direct, assigned_by_groups,
    -- The evidence as its readable fields, typed here from the one parse
    -- above (reports shows a column "evidence.<path>" under the header of
    -- that field of the evidence), rather than the JSON parsed again in Go
    -- for every row: a quarter of a second a night at 24k candidates.
    e.rule AS "evidence.rule", TRY_CAST(e.threshold AS BIGINT) AS "evidence.threshold",
    TRY_CAST(e.inactivity_days AS BIGINT) AS "evidence.inactivity_days",
    TRY_CAST(e.grace_days AS BIGINT) AS "evidence.grace_days", TRY_CAST(e.report_date AS DATE) AS "evidence.report_date",
    e.in_report AS "evidence.in_report",
    TRY_CAST(e.last_activity['Exchange'] AS DATE) AS "evidence.last_activity.Exchange",
    TRY_CAST(e.last_activity['OneDrive'] AS DATE) AS "evidence.last_activity.OneDrive",
    TRY_CAST(e.last_activity['SharePoint'] AS DATE) AS "evidence.last_activity.SharePoint",
    TRY_CAST(e.last_activity['Teams'] AS DATE) AS "evidence.last_activity.Teams",
    TRY_CAST(e.last_activity['Yammer'] AS DATE) AS "evidence.last_activity.Yammer",
    TRY_CAST(e.last_activity['Skype'] AS DATE) AS "evidence.last_activity.Skype",
    TRY_CAST(e.signals['copilot'].last_activity AS DATE) AS "evidence.signals.copilot.last_activity",
    TRY_CAST(e.signals['apps'].last_activity AS DATE) AS "evidence.signals.apps.last_activity",
    TRY_CAST(e.signals['powerbi'].last_sign_in AS DATE) AS "evidence.signals.powerbi.last_sign_in",
    TRY_CAST(e.signals['signin'].last_sign_in AS DATE) AS "evidence.signals.signin.last_sign_in",
    CAST(to_json(e.workloads) AS VARCHAR) AS "evidence.workloads",
    TRY_CAST(e.assigned_at AS TIMESTAMPTZ) AS "evidence.assigned_at", e.redundant_with AS "evidence.redundant_with",
    e.account_enabled AS "evidence.account_enabled", e.user_type AS "evidence.user_type",
    COLUMNS(* EXCLUDE (display_name, user_principal_name, department, product_name, idle_days, annual_savings,
        reducible_from, tenant, last_activity_date, currency, cost_center, as_of, user_id, sku_id, sku_part_number,
        reason, reasons, action, assigned_direct, assigned_by_groups, evidence,
        e, last_day, last_activity, sources, absent, redundant_with))
FROM facts`

// rightsizingSheet reads mart_rightsizing: the product and what it could
// become ("No licence" when to_sku is empty), the rule in words and what
// its reports show ("Shared mailbox using 12.3 GB of 50 GB, no archive:
// needs no licence"); e5_extras_unused and a rule without words of its
// own show their evidence's why. 53687091200 bytes is the 50 GB mailbox
// limit of Office 365 E1 (sql/transform's mailbox_limit_bytes).
const rightsizingSheet = `facts AS (
    SELECT r.*,
        coalesce(n.product_name, r.from_sku) AS product_name,
        CASE WHEN r.to_sku IS NULL THEN 'No licence' ELSE coalesce(tp.product_name, tc.product_name, r.to_sku) END AS to_product_name,
        TRY_CAST(r.evidence->>'$.storage_used_bytes' AS DOUBLE) AS storage_bytes,
        TRY_CAST(r.evidence->>'$.limit_bytes' AS DOUBLE) AS limit_bytes,
        TRY_CAST(r.evidence->>'$.mailbox_storage_used_bytes' AS DOUBLE) AS mailbox_bytes,
        r.evidence->>'$.why' AS why
    FROM mart_rightsizing r
    LEFT JOIN sku_names n ON n.tenant = r.tenant AND n.sku_key = lower(r.from_sku_id)
    LEFT JOIN part_names tp ON tp.tenant = r.tenant AND tp.part_key = upper(r.to_sku)
    LEFT JOIN catalog_names tc ON tc.part_key = upper(r.to_sku)
)
SELECT display_name, user_principal_name, department, product_name, to_product_name,
    CASE rule WHEN 'shared_mailbox' THEN 'Shared mailbox' WHEN 'no_desktop_apps' THEN 'No desktop Office apps'
        WHEN 'e5_extras_unused' THEN 'E5 extras unused' ELSE rule END AS rule_text,
    CASE rule
        WHEN 'shared_mailbox' THEN 'Shared mailbox' || coalesce(' using ' || printf('%.1f GB', storage_bytes / 1073741824), '')
            || coalesce(' of ' || printf('%.0f GB', limit_bytes / 1073741824), '') || ', no archive: needs no licence'
        WHEN 'no_desktop_apps' THEN 'No desktop Office use (Windows or Mac) in 180 days, no activation'
            || CASE WHEN mailbox_bytes IS NULL THEN '; mailbox size unknown'
                WHEN mailbox_bytes > 53687091200 THEN '; mailbox ' || printf('%.1f GB', mailbox_bytes / 1073741824) || ', over the 50 GB of ' || to_product_name
                ELSE '; mailbox ' || printf('%.1f GB', mailbox_bytes / 1073741824) || ', within the 50 GB of ' || to_product_name END
            || CASE WHEN upper(from_sku) = 'SPE_E3' THEN '; Windows Enterprise and EMS use is not visible per user' ELSE '' END
        WHEN 'e5_extras_unused' THEN coalesce(upper(left(why, 1)) || substr(why, 2), 'No Power BI sign-in')
            || coalesce('; last Power BI sign-in ' || (evidence->>'$.powerbi_last_sign_in'), '')
        ELSE coalesce(upper(left(why, 1)) || substr(why, 2), rule)
    END AS signal,
    confidence, annual_saving, reducible_from, tenant, currency, cost_center, as_of,
    user_id, from_sku_id, from_sku, to_sku, rule, evidence,
    COLUMNS(* EXCLUDE (display_name, user_principal_name, department, product_name, to_product_name, confidence,
        annual_saving, reducible_from, tenant, currency, cost_center, as_of, user_id, from_sku_id, from_sku, to_sku,
        rule, evidence, storage_bytes, limit_bytes, mailbox_bytes, why))
FROM facts`

// sheetSelect is the query of a sheet of sheetSelects: the product-name
// CTEs, then the sheet's own.
func (w *Warehouse) sheetSelect(ctx context.Context, sheet string) (string, error) {
	catalog := catalogNames
	ok, err := w.has(ctx, "ref_sku_catalog", "")
	if err != nil {
		return "", err
	}
	if !ok {
		catalog = noCatalog
	}
	return "WITH " + productNames + ", " + catalog + ", " + sheet, nil
}
