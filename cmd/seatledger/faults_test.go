package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// faultUsers makes four users pages at the client's $top of 999, so that
// paging faults have pages before and after them.
const faultUsers = 3200

// Outcomes of a run under a fault.
const (
	// outcomeIdentical: the run retries or walks past the fault and its marts
	// equal a clean run's.
	outcomeIdentical = "identical"
	// outcomeFailed: the tenant fails with an etl_runs error naming the
	// cause (exit 1: the only tenant failed; 3 is for some of several),
	// and the previous snapshot stays the latest, unchanged.
	outcomeFailed = "failed"
	// outcomeDegraded: the optional usage report is dropped whole (no partial
	// rows), raw_dataset_status names the cause, the run exits 0 with
	// status degraded, and the report-independent raw data equals a clean
	// run's. (Degraded replaces the day's snapshot, as any run does.)
	outcomeDegraded = "degraded"
)

// faultCase is one row of the fault matrix.
type faultCase struct {
	name    string
	opts    graphsim.ServerOptions
	outcome string
	wantErr string // in etl_runs.error (failed) or the usage report's raw_dataset_status.error (degraded)
	// fired tells whether the simulator really injected the fault, so that
	// no case passes because nothing happened.
	fired func(graphsim.Stats, graphsim.FaultCounts) bool
	why   string
}

// faultCases is the fault matrix. Seeds are chosen so that each rate hits
// at least one request of the ~12 a run makes; fired checks it.
var faultCases = []faultCase{
	{"throttled 10 percent with Retry-After", graphsim.ServerOptions{ThrottleRate: 0.1, RetryAfter: time.Second, Seed: 31},
		outcomeIdentical, "", func(s graphsim.Stats, _ graphsim.FaultCounts) bool { return s.Throttled > 0 },
		"429 is Graph's normal back-pressure: the client waits Retry-After and retries (up to MaxRetries)"},
	{"server errors 2 percent", graphsim.ServerOptions{ServerErrorRate: 0.02, RetryAfter: time.Second, Seed: 7},
		outcomeIdentical, "", func(s graphsim.Stats, _ graphsim.FaultCounts) bool { return count5xx(s) > 0 },
		"500/502/503 are transient on Graph: retried with Retry-After or backoff"},
	{"connection resets 10 percent", graphsim.ServerOptions{Faults: graphsim.Faults{ResetRate: 0.1}, Seed: 6},
		outcomeIdentical, "", func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.Resets > 0 },
		"a dropped connection before an answer is a network error: GETs are retried"},
	{"truncated bodies 10 percent", graphsim.ServerOptions{Faults: graphsim.Faults{TruncateRate: 0.1}, Seed: 3},
		outcomeIdentical, "", func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.Truncated > 0 },
		"JSON pages are read whole before decoding, so a short body is caught and the GET retried"},
	{"nextLink loop at users page 3", graphsim.ServerOptions{Faults: graphsim.Faults{PagingLoopAt: 3}},
		outcomeFailed, "@odata.nextLink repeats an earlier page", func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.PagingLoops > 0 },
		"a roster that never ends cannot be completed: users are required, so the tenant fails (graph.ErrPagingLoop) before writing"},
	{"empty users page 2 with a nextLink", graphsim.ServerOptions{Faults: graphsim.Faults{EmptyPageAt: 2}},
		outcomeIdentical, "", func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.EmptyPages > 0 },
		"Graph may send empty pages that still link on: the pager skips them and follows the link"},
	{"302 to an expired report link once", graphsim.ServerOptions{Faults: graphsim.Faults{ExpiredReportLinks: 1}},
		outcomeIdentical, "", func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.ExpiredLinks > 0 },
		"a refused download (Azure Blob SAS expiry answers 403) is retried from the report request, which issues a fresh link"},
	{"report row with a bad date", graphsim.ServerOptions{Faults: graphsim.Faults{ReportBadDateRow: 100}},
		outcomeDegraded, `malformed usage report: line 101: column "Report Refresh Date"`,
		func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.BadReportRows > 0 },
		"a row that does not parse means the format changed or the file is damaged: guessing could call an active user idle, " +
			"so the optional report is dropped whole; the degraded snapshot calls nobody idle and says why"},
	{"report row with missing columns", graphsim.ServerOptions{Faults: graphsim.Faults{ReportShortRow: 7}},
		outcomeDegraded, "malformed usage report: line 8: 3 fields",
		func(_ graphsim.Stats, f graphsim.FaultCounts) bool { return f.BadReportRows > 0 },
		"as for a bad date: the report is all or nothing"},
	{"token endpoint outage", graphsim.ServerOptions{TokenOutage: true},
		outcomeFailed, "token: HTTP 503", func(s graphsim.Stats, _ graphsim.FaultCounts) bool { return s.Count("token", 503) > 0 },
		"without a token nothing can be read: the tenant fails, naming the token endpoint, and keeps the previous snapshot"},
}

