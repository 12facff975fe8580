package reports_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seatledger/seatledger/reports"
)

var update = flag.Bool("update", false, "rewrite golden files")

var asOf = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func rowsOf(rows [][]any) func(func([]any) error) error {
	return func(yield func([]any) error) error {
		for _, r := range rows {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// martSheet is reports.MartSheet with rows.
func martSheet(mart string, cols []string, rows [][]any) reports.Sheet {
	s := reports.MartSheet(mart, cols)
	s.RowCount, s.Rows = len(rows), rowsOf(rows)
	return s
}

const evidenceIdle = `{"rule":"inactive","threshold":90,"inactivity_days":90,"grace_days":30,` +
	`"last_activity":{"Exchange":"2026-08-22","OneDrive":null,"SharePoint":"2026-08-01","Skype":null,"Yammer":null,"Teams":"2026-08-22"},` +
	`"workloads":["Apps","Exchange","PowerBI","SharePoint","Teams"],"report_date":"2026-11-20","in_report":true,` +
	`"assigned_at":"2025-01-01T10:00:00Z","redundant_with":null,"account_enabled":true,"user_type":"Member",` +
	`"signals":{"copilot":null,"apps":{"last_activity":"2026-08-20","report_date":"2026-11-20"},` +
	`"powerbi":{"last_sign_in":"2026-07-01","window_from":"2026-06-01","window_days":172},"signin":null}}`

const evidenceRedundant = `{"rule":"redundant","threshold":null,"inactivity_days":90,"grace_days":30,` +
	`"last_activity":{"Exchange":null,"OneDrive":null,"SharePoint":null,"Skype":null,"Yammer":null,"Teams":null},` +
	`"workloads":["Exchange"],"report_date":"2026-11-20","in_report":false,` +
	`"assigned_at":"2026-03-04T05:06:07Z","redundant_with":"SPE_E5","account_enabled":true,"user_type":"Guest"}`

const evidenceShared = `{"rule":"shared_mailbox","recipient_type":"Shared","storage_used_bytes":2147483648,` +
	`"limit_bytes":53687091200,"has_archive":false,"report_date":"2026-11-20",` +
	`"why":"a shared mailbox needs no licence up to 50 GB without an archive"}`

const evidenceNoDesktop = `{"rule":"no_desktop_apps","desktop_use_d180":false,"apps_last_activity":"2026-10-01",` +
	`"apps_report_date":"2026-11-20","apps_activated":false,"mailbox_storage_used_bytes":null,` +
	`"why":"no desktop Office in 180 days and no activation"}`

// marts is a small workbook of every mart, two tenants and two currencies.
func marts() reports.Workbook {
	day := asOf
	return reports.Workbook{
		Summary: &reports.Summary{
			AsOf: day, Tenants: []string{"contoso", "fabrikam"},
			KPIs: []reports.KPI{
				{Tenant: "contoso", Currency: "USD", SeatsPurchased: 124, SeatsConsumed: 110, SeatsUnused: 14, IdleLicences: 9,
					UnusedAnnualCost: 6552, ReassignableNow: 1404, ReducibleAtRenewal: 2808},
				{Tenant: "contoso", Currency: "", SeatsPurchased: 20, SeatsConsumed: 25},
				{Tenant: "fabrikam", Currency: "EUR", SeatsPurchased: 50, SeatsConsumed: 45, SeatsUnused: 5, IdleLicences: 2,
					UnusedAnnualCost: 2106, ReassignableNow: 842.4},
				{Tenant: "fabrikam", Currency: "USD", SeatsPurchased: 10, SeatsConsumed: 10, IdleLicences: 1, ReducibleAtRenewal: 468},
			},
			Utilisation: []reports.SKUUsage{
				{SKU: "POWER_BI_PRO", Purchased: 20, Consumed: 25, Idle: 3},
				{SKU: "SPE_E3", Purchased: 184, Consumed: 165, Idle: 12},
			},
			IdleCost: []reports.SKUCost{
				{SKU: "SPE_E3", Currency: "USD", AnnualCost: 9360},
				{SKU: "SPE_E3", Currency: "EUR", AnnualCost: 2948.4},
				{SKU: "EXCHANGESTANDARD", Currency: "USD", AnnualCost: 48},
			},
			Trend: []reports.TrendPoint{
				{Date: day, Purchased: 204, Consumed: 190, Idle: 15},
				{Date: day.AddDate(0, 0, -1), Purchased: 200, Consumed: 180, Idle: 16},
			},
		},
		Sheets: []reports.Sheet{
			martSheet("mart_license_inventory", []string{"tenant", "as_of", "sku_part_number", "product_name",
				"active_units", "consumed_units", "unused_units", "currency", "unit_price_annual", "annual_cost"}, [][]any{
				{"contoso", day, "SPE_E3", "Microsoft 365 E3", int64(124), int64(110), int64(14), "USD", 468.0, 58032.0},
				{"contoso", day, "POWER_BI_PRO", "Power BI Pro", int64(20), int64(25), int64(0), nil, nil, nil},
				{"fabrikam", day, "SPE_E3", "Microsoft 365 E3", int64(50), int64(45), int64(5), "EUR", 421.2, 21060.0},
			}),
			// As load reads it: the readable columns first, codes right.
			martSheet("mart_reclamation_candidates", []string{"display_name", "user_principal_name", "department",
				"product_name", "reason_text", "signal", "idle_days", "annual_savings", "reducible_from", "tenant", "currency",
				"user_id", "sku_part_number", "reason", "reasons", "evidence"}, [][]any{
				{"Bob Lee", "bob@contoso.example", "Sales", "Microsoft 365 E3", "Inactive",
					"Idle 90 days (rule: 90): last Exchange use 2026-08-22", int64(90), 468.0, day.AddDate(0, 0, 25), "contoso", "USD",
					"u2", "SPE_E3", "inactive", []any{"inactive"}, evidenceIdle},
				{"Eve Ng", "eve@fabrikam.example", nil, "Exchange Online (Plan 1)", "Redundant",
					"Included in Microsoft 365 E5, which the user also holds", nil, 44.0, day, "fabrikam", "EUR",
					"u7", "EXCHANGESTANDARD", "redundant", []any{"redundant", "never_used"}, evidenceRedundant},
			}),
			martSheet("mart_rightsizing", []string{"display_name", "user_principal_name", "department", "product_name",
				"to_product_name", "rule_text", "signal", "confidence", "annual_saving", "tenant", "currency", "user_id",
				"from_sku", "to_sku", "rule", "evidence"}, [][]any{
				{"Shared Desk", "desk@contoso.example", nil, "Microsoft 365 E3", "No licence", "Shared mailbox",
					"Shared mailbox using 2.0 GB of 50 GB, no archive: needs no licence", "safe", 468.0, "contoso", "USD",
					"u3", "SPE_E3", nil, "shared_mailbox", evidenceShared},
				{"Bob Lee", "bob@contoso.example", "Sales", "Office 365 E3", "Office 365 E1", "No desktop Office apps",
					"No desktop Office use (Windows or Mac) in 180 days, no activation; mailbox size unknown", "review", 156.0,
					"contoso", "USD", "u2", "ENTERPRISEPACK", "STANDARDPACK", "no_desktop_apps", evidenceNoDesktop},
			}),
			martSheet("mart_spend", []string{"tenant", "as_of", "sku_part_number", "department", "cost_center",
				"currency", "assigned_units", "annual_cost"}, [][]any{
				{"contoso", day, "SPE_E3", "Sales", "CC-100", "USD", int64(60), 28080.0},
				{"contoso", day, "SPE_E3", "Finance", "CC-200", "USD", int64(50), 23400.0},
				{"contoso", day, "EXCHANGEENTERPRISE", "Sales", "CC-101", "USD", int64(1), nil},
				{"fabrikam", day, "SPE_E3", nil, nil, "EUR", int64(45), 18954.0},
			}),
			martSheet("mart_renewals", []string{"tenant", "subscription_id", "sku_part_number", "status", "is_trial",
				"total_licenses", "created_at", "next_lifecycle_at", "days_to_renewal", "annual_cost", "currency"}, [][]any{
				{"contoso", "s1", "SPE_E3", "Enabled", false, int64(124), day.AddDate(-2, 0, 0), day.AddDate(0, 0, 25), int64(25), 58032.0, "USD"},
				{"contoso", "s2", "SPE_E5", "Suspended", false, int64(5), day.AddDate(-1, 0, 0), day.AddDate(0, 0, 75), int64(75), 3600.0, "USD"},
				{"fabrikam", "s3", "SPE_E3", "Enabled", true, int64(50), day.AddDate(0, -1, 0), nil, nil, nil, "EUR"},
			}),
			martSheet("mart_user_licenses", []string{"tenant", "user_id", "user_principal_name", "account_enabled",
				"assigned_at", "last_activity_date", "idle_days", "assigned_by_groups",
				"on_premises_distinguished_name", "on_premises_sync_enabled"}, [][]any{
				{"contoso", "u1", "Alice@contoso.example", true, time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC), day.AddDate(0, 0, -95), int64(95), []any{},
					"CN=Alice,OU=Sales,OU=Users,DC=contoso,DC=example", true},
				{"contoso", "u2", "bob@contoso.example", false, nil, nil, nil, []any{"g1", "g2"},
					`CN=Bob\, Jr.,OU=Users,DC=contoso,DC=example`, false},
				{"fabrikam", "u3", "Zoë Ünicode <x>&\x01", true, time.Date(2026, 3, 1, 23, 30, 0, 0, time.FixedZone("X", -2*3600)), day, int64(0), nil,
					nil, nil},
			}),
			martSheet("mart_findings", []string{"tenant", "as_of", "severity", "code", "subject", "detail"}, [][]any{
				{"contoso", day, "critical", "usage_report_concealed", "contoso", "report rows carry 32-hex names"},
				{"contoso", day, "warning", "assignment_error", "u19", "SKU POWER_BI_PRO: Error CountViolation"},
				{"fabrikam", day, "info", "missing_price", "FLOW_FREE", "no price"},
			}),
		},
	}
}

// singleTenant is a workbook of one tenant: its tenant columns are hidden.
func singleTenant() reports.Workbook {
	return reports.Workbook{
		Summary: &reports.Summary{AsOf: asOf, Tenants: []string{"contoso"}},
		Sheets: []reports.Sheet{martSheet("mart_findings", []string{"tenant", "severity", "code"}, [][]any{
			{"contoso", "warning", "missing_price"},
		})},
	}
}

func TestWriteGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		wb   reports.Workbook
	}{
		{"marts", marts()},
		{"single_tenant", singleTenant()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "book.xlsx")
			if err := reports.Write(context.Background(), path, tc.wb); err != nil {
				t.Fatal(err)
			}
			got := dump(t, path)
			golden := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if got != string(want) {
				t.Errorf("workbook dump differs from %s (check, then run with -update)\ngot:\n%s", golden, got)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("got mode %v, want 0600", st.Mode().Perm())
			}
		})
	}
}

