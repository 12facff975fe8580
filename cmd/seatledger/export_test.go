package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// exportChecks compare an export read back by DuckDB with hive
// partitioning against the warehouse: rows, and a sum per relation.
var exportChecks = []struct{ relation, sum string }{
	{"mart_license_inventory", "sum(active_units)"},
	{"mart_license_inventory_history", "sum(annual_cost)"},
	{"mart_user_licenses", "sum(idle_days)"},
	{"mart_user_licenses_history", "count(DISTINCT user_id)"},
	{"mart_reclamation_candidates", "sum(annual_savings)"},
	{"mart_reclamation_candidates_history", "sum(idle_days)"},
	{"mart_spend", "sum(annual_cost)"},
	{"mart_spend_history", "sum(assigned_units)"},
	{"mart_renewals", "sum(total_licenses)"},
	{"mart_renewals_history", "sum(days_to_renewal)"},
	{"mart_findings", "count(DISTINCT code)"},
	{"mart_findings_history", "count(DISTINCT subject)"},
	{"mart_utilization_history", "sum(idle_units)"},
}

// checkExport reads every relation of the export at dir back and compares
// it with the warehouse's marts.
func checkExport(t *testing.T, wh, dir, format string) {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), wh)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Sums are rounded: DuckDB adds doubles in parallel, in no fixed order.
	one := func(q string) string {
		var v any
		if err := w.SQLForTests().QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return fmt.Sprint(v)
	}
	reader := map[string]string{"parquet": "read_parquet", "csv": "read_csv"}[format]
	for _, c := range exportChecks {
		t.Run(c.relation, func(t *testing.T) {
			read := fmt.Sprintf("%s('%s/%s/*/*/*.%s', hive_partitioning = true)", reader, dir, c.relation, format)
			got := one(fmt.Sprintf("SELECT format('{} rows, {}, latest {}', count(*), round(CAST(%s AS DOUBLE), 4), max(snapshot_date)) FROM %s", c.sum, read))
			// The warehouse has one snapshot: the latest is its date.
			want := one(fmt.Sprintf("SELECT format('{} rows, {}, latest {}', count(*), round(CAST(%s AS DOUBLE), 4), (SELECT max(snapshot_date) FROM snapshots)) FROM %s",
				c.sum, c.relation))
			if got != want {
				t.Errorf("%s read back: got %s, want %s", format, got, want)
			}
		})
	}
}

func TestExport(t *testing.T) {
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	t.Run("demo wrote parquet", func(t *testing.T) {
		checkExport(t, wh, filepath.Join(filepath.Dir(wh), "parquet"), "parquet")
	})
	for _, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lake")
			out, stderr, err := runMain(t, nil, "export", "--warehouse", wh, "--dir", dir, "--format", format)
			if err != nil {
				t.Fatalf("export: %v\n%s", err, stderr)
			}
			if want := "export:    " + dir + " (" + format; !strings.Contains(out, want) {
				t.Errorf("got output\n%s\nwant it to contain %q", out, want)
			}
			checkExport(t, wh, dir, format)
		})
	}
	t.Run("again: nothing to write", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "lake")
		if _, stderr, err := runMain(t, nil, "export", "--warehouse", wh, "--dir", dir); err != nil {
			t.Fatalf("export: %v\n%s", err, stderr)
		}
		for _, tc := range []struct {
			args    []string
			written string
		}{{nil, "0"}, {[]string{"--full"}, "1"}} {
			out, stderr, err := runMain(t, nil, append([]string{"export", "--warehouse", wh, "--dir", dir}, tc.args...)...)
			if err != nil {
				t.Fatalf("export %v: %v\n%s", tc.args, err, stderr)
			}
			// relation  written  unchanged  removed  rows written
			for _, name := range load.ExportTableNames() {
				var f []string
				for _, line := range strings.Split(out, "\n") {
					if g := strings.Fields(line); len(g) == 5 && g[0] == name {
						f = g
					}
				}
				wantSkipped := map[string]string{"0": "1", "1": "0"}[tc.written]
				if f == nil || f[1] != tc.written || f[2] != wantSkipped || f[3] != "0" {
					t.Errorf("export %v, %s: got line %q, want %s written, %s unchanged, 0 removed (the demo has one tenant, one snapshot)\n%s", tc.args, name, f, tc.written, wantSkipped, out)
				}
			}
		}
	})
	t.Run("pseudonymised", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "lake")
		env := map[string]string{
			"SEATLEDGER_REPORTS_PSEUDONYMIZE":      "true",
			"SEATLEDGER_REPORTS_PSEUDONYM_KEY_ENV": "TEST_PSEUDONYM_KEY",
			"TEST_PSEUDONYM_KEY":                   "0123456789abcdef0123",
		}
		if _, stderr, err := runMain(t, env, "export", "--warehouse", wh, "--dir", dir); err != nil {
			t.Fatalf("export: %v\n%s", err, stderr)
		}
		db := openWarehouse(t, wh)
		read := fmt.Sprintf("read_parquet('%s/mart_user_licenses/*/*/*.parquet', hive_partitioning = true)", dir)
		if n := queryInt(t, db, "SELECT count(*) FROM "+read+" WHERE user_principal_name NOT LIKE 'user-%@pseudonym.invalid' OR display_name NOT LIKE 'User %'"); n != 0 {
			t.Errorf("got %d rows with real names, want 0", n)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM "+read); n != queryInt(t, db, "SELECT count(*) FROM mart_user_licenses") {
			t.Errorf("got %d rows, want all of mart_user_licenses", n)
		}
	})
	t.Run("errors", func(t *testing.T) {
		foreign := t.TempDir()
		writeFile(t, filepath.Join(foreign, "keep.txt"), "mine")
		for _, tc := range []struct {
			name string
			args []string
			want string
		}{
			{"format", []string{"--format", "xlsx"}, `--format: must be parquet or csv, got "xlsx"`},
			{"tenant", []string{"--tenant", "northwind", "--dir", t.TempDir() + "/x"}, `"northwind": no snapshot in the warehouse (tenants: demo)`},
			{"foreign directory", []string{"--dir", foreign}, "refusing to write into a non-empty directory that is not a seatledger export"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := runMain(t, nil, append([]string{"export", "--warehouse", wh}, tc.args...)...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got error %v, want one containing %q", err, tc.want)
				}
			})
		}
		if b, _ := os.ReadFile(filepath.Join(foreign, "keep.txt")); string(b) != "mine" {
			t.Errorf("foreign file: got %q, want it untouched", b)
		}
	})
}