func count5xx(s graphsim.Stats) int64 {
	var n int64
	for _, e := range s.Endpoints() {
		if e != "token" {
			n += s.Count(e, 500) + s.Count(e, 502) + s.Count(e, 503)
		}
	}
	return n
}

// TestFaultMatrix runs `seatledger run` once per fault, each time on a
// copy of a warehouse holding a clean run of the same tenant, and checks
// the outcome the case table names.
func TestFaultMatrix(t *testing.T) {
	tenant := graphsim.Generate(graphsim.GenOptions{Users: faultUsers, Seed: 11, Now: time.Now().UTC()})
	baseDir := t.TempDir()
	srv := startTenant(t, tenant, graphsim.ServerOptions{})
	cfg, env := writeSimConfig(t, baseDir, srv)
	if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
		t.Fatalf("clean run: exit %d\n%s\n%s", code, out, errOut)
	}
	clean := readState(t, filepath.Join(baseDir, "seatledger.duckdb"))
	if clean.counts["raw_users"] != faultUsers || clean.counts["raw_usage_report"] == 0 {
		t.Fatalf("clean run: got %v, want %d users and a usage report", clean.counts, faultUsers)
	}
	for _, tc := range faultCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // most of a case's time is Retry-After and backoff sleeps
			dir := t.TempDir()
			copyWarehouse(t, baseDir, dir)
			srv := startTenant(t, tenant, tc.opts)
			cfg, env := writeSimConfig(t, dir, srv)
			start := time.Now()
			out, errOut, code := runBinary(t, env, "run", "--config", cfg)
			t.Logf("%s: exit %d in %v; %d Graph requests, %d throttled; faults %+v", tc.outcome, code,
				time.Since(start).Round(time.Millisecond), totalRequests(srv.Stats()), srv.Stats().Throttled, srv.FaultCounts())
			if !tc.fired(srv.Stats(), srv.FaultCounts()) {
				t.Fatalf("the fault never fired (stats %v, faults %+v): pick another seed\n%s%s", srv.Stats().Requests, srv.FaultCounts(), out, errOut)
			}
			got := readState(t, filepath.Join(dir, "seatledger.duckdb"))
			checkOutcome(t, tc, clean, got, code, out+errOut)
		})
	}
}