func TestContinuationSheets(t *testing.T) {
	defer reports.SetMaxDataRows(10)()
	var rows [][]any
	for i := range 25 {
		rows = append(rows, []any{fmt.Sprintf("u%02d", i), int64(i)})
	}
	wb := reports.Workbook{Sheets: []reports.Sheet{{Name: "Users", Columns: reports.ColumnsFor([]string{"user_id", "idle_days"}),
		RowCount: len(rows), Rows: rowsOf(rows)}}}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := reports.Write(context.Background(), path, wb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "Users,Users (2),Users (3)"; got != want {
		t.Fatalf("got sheets %s, want %s", got, want)
	}
	total := 0
	for _, tc := range []struct {
		sheet, table, first string
		rows                int
	}{
		{"Users", "Users", "u00", 10},
		{"Users (2)", "Users_2", "u10", 10},
		{"Users (3)", "Users_3", "u20", 5},
	} {
		t.Run(tc.sheet, func(t *testing.T) {
			r, err := f.GetRows(tc.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(r)-1 != tc.rows {
				t.Errorf("got %d data rows, want %d", len(r)-1, tc.rows)
			}
			if r[0][0] != "User id" || r[1][0] != tc.first {
				t.Errorf("got header %q and first id %q, want %q and %q", r[0][0], r[1][0], "User id", tc.first)
			}
			tables, _ := f.GetTables(tc.sheet)
			want := fmt.Sprintf("%s A1:B%d", tc.table, tc.rows+1)
			if len(tables) != 1 || tables[0].Name+" "+tables[0].Range != want {
				t.Errorf("got tables %+v, want one: %s", tables, want)
			}
			total += len(r) - 1
		})
	}
	if total != len(rows) {
		t.Errorf("got %d rows in all, want %d", total, len(rows))
	}
	dims := sheetDimensions(t, path)
	for part, want := range map[string]string{"sheet1": "A1:B11", "sheet2": "A1:B11", "sheet3": "A1:B6"} {
		if dims[part] != want {
			t.Errorf("%s: got dimension %q, want %q", part, dims[part], want)
		}
	}
}

// TestContinuationWithSubtotals puts the subtotal block below the last
// part's table, or on a part of its own when it does not fit there.
func TestContinuationWithSubtotals(t *testing.T) {
	defer reports.SetMaxDataRows(10)()
	for _, tc := range []struct {
		name   string
		rows   int
		dims   map[string]string
		block  string            // sheet holding the block
		values map[string]string // cells of that sheet
	}{
		// Part 2: header, 2 rows, blank, title, header, 2 groups.
		{"block below the table", 12, map[string]string{"sheet1": "A1:H11", "sheet2": "A1:H8"}, "Spend (2)",
			map[string]string{"A5": "Subtotals by SKU", "C7": "SKU0", "G7": "6", "H8": "60"}},
		// Part 2 is full with 9 rows and the block (5 rows): part 3 holds it.
		{"block on its own part", 19, map[string]string{"sheet1": "A1:H11", "sheet2": "A1:H10", "sheet3": "A1:H6"}, "Spend (3)",
			map[string]string{"A1": "Tenant", "A3": "Subtotals by SKU", "C5": "SKU0", "G5": "10", "H6": "90"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rows [][]any
			for i := range tc.rows {
				rows = append(rows, []any{"t", asOf, fmt.Sprintf("SKU%d", i%2), "d", "cc", "USD", int64(1), 10.0})
			}
			s := martSheet("mart_spend", []string{"tenant", "as_of", "sku_part_number", "department", "cost_center",
				"currency", "assigned_units", "annual_cost"}, rows)
			path := filepath.Join(t.TempDir(), "spend.xlsx")
			if err := reports.Write(context.Background(), path, reports.Workbook{Sheets: []reports.Sheet{s}}); err != nil {
				t.Fatal(err)
			}
			dims := sheetDimensions(t, path)
			if len(dims) != len(tc.dims) {
				t.Errorf("got %d sheets, want %d", len(dims), len(tc.dims))
			}
			for part, want := range tc.dims {
				if dims[part] != want {
					t.Errorf("%s: got dimension %q, want %q", part, dims[part], want)
				}
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for cell, want := range tc.values {
				if got, _ := f.GetCellValue(tc.block, cell, excelize.Options{RawCellValue: true}); got != want {
					t.Errorf("%s!%s: got %q, want %q", tc.block, cell, got, want)
				}
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	one := [][]any{{"a"}}
	cols := reports.ColumnsFor([]string{"x"})
	sheet := func(name string, cols []reports.Column, n int, rows [][]any) reports.Sheet {
		return reports.Sheet{Name: name, Columns: cols, RowCount: n, Rows: rowsOf(rows)}
	}
	for _, tc := range []struct {
		name string
		wb   reports.Workbook
		want string
	}{
		{"no sheets", reports.Workbook{}, "no sheets"},
		{"fewer rows than RowCount", reports.Workbook{Sheets: []reports.Sheet{sheet("S", cols, 2, one)}}, "sheet S: got 1 rows, want RowCount 2"},
		{"more rows than RowCount", reports.Workbook{Sheets: []reports.Sheet{sheet("S", cols, 1, [][]any{{"a"}, {"b"}})}}, "sheet S: got more than RowCount 1 rows"},
		{"negative RowCount", reports.Workbook{Sheets: []reports.Sheet{sheet("S", cols, -1, nil)}}, "RowCount -1 is negative"},
		{"row too short", reports.Workbook{Sheets: []reports.Sheet{sheet("S", reports.ColumnsFor([]string{"x", "y"}), 1, one)}}, "sheet S: row 1 has 1 values, want 2"},
		{"same sheet twice", reports.Workbook{Sheets: []reports.Sheet{sheet("S", cols, 1, one), sheet("s", cols, 1, one)}}, `sheet s: sheet name "s" is used twice`},
		{"summary name taken", reports.Workbook{Summary: &reports.Summary{}, Sheets: []reports.Sheet{sheet("Summary", cols, 1, one)}}, "is used twice"},
		{"bad sheet name", reports.Workbook{Sheets: []reports.Sheet{sheet("a/b", cols, 1, one)}}, `sheet a/b: create sheet "a/b"`},
		{"duplicate header", reports.Workbook{Sheets: []reports.Sheet{sheet("S", []reports.Column{{Name: "a", Header: "X"}, {Name: "b", Header: "x"}}, 1, [][]any{{1, 2}})}},
			`column 2 (b): header "x" is not unique`},
		{"empty header", reports.Workbook{Sheets: []reports.Sheet{sheet("S", []reports.Column{{Name: "a"}}, 1, one)}}, "column 1 (a): empty header"},
		{"no columns", reports.Workbook{Sheets: []reports.Sheet{sheet("S", nil, 0, nil)}}, "sheet S: no columns"},
		{"bad evidence", reports.Workbook{Sheets: []reports.Sheet{martSheet("mart_reclamation_candidates", []string{"user_id", "evidence"}, [][]any{{"u1", "{not json"}})}},
			"sheet Candidates: row 1: column evidence: not a JSON object"},
		{"subtotal of text", reports.Workbook{Sheets: []reports.Sheet{martSheet("mart_spend", []string{"sku_part_number", "annual_cost"}, [][]any{{"E3", "lots"}})}},
			"sheet Spend: subtotals: row 1: column annual_cost: got string, want a number"},
		{"highlight of absent column", reports.Workbook{Sheets: []reports.Sheet{{Name: "S", Columns: cols, RowCount: 1, Rows: rowsOf(one),
			Highlights: []reports.Highlight{{Column: "nope", Equals: "x"}}}}}, "highlight: no column nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "x.xlsx")
			err := reports.Write(context.Background(), path, tc.wb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("got %d files left in the directory, want none", len(left))
			}
		})
	}
}

func TestWriteKeepsOldFileOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.xlsx")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := reports.Workbook{Sheets: []reports.Sheet{{Name: "S", Columns: reports.ColumnsFor([]string{"x"}), RowCount: 5, Rows: rowsOf(nil)}}}
	if err := reports.Write(context.Background(), path, bad); err == nil {
		t.Fatal("got no error, want one")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("got %q at path, want the old file", b)
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rows := func(yield func([]any) error) error {
		for i := range 10_000 {
			if i == 5000 {
				cancel()
			}
			if err := yield([]any{int64(i)}); err != nil {
				return err
			}
		}
		return nil
	}
	wb := reports.Workbook{Sheets: []reports.Sheet{{Name: "S", Columns: reports.ColumnsFor([]string{"count"}), RowCount: 10_000, Rows: rows}}}
	err := reports.Write(ctx, filepath.Join(t.TempDir(), "x.xlsx"), wb)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

type stringer struct{}

func (stringer) String() string { return "via String" }

type decimal struct{ v float64 }

func (d decimal) Float64() float64 { return d.v }

// TestValues writes one cell per kind of database/sql value and reads the
// stored value back.
func TestValues(t *testing.T) {
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	cases := []struct {
		name   string
		format reports.Format
		value  any
		want   string // raw stored value
	}{
		{"string", reports.Text, "a", "a"},
		{"formula-looking text stays text", reports.Text, "=1+1", "=1+1"},
		{"control character dropped", reports.Text, "a\x01b", "a\ufffdb"},
		{"bool", reports.Bool, true, "1"},
		{"int32", reports.Integer, int32(7), "7"},
		{"uint64 beyond int64", reports.Integer, uint64(math.MaxUint64), "18446744073709551615"},
		{"float", reports.Number, 1.5, "1.5"},
		{"NaN as text", reports.Number, math.NaN(), "NaN"},
		{"infinity as text", reports.Money, math.Inf(1), "+Inf"},
		{"decimal", reports.Money, decimal{12.25}, "12.25"},
		{"small big.Int", reports.Integer, big.NewInt(42), "42"},
		{"huge big.Int as text", reports.Integer, huge, "123456789012345678901234567890"},
		{"bytes", reports.Text, []byte("raw"), "raw"},
		{"list", reports.Text, []any{"a", nil, int64(2)}, "a; 2"},
		{"strings", reports.Text, []string{"x", "y"}, "x; y"},
		{"map as JSON", reports.Text, map[string]any{"k": 1}, `{"k":1}`},
		{"stringer", reports.Text, stringer{}, "via String"},
		{"unknown type", reports.Text, struct{ A int }{3}, "{3}"},
		{"date drops the time", reports.Date, time.Date(2026, 1, 2, 23, 0, 0, 0, time.UTC), "46024"},
		{"date-time in UTC", reports.DateTime, time.Date(2026, 1, 2, 12, 0, 0, 0, time.FixedZone("X", 3600)), "46024.458333333336"},
		{"time in a text column", reports.Text, time.Date(2026, 1, 2, 6, 0, 0, 0, time.UTC), "46024.25"},
		{"zero time is blank", reports.Date, time.Time{}, ""},
		{"date text in a date column", reports.Date, "2026-01-02", "46024"},
		{"other text in a date column", reports.Date, "soon", "soon"},
		{"whole float in an integer column", reports.Integer, 3.0, "3"},
		{"nil is blank", reports.Text, nil, ""},
	}
	cols := make([]reports.Column, len(cases))
	row := make([]any, len(cases))
	for i, tc := range cases {
		cols[i] = reports.Column{Name: fmt.Sprintf("c%d", i), Header: tc.name, Format: tc.format}
		row[i] = tc.value
	}
	path := filepath.Join(t.TempDir(), "v.xlsx")
	wb := reports.Workbook{Sheets: []reports.Sheet{{Name: "V", Columns: cols, RowCount: 1, Rows: rowsOf([][]any{row})}}}
	if err := reports.Write(context.Background(), path, wb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cell, _ := excelize.CoordinatesToCellName(i+1, 2)
			got, err := f.GetCellValue("V", cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
