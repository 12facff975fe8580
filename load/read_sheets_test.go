package load_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// sheetInventory is contoso's inventory for the sheet tests: the products
// its rows are named by. It holds no STANDARDPACK or EXCHANGEENTERPRISE:
// those take Microsoft's catalogue names.
const sheetInventory = `INSERT INTO mart_license_inventory (tenant, sku_id, sku_part_number, product_name)
VALUES ('contoso', '05e9a617-0261-4cee-bb44-138d3ef5d965', 'SPE_E3', 'Microsoft 365 E3'),
    ('contoso', '06ebc4ee-1bb5-47dd-8120-11324bc54e06', 'SPE_E5', 'Microsoft 365 E5'),
    ('contoso', '6fd2c87f-b296-42f0-b197-1e91e994b900', 'ENTERPRISEPACK', 'Office 365 E3')`

// sheetRows reads a sheet through ScanMart: per user id, the values of
// the named columns, after checking that the sheet starts with first.
func sheetRows(t *testing.T, w *load.Warehouse, mart string, first, cols []string) map[string][]any {
	t.Helper()
	ctx := context.Background()
	shape, err := w.MartShape(ctx, mart)
	if err != nil {
		t.Fatal(err)
	}
	if got := shape.Columns[:len(first)]; !slices.Equal(got, first) {
		t.Errorf("%s: first columns: got %v, want %v", mart, got, first)
	}
	index := func(name string) int {
		i := slices.Index(shape.Columns, name)
		if i < 0 {
			t.Fatalf("%s: no column %s in %v", mart, name, shape.Columns)
		}
		return i
	}
	user := index("user_id")
	out := map[string][]any{}
	err = w.ScanMart(ctx, mart, func(vals []any) error {
		var row []any
		for _, c := range cols {
			row = append(row, vals[index(c)])
		}
		out[vals[user].(string)] = row
		return nil
	})
	if err != nil || len(out) != shape.Rows {
		t.Fatalf("ScanMart %s: %d rows, %v; want %d", mart, len(out), err, shape.Rows)
	}
	return out
}

