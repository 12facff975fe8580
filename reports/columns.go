package reports

import (
	"slices"
	"strings"
)

// Column describes one column of a sheet.
type Column struct {
	// Name is the source column the cell comes from (a mart column name).
	Name string
	// Header is the header cell and so the Excel table column name:
	// unique within the sheet (case-insensitively) and not empty.
	Header string
	Format Format
	Width  float64 // characters; 0 = wide enough for the header and format
	// Field, when set, shows one field of the JSON object held by source
	// column Name (a dotted path such as "last_activity.Teams") instead of
	// the raw JSON. Several columns may read fields of one source column.
	Field string
	// Hidden hides the column (it stays in the table and in the data).
	Hidden bool
}

// ColumnsFor chooses a header, format and width for each mart column by
// its name: money for costs, prices and savings, dates for as_of, *_date,
// reducible_from, created_at and next_lifecycle_at, date-times for other
// *_at columns, integers for units and days, and so on. A column named
// "evidence" (a JSON object, as in mart_reclamation_candidates) becomes
// readable columns: rule, thresholds, last activity per workload, report
// date, assigned at and the rest.
//
// A column named "evidence.<field>" holds one field of a candidate's
// evidence already read out (the sheet's query did it, typed, instead of
// passing the JSON): it gets that field's header and format.
func ColumnsFor(names []string) []Column {
	cols := make([]Column, 0, len(names))
	for _, n := range names {
		if field, ok := strings.CutPrefix(n, evidencePrefix); ok {
			if i := slices.IndexFunc(evidenceFields, func(e evidenceField) bool { return e.field == field }); i >= 0 {
				c := evidenceOf(n, evidenceFields[i:i+1])[0]
				c.Field = ""
				cols = append(cols, c)
				continue
			}
		}
		if n == "evidence" {
			cols = append(cols, evidenceColumns(n)...)
			continue
		}
		f := formatFor(n)
		cols = append(cols, Column{Name: n, Header: headerFor(n), Format: f, Width: widthFor(n, f)})
	}
	return cols
}

// evidencePrefix starts the name of a column holding one field of a
// candidate's evidence, read out by the sheet's query.
const evidencePrefix = "evidence."

// evidenceField is one readable column of a mart's evidence JSON.
type evidenceField struct {
	field, header string
	format        Format
}

// evidenceFields are the readable columns of a candidate's evidence, in
// the order people read them (see sql/marts/30_mart_reclamation_candidates.sql).
var evidenceFields = []evidenceField{
	{"rule", "Rule", Text},
	{"threshold", "Threshold (days)", Integer},
	{"inactivity_days", "Inactivity rule (days)", Integer},
	{"grace_days", "Grace (days)", Integer},
	{"report_date", "Report date", Date},
	{"in_report", "In usage report", Bool},
	{"last_activity.Exchange", "Exchange last active", Date},
	{"last_activity.OneDrive", "OneDrive last active", Date},
	{"last_activity.SharePoint", "SharePoint last active", Date},
	{"last_activity.Teams", "Teams last active", Date},
	{"last_activity.Yammer", "Yammer last active", Date},
	{"last_activity.Skype", "Skype last active", Date},
	{"signals.copilot.last_activity", "Copilot last active", Date},
	{"signals.apps.last_activity", "Apps last active", Date},
	{"signals.powerbi.last_sign_in", "Power BI last sign-in", Date},
	{"signals.signin.last_sign_in", "Entra last sign-in", Date},
	{"workloads", "Workloads", Text},
	{"assigned_at", "Assigned at", DateTime},
	{"redundant_with", "Redundant with", Text},
	{"account_enabled", "Account enabled", Bool},
	{"user_type", "User type", Text},
}

// rightsizingEvidence are the readable columns of a rightsizing row's
// evidence (sql/marts/35_mart_rightsizing.sql): why, then the facts of the
// rule that fired (the others stay blank).
var rightsizingEvidence = []evidenceField{
	{"why", "Why", Text},
	{"recipient_type", "Recipient type", Text},
	{"storage_used_bytes", "Mailbox storage (bytes)", Integer},
	{"has_archive", "Archive", Bool},
	{"report_date", "Mailbox report date", Date},
	{"apps_last_activity", "Apps last active", Date},
	{"apps_report_date", "Apps report date", Date},
	{"mailbox_storage_used_bytes", "Mailbox size (bytes)", Integer},
}

func evidenceColumns(name string) []Column { return evidenceOf(name, evidenceFields) }

func evidenceOf(name string, fields []evidenceField) []Column {
	cols := make([]Column, len(fields))
	for i, e := range fields {
		w := max(width[e.format], float64(len(e.header))+3)
		cols[i] = Column{Name: name, Field: e.field, Header: e.header, Format: e.format, Width: w}
	}
	return cols
}

func formatFor(name string) Format {
	switch {
	case strings.HasSuffix(name, "_cost"), strings.HasSuffix(name, "_savings"),
		strings.HasSuffix(name, "_saving"), strings.HasPrefix(name, "unit_price"), strings.HasSuffix(name, "_amount"):
		return Money
	case name == "as_of", strings.HasSuffix(name, "_date"), name == "reducible_from",
		name == "created_at", name == "next_lifecycle_at":
		return Date
	case strings.HasSuffix(name, "_at"):
		return DateTime
	case strings.HasSuffix(name, "_units"), strings.HasSuffix(name, "_days"),
		strings.HasSuffix(name, "_licenses"), name == "days_to_renewal", name == "users", name == "count":
		return Integer
	case strings.HasSuffix(name, "_pct"), strings.HasSuffix(name, "_ratio"), name == "utilization":
		return Percent
	case strings.HasPrefix(name, "is_"), strings.HasPrefix(name, "has_"), strings.HasPrefix(name, "in_"),
		name == "account_enabled", name == "assigned_direct", name == "excluded", name == "ignored",
		name == "on_premises_sync_enabled":
		return Bool
	}
	return Text
}

func widthFor(name string, f Format) float64 {
	w := width[f]
	switch name {
	case "user_principal_name", "product_name", "to_product_name", "display_name", "workloads", "reasons":
		w = 34
	case "reason_text", "rule_text":
		w = 26
	case "detail", "exclusion_reason", "error_message", "on_premises_distinguished_name":
		w = 60
	case "signal":
		w = 80
	case "user_id", "target_id", "sku_id", "subscription_id", "commerce_subscription_id", "subject", "assigned_by_groups":
		w = 38
	}
	// Room for the header and the table's filter button.
	return max(w, float64(len(headerFor(name)))+3)
}

// headerFor turns a snake_case column name into a header people read:
// "unused_annual_cost" -> "Unused annual cost", "sku_id" -> "SKU id".
func headerFor(name string) string {
	if name == "" {
		return ""
	}
	words := strings.Split(name, "_")
	for i, w := range words {
		switch w {
		case "sku", "upn":
			words[i] = strings.ToUpper(w)
		}
	}
	h := strings.Join(words, " ")
	return strings.ToUpper(h[:1]) + h[1:]
}
