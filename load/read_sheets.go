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
const candidatesSheet = `signal_words(key, ord, activity, source) AS (VALUES
    ('Exchange', 1, 'Exchange use', 'the Office 365 usage report'),
    ('OneDrive', 2, 'OneDrive use', 'the Office 365 usage report'),
    ('SharePoint', 3, 'SharePoint use', 'the Office 365 usage report'),
    ('Teams', 4, 'Teams use', 'the Office 365 usage report'),
    ('Yammer', 5, 'Yammer use', 'the Office 365 usage report'),
    ('Skype', 6, 'Skype use', 'the Office 365 usage report'),
    ('copilot', 7, 'Copilot use', 'the Copilot usage report'),
    ('apps', 8, 'Microsoft 365 Apps use', 'the Microsoft 365 Apps usage report'),
    ('powerbi', 9, 'Power BI sign-in', 'the Power BI sign-in logs'),
    ('signin', 10, 'Entra sign-in', 'the Entra sign-in activity')
), parsed AS (
    -- The evidence parsed once per row (each json_extract would parse it
    -- again); a signal's date is its last_activity, or its last_sign_in.
    SELECT *, from_json(evidence, '{"workloads": ["VARCHAR"], "last_activity": "MAP(VARCHAR, VARCHAR)",
        "signals": "MAP(VARCHAR, STRUCT(last_activity VARCHAR, last_sign_in VARCHAR))",
        "threshold": "VARCHAR", "inactivity_days": "VARCHAR", "assigned_at": "VARCHAR",
        "redundant_with": "VARCHAR", "in_report": "BOOLEAN"}') AS e
    FROM mart_reclamation_candidates
), signals AS (
    -- absent: a workload of the usage report that the user is not in.
    SELECT tenant, user_id, sku_id, k AS key, e.last_activity[k] AS day, e.in_report IS false AS absent
    FROM parsed, unnest(e.workloads) t(k)
    WHERE k IN ('Exchange', 'OneDrive', 'SharePoint', 'Teams', 'Yammer', 'Skype')
    UNION ALL
    SELECT tenant, user_id, sku_id, s.key, coalesce(s.value.last_activity, s.value.last_sign_in), false
    FROM parsed, unnest(map_entries(e.signals)) t(s)
    WHERE s.value IS NOT NULL
), activity AS (
    -- One row per candidate with a signal: the latest activity (ties go to
    -- the first signal in signal_words' order), the sources of the
    -- signals it has and whether it is absent from the usage report.
    SELECT s.tenant, s.user_id, s.sku_id, max(TRY_CAST(s.day AS DATE)) AS last_day,
        first(coalesce(w.activity, s.key || ' activity')
            ORDER BY TRY_CAST(s.day AS DATE) DESC NULLS LAST, w.ord NULLS LAST, s.key) AS last_activity,
        list(coalesce(w.source, 'the ' || s.key || ' signal') ORDER BY w.ord NULLS LAST, s.key)
            FILTER (WHERE NOT s.absent) AS sources,
        bool_or(s.absent) AS absent
    FROM signals s
    LEFT JOIN signal_words w USING (key)
    GROUP BY ALL
), facts AS (
    SELECT p.*, a.last_day, a.last_activity,
        nullif(array_to_string(list_filter(a.sources, (x, i) -> list_position(a.sources, x) = i), ' or '), '') AS sources,
        CASE WHEN a.absent THEN 'not in the Office 365 usage report' END AS absent,
        coalesce(n.product_name, p.sku_part_number) AS product_name,
        coalesce(wp.product_name, wc.product_name, p.e.redundant_with) AS redundant_with
    FROM parsed p
    LEFT JOIN activity a USING (tenant, user_id, sku_id)
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
    user_id, sku_id, sku_part_number, reason, reasons, action, assigned_direct, assigned_by_groups, evidence,
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