func checkOutcome(t *testing.T, tc faultCase, clean, got warehouseState, code int, output string) {
	t.Helper()
	if got.orphans != 0 {
		t.Errorf("raw rows outside any committed snapshot: got %d, want 0", got.orphans)
	}
	switch tc.outcome {
	case outcomeIdentical:
		if code != 0 || got.lastStatus != "ok" {
			t.Fatalf("got exit %d, run status %s (%s), want 0 and ok\n%s", code, got.lastStatus, got.lastError, output)
		}
		if got.runID == clean.runID {
			t.Errorf("snapshot run: got the clean run's %s, want the new run's", got.runID)
		}
		if diff := diffMarts(clean.marts, got.marts); diff != "" {
			t.Errorf("marts differ from the clean run's: %s", diff)
		}
	case outcomeFailed:
		if code != 1 || got.lastStatus != "failed" || !strings.Contains(got.lastError, tc.wantErr) {
			t.Fatalf("got exit %d, run status %s, error %q; want 1 (the only tenant failed), failed and an error containing %q\n%s",
				code, got.lastStatus, got.lastError, tc.wantErr, output)
		}
		if got.runID != clean.runID || !maps.Equal(got.counts, clean.counts) {
			t.Errorf("snapshot: got run %s with %v, want the clean run %s with %v", got.runID, got.counts, clean.runID, clean.counts)
		}
		if diff := diffMarts(clean.marts, got.marts); diff != "" {
			t.Errorf("marts changed after a failed run: %s", diff)
		}
	case outcomeDegraded:
		if code != 0 || got.lastStatus != "degraded" || !strings.Contains(got.reportError, tc.wantErr) {
			t.Fatalf("got exit %d, run status %s, usage report error %q; want 0, degraded and an error containing %q\n%s",
				code, got.lastStatus, got.reportError, tc.wantErr, output)
		}
		if got.counts["raw_usage_report"] != 0 {
			t.Errorf("raw_usage_report: got %d rows, want none: a failed report is dropped whole", got.counts["raw_usage_report"])
		}
		for _, table := range []string{"raw_users", "raw_user_licenses", "raw_subscribed_skus", "raw_groups", "raw_subscriptions"} {
			if got.counts[table] != clean.counts[table] {
				t.Errorf("%s: got %d rows, want the clean run's %d", table, got.counts[table], clean.counts[table])
			}
		}
		if n := got.counts["usage_report_findings"]; n != 1 {
			t.Errorf("mart_findings about the usage report: got %d, want 1", n)
		}
	default:
		t.Fatalf("unknown outcome %q", tc.outcome)
	}
}

