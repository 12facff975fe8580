package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueryConfined: query reads the warehouse and the Parquet export
// directory (reports.parquet_dir) and no other file, and writes none.
func TestQueryConfined(t *testing.T) {
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	pq := filepath.Join(filepath.Dir(wh), "parquet")
	env := map[string]string{"SEATLEDGER_REPORTS_PARQUET_DIR": pq}
	out := filepath.Join(t.TempDir(), "x.csv")

	t.Run("COPY TO exits non-zero and writes nothing", func(t *testing.T) {
		_, stderr, code := runBinary(t, []string{"SEATLEDGER_REPORTS_PARQUET_DIR=" + pq},
			"query", "--warehouse", wh, "COPY (SELECT 1) TO '"+out+"'")
		if code == 0 || !strings.Contains(stderr, "query refused") || !strings.Contains(stderr, "read-only") {
			t.Errorf("got exit %d, stderr %q; want a non-zero exit and a read-only refusal", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s was written", out)
		}
	})
	refused := []struct {
		name, query string
		env         map[string]string
	}{
		{"a file outside", "SELECT * FROM read_csv('/etc/passwd')", env},
		{"COPY into the export directory", "COPY (SELECT 1) TO '" + filepath.Join(pq, "x.csv") + "'", env},
		{"a warehouse beside", "ATTACH '" + filepath.Join(t.TempDir(), "other.duckdb") + "' AS other", env},
		{"two statements", "SELECT 1; COPY (SELECT 1) TO '" + out + "'", env},
		{"Parquet when reports.parquet_dir is not set", "SELECT count(*) FROM read_parquet('" + pq + "/mart_user_licenses/*/*/*.parquet')", nil},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, _, err := runMain(t, tt.env, "query", "--warehouse", wh, tt.query)
			if err == nil || !strings.Contains(err.Error(), "query refused") {
				t.Errorf("got %v, want a refusal", err)
			}
		})
	}
	for _, f := range []string{out, filepath.Join(pq, "x.csv")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was written", f)
		}
	}

	t.Run("reads its marts", func(t *testing.T) {
		got, _, err := runMain(t, env, "query", "--warehouse", wh, "--format", "csv", "SELECT count(*) > 0 AS any FROM mart_license_inventory")
		if err != nil || got != "any\ntrue\n" {
			t.Errorf("got %q, %v; want any, true", got, err)
		}
	})
	t.Run("reads Parquet under the export directory", func(t *testing.T) {
		q := "SELECT count(*) = (SELECT count(*) FROM mart_user_licenses) AS same FROM read_parquet('" + pq + "/mart_user_licenses/*/*/*.parquet', hive_partitioning = true)"
		got, _, err := runMain(t, env, "query", "--warehouse", wh, "--format", "csv", q)
		if err != nil || got != "same\ntrue\n" {
			t.Errorf("got %q, %v; want same, true", got, err)
		}
	})
}