// TestCandidatesSheetWords pins the words of the Candidates sheet: each
// reason, each signal (the six workloads of the usage report, Copilot,
// Apps, Power BI and Entra sign-ins, one added later, in the evidence's
// shape of sql/transform/50_stg_candidates.sql), ties, workloads the SKU
// does not carry, a user absent from the usage report, and missing values.
func TestCandidatesSheetWords(t *testing.T) {
	tests := []struct {
		name, sku, reason string
		idle              any // idle_days; nil: NULL
		evidence          string
		product, words    string // product_name, reason_text
		signal            string
	}{
		{"inactive by Copilot", "SPE_E3", "inactive", 120,
			`{"threshold":90,"inactivity_days":90,"workloads":["Copilot"],"last_activity":{"Exchange":"2026-11-01"},
			"signals":{"copilot":{"last_activity":"2026-08-01","report_date":"2026-11-28"},"apps":null}}`,
			"Microsoft 365 E3", "Inactive", "Idle 120 days (rule: 90): last Copilot use 2026-08-01"},
		{"inactive, a tie goes to the first workload", "SPE_E3", "inactive", 100,
			`{"threshold":90,"workloads":["Teams","Exchange"],
			"last_activity":{"Exchange":"2026-08-21","OneDrive":"2026-11-01","Teams":"2026-08-21","Skype":null}}`,
			"Microsoft 365 E3", "Inactive", "Idle 100 days (rule: 90): last Exchange use 2026-08-21"},
		{"inactive by Apps", "SPE_E3", "inactive", 95,
			`{"threshold":90,"workloads":["Exchange","Apps"],"last_activity":{"Exchange":"2026-07-01"},
			"signals":{"copilot":null,"apps":{"last_activity":"2026-08-26"}}}`,
			"Microsoft 365 E3", "Inactive", "Idle 95 days (rule: 90): last Microsoft 365 Apps use 2026-08-26"},
		{"inactive by Power BI sign-ins", "SPE_E5", "inactive", 91,
			`{"threshold":90,"workloads":["PowerBI"],"signals":{"copilot":null,"apps":null,
			"powerbi":{"last_sign_in":"2026-08-30","window_from":"2026-06-01","window_days":185},"signin":null}}`,
			"Microsoft 365 E5", "Inactive", "Idle 91 days (rule: 90): last Power BI sign-in 2026-08-30"},
		{"inactive by Entra sign-ins", "SPE_E5", "inactive", 200,
			`{"inactivity_days":90,"workloads":["SignIn"],"signals":{"signin":{"last_sign_in":"2026-05-12",
			"last_successful":"2026-05-12","last_interactive":"2026-05-11","last_non_interactive":null}}}`,
			"Microsoft 365 E5", "Inactive", "Idle 200 days (rule: 90): last Entra sign-in 2026-05-12"},
		{"inactive without a sign-in in the window", "SPE_E5", "inactive", 45,
			`{"threshold":30,"signals":{"powerbi":{"last_sign_in":null,"window_from":"2026-10-20","window_days":45}}}`,
			"Microsoft 365 E5", "Inactive", "Idle 45 days (rule: 30): no activity in the Power BI sign-in logs"},
		{"inactive by a signal added later", "SPE_E5", "inactive", 99,
			`{"threshold":90,"signals":{"viva":{"last_activity":"2026-08-22"}}}`,
			"Microsoft 365 E5", "Inactive", "Idle 99 days (rule: 90): last viva activity 2026-08-22"},
		{"inactive, nothing known", "SPE_E5", "inactive", nil, `{}`,
			"Microsoft 365 E5", "Inactive", "Idle: no activity seen"},
		{"never used in two reports", "SPE_E3", "never_used", nil,
			`{"threshold":30,"workloads":["Apps","Exchange","Teams"],"last_activity":{"Exchange":null,"Teams":null},
			"assigned_at":"2025-01-01T10:00:00Z","signals":{"copilot":null,"apps":{"last_activity":null}}}`,
			"Microsoft 365 E3",
			"Never used", "No activity in the Office 365 usage report or the Microsoft 365 Apps usage report since the licence was assigned on 2025-01-01"},
		{"never used Copilot", "SPE_E3", "never_used", nil,
			`{"workloads":["Copilot"],"assigned_at":"2026-03-25T00:55:28Z","signals":{"copilot":{"last_activity":null}}}`,
			"Microsoft 365 E3", "Never used", "No activity in the Copilot usage report since the licence was assigned on 2026-03-25"},
		{"never used, no assignment date", "SPE_E3", "never_used", nil, `{"workloads":["SharePoint"]}`,
			"Microsoft 365 E3", "Never used", "No activity in the Office 365 usage report since the licence was assigned"},
		{"disabled account with activity", "ENTERPRISEPACK", "disabled_account", 104,
			`{"workloads":["Teams","Yammer"],"last_activity":{"Teams":"2026-08-22","Yammer":"2026-01-02"}}`,
			"Office 365 E3", "Account disabled", "Last Teams use 2026-08-22"},
		{"disabled account, no signal", "VISIOCLIENT", "disabled_account", nil, `{"workloads":[]}`,
			"VISIOCLIENT", "Account disabled", "No usage signal for this product"},
		{"disabled account, not in the usage report", "ENTERPRISEPACK", "disabled_account", nil,
			`{"workloads":["Exchange","Teams"],"in_report":false,"last_activity":{"Exchange":null,"Teams":null}}`,
			"Office 365 E3", "Account disabled", "Not in the Office 365 usage report"},
		{"guest, no Copilot use, not in the usage report", "SPE_E3", "guest_licensed", nil,
			`{"workloads":["Copilot","Exchange"],"in_report":false,"signals":{"copilot":{"last_activity":null}}}`,
			"Microsoft 365 E3", "Guest with a paid licence", "No activity in the Copilot usage report; not in the Office 365 usage report"},
		{"guest without activity", "ENTERPRISEPACK", "guest_licensed", nil,
			`{"workloads":["OneDrive","Skype"],"in_report":true,"last_activity":{"OneDrive":null,"Skype":null}}`,
			"Office 365 E3", "Guest with a paid licence", "No activity in the Office 365 usage report"},
		{"redundant with a SKU the tenant holds", "SPE_E3", "redundant", 2, `{"redundant_with":"SPE_E5"}`,
			"Microsoft 365 E3", "Redundant", "Included in Microsoft 365 E5, which the user also holds"},
		{"redundant with a catalogue SKU", "SPE_E3", "redundant", nil, `{"redundant_with":"exchangeenterprise"}`,
			"Microsoft 365 E3", "Redundant", "Included in Exchange Online (Plan 2), which the user also holds"},
		{"redundant with an unknown SKU", "SPE_E3", "redundant", nil, `{"redundant_with":"CONTOSO_SPECIAL"}`,
			"Microsoft 365 E3", "Redundant", "Included in CONTOSO_SPECIAL, which the user also holds"},
		{"redundant, the other unknown", "SPE_E3", "redundant", nil, `{"redundant_with":null}`,
			"Microsoft 365 E3", "Redundant", "Included in another licence the user holds"},
		{"a reason added later", "SPE_E3", "future_reason", nil, `{"workloads":["Exchange"],"last_activity":{"Exchange":"2026-11-02"}}`,
			"Microsoft 365 E3", "future_reason", "Last Exchange use 2026-11-02"},
	}
	w, _ := mustOpen(t)
	stmts := []string{sheetInventory}
	for i, tt := range tests {
		sku := map[string]string{"SPE_E3": "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E5": "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
			"ENTERPRISEPACK": "6fd2c87f-b296-42f0-b197-1e91e994b900", "VISIOCLIENT": "c5928f49-12ba-48f7-ada3-0d743a3601d5"}[tt.sku]
		idle := "NULL"
		if tt.idle != nil {
			idle = fmt.Sprint(tt.idle)
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO mart_reclamation_candidates
			(tenant, user_id, user_principal_name, display_name, sku_id, sku_part_number, reason, reasons, idle_days, evidence)
			VALUES ('contoso', 'u%02d', 'u%02d@contoso.example', 'User %02d', '%s', '%s', '%s', ['%s'], %s, '%s')`,
			i, i, i, sku, tt.sku, tt.reason, tt.reason, idle, tt.evidence))
	}
	for _, q := range stmts {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows := sheetRows(t, w, "mart_reclamation_candidates",
		[]string{"display_name", "user_principal_name", "department", "product_name", "reason_text", "signal", "idle_days", "annual_savings"},
		[]string{"product_name", "reason_text", "signal"})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rows[fmt.Sprintf("u%02d", i)]
			if want := []any{tt.product, tt.words, tt.signal}; !slices.Equal(got, want) {
				t.Errorf("product, reason, signal:\ngot  %q\nwant %q", got, want)
			}
		})
	}
}

// TestRightsizingSheetWords pins the words of the Rightsizing sheet: each
// rule, the product it becomes (none, one the tenant holds, one from the
// catalogue), the mailbox within, over and without a size, and a rule
// without words of its own.
func TestRightsizingSheetWords(t *testing.T) {
	tests := []struct {
		name, from, to, rule, evidence string
		product, target, words, signal string
	}{
		{"shared mailbox", "SPE_E3", "", "shared_mailbox",
			`{"storage_used_bytes":2147483648,"limit_bytes":53687091200,"has_archive":false}`,
			"Microsoft 365 E3", "No licence", "Shared mailbox", "Shared mailbox using 2.0 GB of 50 GB, no archive: needs no licence"},
		{"shared mailbox, sizes unknown", "ENTERPRISEPACK", "", "shared_mailbox", `{}`,
			"Office 365 E3", "No licence", "Shared mailbox", "Shared mailbox, no archive: needs no licence"},
		{"no desktop apps, mailbox within the limit", "ENTERPRISEPACK", "STANDARDPACK", "no_desktop_apps",
			`{"mailbox_storage_used_bytes":3221225472}`, "Office 365 E3", "Office 365 E1", "No desktop Office apps",
			"No desktop Office use (Windows or Mac) in 180 days, no activation; mailbox 3.0 GB, within the 50 GB of Office 365 E1"},
		{"no desktop apps, mailbox over the limit", "ENTERPRISEPACK", "STANDARDPACK", "no_desktop_apps",
			`{"mailbox_storage_used_bytes":64424509440}`, "Office 365 E3", "Office 365 E1", "No desktop Office apps",
			"No desktop Office use (Windows or Mac) in 180 days, no activation; mailbox 60.0 GB, over the 50 GB of Office 365 E1"},
		{"no desktop apps, Microsoft 365 E3 without a mailbox size", "SPE_E3", "STANDARDPACK", "no_desktop_apps",
			`{"mailbox_storage_used_bytes":null}`, "Microsoft 365 E3", "Office 365 E1", "No desktop Office apps",
			"No desktop Office use (Windows or Mac) in 180 days, no activation; mailbox size unknown; Windows Enterprise and EMS use is not visible per user"},
		{"E5 extras unused", "SPE_E5", "SPE_E3", "e5_extras_unused",
			`{"powerbi_last_sign_in":null,"window_from":"2026-07-01","window_days":120,"inactivity_days":90,
			"why":"no Power BI sign-in in the 120 days the sign-in logs cover"}`,
			"Microsoft 365 E5", "Microsoft 365 E3", "E5 extras unused", "No Power BI sign-in in the 120 days the sign-in logs cover"},
		{"E5 extras unused, a sign-in before the window", "SPE_E5", "SPE_E3", "e5_extras_unused",
			`{"powerbi_last_sign_in":"2026-03-02","window_days":120,"why":"no Power BI sign-in in the 120 days the sign-in logs cover"}`,
			"Microsoft 365 E5", "Microsoft 365 E3", "E5 extras unused",
			"No Power BI sign-in in the 120 days the sign-in logs cover; last Power BI sign-in 2026-03-02"},
		{"a rule added later", "SPE_E5", "SPE_E3", "future_rule", `{}`,
			"Microsoft 365 E5", "Microsoft 365 E3", "future_rule", "future_rule"},
	}
	ids := map[string]string{"SPE_E3": "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E5": "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
		"ENTERPRISEPACK": "6fd2c87f-b296-42f0-b197-1e91e994b900"}
	w, _ := mustOpen(t)
	stmts := []string{sheetInventory}
	for i, tt := range tests {
		to := "NULL"
		if tt.to != "" {
			to = "'" + tt.to + "'"
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO mart_rightsizing
			(tenant, user_id, user_principal_name, display_name, from_sku, from_sku_id, to_sku, rule, evidence, confidence)
			VALUES ('contoso', 'u%02d', 'u%02d@contoso.example', 'User %02d', '%s', '%s', %s, '%s', '%s', 'review')`,
			i, i, i, tt.from, ids[tt.from], to, tt.rule, tt.evidence))
	}
	for _, q := range stmts {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows := sheetRows(t, w, "mart_rightsizing",
		[]string{"display_name", "user_principal_name", "department", "product_name", "to_product_name", "rule_text", "signal", "confidence", "annual_saving"},
		[]string{"product_name", "to_product_name", "rule_text", "signal"})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rows[fmt.Sprintf("u%02d", i)]
			if want := []any{tt.product, tt.target, tt.words, tt.signal}; !slices.Equal(got, want) {
				t.Errorf("product, to, rule, signal:\ngot  %q\nwant %q", got, want)
			}
		})
	}
}