// startTenant serves tenant with opts until the test ends.
func startTenant(t *testing.T, tenant *graphsim.Tenant, opts graphsim.ServerOptions) *graphsim.Server {
	t.Helper()
	opts.Dir = t.TempDir()
	srv, err := graphsim.NewServer(tenant, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// writeSimConfig writes dir/seatledger.yml for srv with the warehouse in
// dir, and returns it with the environment to run the binary with.
func writeSimConfig(t *testing.T, dir string, srv *graphsim.Server) (string, []string) {
	t.Helper()
	cfg := filepath.Join(dir, "seatledger.yml")
	// No workbook: the marts are compared, and writing it triples a run's time.
	text := strings.Replace(tenantConfig(dir, srv.URL(), srv.TenantID(), srv.ClientID(), "SIM_SECRET"), "reports:\n", "reports:\n  excel: false\n", 1)
	writeFile(t, cfg, text)
	return cfg, []string{"SSL_CERT_FILE=" + srv.CAFile(), "SIM_SECRET=" + srv.ClientSecret()}
}

// copyWarehouse copies seatledger.duckdb (and its WAL, if any) from one
// directory to another.
func copyWarehouse(t *testing.T, from, to string) {
	t.Helper()
	for _, name := range []string{"seatledger.duckdb", "seatledger.duckdb.wal"} {
		src, err := os.Open(filepath.Join(from, name))
		if os.IsNotExist(err) && name != "seatledger.duckdb" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(to, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if err := errors.Join(err, dst.Close()); err != nil {
			t.Fatalf("copy %s: %v", name, err)
		}
	}
}

func totalRequests(s graphsim.Stats) int64 {
	var n int64
	for _, e := range s.Endpoints() {
		n += s.Total(e)
	}
	return n
}

// warehouseState is what a fault or a kill may change in a warehouse.
type warehouseState struct {
	runID       string            // run of the latest snapshot
	counts      map[string]int64  // rows of each raw_ table, plus derived counts
	marts       map[string]string // mart -> rows and hash
	lastStatus  string            // etl_runs status of the most recent run
	lastError   string            // and its error
	reportError string            // raw_dataset_status error of the latest snapshot's usage report
	orphans     int64             // raw_ rows whose (tenant, snapshot_date, run_id) has no snapshots row
	snapshots   int64             // rows of snapshots
	runs        map[string]string // etl_runs: run_id -> status
}

// readState opens the warehouse read-only and describes it, marts
// included.
func readState(t *testing.T, path string) warehouseState {
	t.Helper()
	return readStateOf(t, path, true)
}

// readStateOf is readState; withMarts false leaves marts empty (hashing
// them takes a second or two).
func readStateOf(t *testing.T, path string, withMarts bool) warehouseState {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", path, err)
	}
	defer w.Close() // the next run needs the file to itself
	db := w.SQLForTests()
	st := warehouseState{counts: map[string]int64{}, marts: map[string]string{}, runs: map[string]string{}}
	st.snapshots = queryInt(t, db, "SELECT count(*) FROM snapshots")
	rows, err := db.Query("SELECT run_id, status FROM etl_runs")
	if err != nil {
		t.Fatalf("list runs: %v", err)
	}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatalf("list runs: %v", err)
		}
		st.runs[id] = status
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatalf("list runs: %v", err)
	}
	if err := db.QueryRow("SELECT run_id FROM snapshots ORDER BY snapshot_date DESC LIMIT 1").Scan(&st.runID); err != nil {
		t.Fatalf("latest snapshot: %v", err)
	}
	var lastErr sql.NullString
	if err := db.QueryRow("SELECT status, error FROM etl_runs ORDER BY started_at DESC LIMIT 1").Scan(&st.lastStatus, &lastErr); err != nil {
		t.Fatalf("latest run: %v", err)
	}
	st.lastError = lastErr.String
	var repErr sql.NullString
	err = db.QueryRow("SELECT error FROM raw_dataset_status WHERE dataset = 'usage_report' AND run_id = ?", st.runID).Scan(&repErr)
	if err != nil && err != sql.ErrNoRows {
		t.Fatalf("usage report status: %v", err)
	}
	st.reportError = repErr.String
	for _, table := range tableNames(t, db, "raw_") {
		if stored(table) {
			continue // the raw_ views cover them
		}
		st.counts[table] = queryInt(t, db, "SELECT count(*) FROM "+table+" WHERE run_id = ?", st.runID)
		st.orphans += queryInt(t, db, "SELECT count(*) FROM "+table+` r WHERE NOT EXISTS (SELECT 1 FROM snapshots s
			WHERE s.tenant = r.tenant AND s.snapshot_date = r.snapshot_date AND s.run_id = r.run_id)`)
	}
	if !withMarts {
		return st
	}
	st.counts["usage_report_findings"] = queryInt(t, db, "SELECT count(*) FROM mart_findings WHERE code LIKE 'usage_report%'")
	for _, mart := range tableNames(t, db, "mart_") {
		if stored(mart) {
			continue
		}
		// The _history views hold the same rows while the warehouse has
		// one snapshot date, at twice the cost.
		if !strings.HasSuffix(mart, "_history") {
			st.marts[mart] = digestQuery(t, db, "SELECT * FROM "+mart+" ORDER BY ALL")
		}
	}
	return st
}

// stored tells the tables that store versioned relations (their views are
// what the tests read).
func stored(table string) bool {
	return strings.HasSuffix(table, "_versions") || strings.HasSuffix(table, "_nightly")
}

// tableNames lists the tables and views whose names start with prefix.
func tableNames(t *testing.T, db *sql.DB, prefix string) []string {
	t.Helper()
	rows, err := db.Query("SELECT table_name FROM information_schema.tables WHERE starts_with(table_name, ?) ORDER BY 1", prefix)
	if err != nil {
		t.Fatalf("list %s tables: %v", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		t.Fatalf("list %s tables: got %v (%v), want some", prefix, out, err)
	}
	return out
}

// digestQuery is the row count and a SHA-256 of every value q returns.
func digestQuery(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	h, n := sha256.New(), 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(h, "%v\n", vals)
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
}

// diffMarts names the marts whose digests differ; "" when none do.
func diffMarts(want, got map[string]string) string {
	var diffs []string
	for m, w := range want {
		if got[m] != w {
			diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", m, got[m], w))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; ")
}
