package load_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// TestLatestUserLicensesReadsOneNight: mart_user_licenses, a view of the
// history's newest snapshot, reads that snapshot's nightly rows, not every
// night stored. 300 nights of 1,000 licence rows: the nightly table spans
// three of DuckDB's row groups, and the view may read the one holding the
// newest night (with the versions and the snapshots), not all three. Read
// through the history view filtered to its newest dates, the nightly
// table was scanned whole every night: 0.35 s a night after 90 nights of
// 20k users, and growing.
func TestLatestUserLicensesReadsOneNight(t *testing.T) {
	w, path := mustOpen(t) // writes the views
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const nights, rows = 300, 1000
	for _, q := range []string{
		`INSERT INTO snapshots SELECT 't', DATE '2025-01-01' + i::INTEGER, 'run', 'ok', TIMESTAMPTZ '2025-01-01 03:00:00+00' FROM range(300) r(i)`,
		`INSERT INTO mart_user_licenses_history_versions (tenant, valid_from, valid_to, row_key, user_id, sku_id)
			SELECT 't', DATE '2025-01-01', NULL, i, 'u' || i, 'sku' FROM range(1000) r(i)`,
		`INSERT INTO mart_user_licenses_history_nightly (tenant, snapshot_date, row_key, as_of, idle_days)
			SELECT 't', DATE '2025-01-01' + (i // 1000)::INTEGER, i % 1000, DATE '2025-01-01' + (i // 1000)::INTEGER, 0
			FROM range(300000) r(i) ORDER BY i`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	profile := filepath.Join(t.TempDir(), "profile.json")
	if _, err := conn.ExecContext(ctx, "PRAGMA enable_profiling = 'json'; SET profiling_output = '"+profile+"'"); err != nil {
		t.Fatal(err)
	}
	var n int64
	var newest string
	if err := conn.QueryRowContext(ctx, "SELECT count(*), max(as_of)::VARCHAR FROM mart_user_licenses").Scan(&n, &newest); err != nil {
		t.Fatal(err)
	}
	if n != rows || newest != "2025-10-27" {
		t.Fatalf("got %d rows as of %s, want %d as of 2025-10-27 (night %d)", n, newest, rows, nights)
	}
	b, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Scanned int64 `json:"cumulative_rows_scanned"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("profile: %v", err)
	}
	// The newest night's row group holds at most 122,880 nightly rows.
	if p.Scanned == 0 || p.Scanned > 130_000 {
		t.Errorf("reading mart_user_licenses scanned %d rows, want at most one row group of the %d nightly rows and the %d versions",
			p.Scanned, nights*rows, rows)
	}
}
