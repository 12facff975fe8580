package sql_test

// Helpers for the model tests: each test builds the few input relations a
// transform model reads as small fixture tables in a real, in-memory
// DuckDB, runs the model's file (and the files between, by name) and reads
// what it produced. The scenario goldens in transform/ test the whole
// chain; these tests pin one model's boundaries each.

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	seatsql "github.com/seatledger/seatledger/sql"
)

// asOf is the fixtures' as_of; the snapshot is taken two days later.
var asOf = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// mustOpenDB opens an in-memory DuckDB with one connection, so that the
// temporary relations a model creates stay visible to the next statement.
func mustOpenDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close duckdb: %v", err)
		}
	})
	return db
}

// mustExec runs statements, failing the test on the first error.
func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// runModels runs the transform files that create the named relations (or
// macros), in the order given: transform/NN_<name>.sql.
func runModels(t *testing.T, db *sql.DB, names ...string) {
	t.Helper()
	runFiles(t, db, "transform", names)
}

// runMarts runs the mart files named, in the order given:
// marts/NN_<name>.sql.
func runMarts(t *testing.T, db *sql.DB, names ...string) {
	t.Helper()
	runFiles(t, db, "marts", names)
}

func runFiles(t *testing.T, db *sql.DB, dir string, names []string) {
	t.Helper()
	for _, n := range names {
		files, err := fs.Glob(seatsql.Transforms, dir+"/[0-9][0-9]_"+n+".sql")
		if err != nil || len(files) != 1 {
			t.Fatalf("model %s: want one file %s/NN_%s.sql, got %v (%v)", n, dir, n, files, err)
		}
		body, err := fs.ReadFile(seatsql.Transforms, files[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(context.Background(), string(body)); err != nil {
			t.Fatalf("run %s: %v", path.Base(files[0]), err)
		}
	}
}

// licenceRow is one row of the stg_license_rows fixture. withDefaults
// gives an enabled member, in the report, holding a priced SKU with the
// Exchange workload, assigned a year before as_of and active the day
// before: a row no reason holds for.
type licenceRow struct {
	user, sku, part string
	accountEnabled  *bool // nil: NULL
	userType        string
	price           *float64 // unit_price_annual; nil: NULL (no price)
	workloads       []string
	enabledPlans    []string // nil: the SKU's plans apply
	concealed       bool
	inReport        bool
	inCopilot       bool                 // in the Copilot usage report
	inApps          bool                 // in the Microsoft 365 Apps usage report
	inSignIn        bool                 // in the signInActivity read
	powerbiWindow   *int                 // powerbi_window_days; nil: NULL (no PowerBI signal)
	assignedAt      time.Time            // zero: NULL
	lastActivity    map[string]time.Time // workload or signal (SignIn, PowerBI) -> date; absent: NULL
	disabledPlans   []string
}

func withDefaults(change func(r *licenceRow)) licenceRow {
	yes, price := true, 468.0
	r := licenceRow{
		user: "u1", sku: "sku-e3", part: "SPE_E3",
		accountEnabled: &yes, userType: "Member", price: &price,
		workloads: []string{"Exchange"}, inReport: true,
		assignedAt:   asOf.AddDate(-1, 0, 0).Add(9 * time.Hour),
		lastActivity: map[string]time.Time{"Exchange": daysBefore(1)},
	}
	if change != nil {
		change(&r)
	}
	return r
}

// daysBefore is the date n days before as_of.
func daysBefore(n int) time.Time { return asOf.AddDate(0, 0, -n) }

func ptr[T any](v T) *T { return &v }

// activityWorkloads are the report workloads and further signals in
// stg_license_rows' column order: <workload>_last_activity_date.
var activityWorkloads = []string{"exchange", "onedrive", "sharepoint", "skype", "yammer", "teams", "copilot", "apps"}

// createLicenceRows creates stg_license_rows with the columns and types of
// the real model (36_stg_license_rows.sql) and fills it with rows.
func createLicenceRows(t *testing.T, db *sql.DB, rows ...licenceRow) {
	t.Helper()
	cols := []string{"tenant VARCHAR", "snapshot_date DATE", "as_of DATE", "concealed BOOLEAN", "has_report BOOLEAN",
		"report_refresh_date DATE", "user_id VARCHAR", "sku_id VARCHAR", "sku_part_number VARCHAR",
		"user_principal_name VARCHAR", "display_name VARCHAR", "department VARCHAR", "cost_center VARCHAR",
		"account_enabled BOOLEAN", "user_type VARCHAR", "usage_location VARCHAR", "assigned_direct BOOLEAN",
		"assigned_by_groups VARCHAR[]", "assigned_at TIMESTAMPTZ", "disabled_plans VARCHAR[]", "ignored BOOLEAN",
		"unit_price_annual DECIMAL(18,2)", "currency VARCHAR", "term VARCHAR", "enabled_plans VARCHAR[]",
		"workloads VARCHAR[]", "in_report BOOLEAN", "on_premises_distinguished_name VARCHAR", "on_premises_sync_enabled BOOLEAN"}
	cols = append(cols, "in_copilot BOOLEAN", "copilot_report_date DATE", "in_apps BOOLEAN", "apps_report_date DATE")
	for _, w := range activityWorkloads {
		cols = append(cols, w+"_last_activity_date DATE")
	}
	cols = append(cols, "in_signin BOOLEAN", "powerbi_window_from DATE", "powerbi_window_days INTEGER",
		"signin_last_date DATE", "powerbi_last_date DATE", "inactivity_days INTEGER", "grace_days INTEGER")
	// The thresholds ride on every row, as the model copies them from
	// param_rules: a test of the activity reasons calls createRules first
	// (without param_rules they are NULL, which the other reasons ignore).
	var inactivityDays, graceDays any
	var rules bool
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'param_rules'").
		Scan(&rules); err != nil {
		t.Fatal(err)
	}
	if rules {
		if err := db.QueryRowContext(context.Background(), "SELECT inactivity_days, grace_days FROM param_rules LIMIT 1").
			Scan(&inactivityDays, &graceDays); err != nil {
			t.Fatalf("read the thresholds: %v", err)
		}
	}
	mustExec(t, db, "CREATE OR REPLACE TEMP TABLE stg_license_rows ("+strings.Join(cols, ", ")+")")
	// Lists travel as VARCHAR ('[a, b]') cast to VARCHAR[].
	marks := make([]string, len(cols))
	for i, c := range cols {
		marks[i] = "?"
		if strings.HasSuffix(c, "[]") {
			marks[i] = "?::VARCHAR[]"
		}
	}
	insert := "INSERT INTO stg_license_rows VALUES (" + strings.Join(marks, ", ") + ")"
	for _, r := range rows {
		var enabled any
		if r.accountEnabled != nil {
			enabled = *r.accountEnabled
		}
		var assigned any
		if !r.assignedAt.IsZero() {
			assigned = r.assignedAt
		}
		var price any
		if r.price != nil {
			price = fmt.Sprintf("%.2f", *r.price)
		}
		args := []any{"t", asOf.AddDate(0, 0, 2), asOf, r.concealed, true,
			asOf, r.user, r.sku, r.part,
			r.user + "@contoso.example", r.user, "Sales", "CC-1",
			enabled, r.userType, "US", true,
			"[]", assigned, list(r.disabledPlans), false,
			price, "USD", "annual", nullableList(r.enabledPlans),
			list(r.workloads), r.inReport, nil, nil,
			r.inCopilot, asOf.AddDate(0, 0, -1), r.inApps, asOf}
		for _, w := range activityWorkloads {
			var d any
			for k, v := range r.lastActivity {
				if strings.EqualFold(k, w) {
					d = v
				}
			}
			args = append(args, d)
		}
		var windowFrom, windowDays any
		if r.powerbiWindow != nil {
			windowFrom, windowDays = asOf.AddDate(0, 0, 2-*r.powerbiWindow), *r.powerbiWindow
		}
		args = append(args, r.inSignIn, windowFrom, windowDays, dateOrNil(r.lastActivity, "SignIn"),
			dateOrNil(r.lastActivity, "PowerBI"), inactivityDays, graceDays)
		mustExec(t, db, insert, args...)
	}
}

// dateOrNil is m[k] as a parameter: NULL when absent.
func dateOrNil(m map[string]time.Time, k string) any {
	if d, ok := m[k]; ok {
		return d
	}
	return nil
}

func list(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }

func nullableList(xs []string) any {
	if xs == nil {
		return nil
	}
	return list(xs)
}

// createRules creates param_rules with the thresholds.
func createRules(t *testing.T, db *sql.DB, inactivityDays, graceDays int) {
	t.Helper()
	mustExec(t, db, "CREATE OR REPLACE TEMP TABLE param_rules (inactivity_days INTEGER, grace_days INTEGER)")
	mustExec(t, db, "INSERT INTO param_rules VALUES (?, ?)", inactivityDays, graceDays)
}

// keys lists "user/sku" of every row of a relation, sorted.
func keys(t *testing.T, db *sql.DB, relation string) []string {
	t.Helper()
	return strs(t, db, "SELECT user_id || '/' || sku_id FROM "+relation+" ORDER BY ALL")
}

// strs returns the first column of a query's rows as strings.
func strs(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}