// TestSheetsKeepTheMarts: the Candidates and Rightsizing sheets of a
// real night (and of a warehouse without the reference tables, read
// before any run wrote them) show every column of their mart once,
// after the readable ones (and, for candidates, the evidence's fields read
// out), and one row per mart row.
func TestSheetsKeepTheMarts(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	for _, tc := range []struct{ name, setup string }{
		{"with the catalogue", ""},
		{"without the catalogue", "DROP TABLE ref_sku_catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != "" {
				if _, err := w.SQLForTests().Exec(tc.setup); err != nil {
					t.Fatal(err)
				}
			}
			for mart, words := range map[string][]string{
				"mart_reclamation_candidates": {"product_name", "reason_text", "signal"},
				"mart_rightsizing":            {"product_name", "to_product_name", "rule_text", "signal"},
			} {
				cols := columnsOf(t, w, mart)
				shape, err := w.MartShape(ctx, mart)
				if err != nil {
					t.Fatal(err)
				}
				// The evidence's fields read out for the sheet ("evidence.rule",
				// …) stand for the evidence itself.
				got := slices.DeleteFunc(slices.Clone(shape.Columns), func(c string) bool { return strings.HasPrefix(c, "evidence.") })
				if len(got) < len(shape.Columns) {
					got = append(got, "evidence")
				}
				slices.Sort(got)
				want := append(slices.Clone(cols), words...)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: got columns %v, want the mart's %v and %v", mart, shape.Columns, cols, words)
				}
				n := 0
				if err := w.ScanMart(ctx, mart, func([]any) error { n++; return nil }); err != nil || n != shape.Rows {
					t.Errorf("%s: ScanMart gave %d rows, %v; want %d", mart, n, err, shape.Rows)
				}
			}
		})
	}
}

// columnsOf lists a relation's columns in order.
func columnsOf(t *testing.T, w *load.Warehouse, relation string) []string {
	t.Helper()
	rows, err := w.SQLForTests().Query("SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index", relation)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}
