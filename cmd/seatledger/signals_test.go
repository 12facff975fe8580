package main

import (
	"context"
	"database/sql"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// signalTables are the raw relations of the usage-signal datasets.
var signalTables = map[string]string{
	"copilot_usage":      "raw_copilot_usage",
	"apps_usage":         "raw_apps_usage",
	"office_activations": "raw_office_activations",
	"mailbox_usage":      "raw_mailbox_usage",
}

// datasetState is a dataset's raw_dataset_status row of the latest
// snapshot and the rows its raw relation holds there.
type datasetState struct {
	ok         bool
	statusRows int64
	err        string
	tableRows  int64
}

// readDatasets reads the latest snapshot's dataset status rows, and the
// rows of each signal relation in that snapshot.
func readDatasets(t *testing.T, path string) map[string]datasetState {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", path, err)
	}
	defer w.Close()
	db := w.SQLForTests()
	const latest = "(SELECT max(snapshot_date) FROM snapshots)"
	rows, err := db.Query("SELECT dataset, ok, coalesce(rows, 0), coalesce(error, '') FROM raw_dataset_status WHERE snapshot_date = " + latest)
	if err != nil {
		t.Fatalf("read dataset status: %v", err)
	}
	defer rows.Close()
	out := map[string]datasetState{}
	for rows.Next() {
		var name string
		var s datasetState
		if err := rows.Scan(&name, &s.ok, &s.statusRows, &s.err); err != nil {
			t.Fatalf("read dataset status: %v", err)
		}
		out[name] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read dataset status: %v", err)
	}
	for name, table := range signalTables {
		s := out[name]
		if err := db.QueryRow("SELECT count(*) FROM " + table + " WHERE snapshot_date = " + latest).Scan(&s.tableRows); err != nil && err != sql.ErrNoRows {
			t.Fatalf("count %s: %v", table, err)
		}
		out[name] = s
	}
	return out
}

// countRows counts a simulated report's rows.
func countRows[R any](rows iter.Seq[R]) int64 {
	var n int64
	for range rows {
		n++
	}
	return n
}

// TestSignalsLand runs `seatledger run` against the simulator with Copilot
// seats and checks that every usage-signal report lands whole, through the
// real credential, SDK client and TLS: each dataset ok with as many rows
// as the simulator serves. Then a run whose report downloads are all cut
// halfway degrades: the usage report and the three signal reports served
// through a download link are dropped whole, each says why, and the roster
// and the Copilot report (served directly) stay. And `signals: []` reads
// none.
func TestSignalsLand(t *testing.T) {
	tenant := graphsim.Generate(graphsim.GenOptions{Users: 2500, Seed: 5, Now: time.Now().UTC(), CopilotSeats: 0.3})
	want := map[string]int64{
		"copilot_usage":      countRows(tenant.CopilotUsageRows("D90")),
		"apps_usage":         countRows(tenant.AppsUsageRows("D180")),
		"office_activations": countRows(tenant.ActivationRows()),
		"mailbox_usage":      countRows(tenant.MailboxUsageRows("D7")),
	}
	for name, n := range want {
		if n == 0 {
			t.Fatalf("the simulated tenant serves no %s rows: the test would prove nothing", name)
		}
	}

	t.Run("clean", func(t *testing.T) {
		dir := t.TempDir()
		srv := startTenant(t, tenant, graphsim.ServerOptions{ReportNullDates: true})
		cfg, env := writeSimConfig(t, dir, srv)
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
		}
		got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
		for name, n := range want {
			g := got[name]
			if !g.ok || g.statusRows != n || g.tableRows != n || g.err != "" {
				t.Errorf("%s: got ok %v, %d rows recorded, %d stored, error %q; want ok and %d rows", name, g.ok, g.statusRows, g.tableRows, g.err, n)
			}
		}
	})

	t.Run("every download cut", func(t *testing.T) {
		dir := t.TempDir()
		srv := startTenant(t, tenant, graphsim.ServerOptions{Faults: graphsim.Faults{TruncateDownloads: 1000}})
		cfg, env := writeSimConfig(t, dir, srv)
		out, errOut, code := runBinary(t, env, "run", "--config", cfg)
		if code != 0 {
			t.Fatalf("run: exit %d, want 0 (optional datasets degrade the snapshot)\n%s\n%s", code, out, errOut)
		}
		if srv.FaultCounts().TruncatedDownloads == 0 {
			t.Fatal("no download was cut: the test would prove nothing")
		}
		st := readStateOf(t, filepath.Join(dir, "seatledger.duckdb"), false)
		if st.lastStatus != "degraded" || st.counts["raw_users"] != 2500 {
			t.Errorf("got run status %s with %d users, want degraded with 2500", st.lastStatus, st.counts["raw_users"])
		}
		got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
		for _, name := range []string{"usage_report", "apps_usage", "office_activations", "mailbox_usage"} {
			g := got[name]
			if g.ok || g.err == "" || g.tableRows != 0 {
				t.Errorf("%s: got ok %v, error %q, %d rows stored; want failed with a reason and no rows", name, g.ok, g.err, g.tableRows)
			}
		}
		// The Copilot report answers 200 with its CSV, no download link.
		if g := got["copilot_usage"]; !g.ok || g.tableRows != want["copilot_usage"] {
			t.Errorf("copilot_usage: got %+v, want ok with %d rows", g, want["copilot_usage"])
		}
	})

	t.Run("none configured", func(t *testing.T) {
		dir := t.TempDir()
		srv := startTenant(t, tenant, graphsim.ServerOptions{})
		cfg, env := writeSimConfig(t, dir, srv)
		text, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, cfg, strings.Replace(string(text), "    auth:\n", "    signals: []\n    auth:\n", 1))
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
		}
		got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
		for name := range signalTables {
			if g, ok := got[name]; ok && (g.statusRows != 0 || g.tableRows != 0 || g.ok) {
				t.Errorf("%s: got %+v, want nothing read", name, g)
			}
		}
		if s := srv.Stats(); s.Total("copilotReport")+s.Total("appsReport")+s.Total("activationsReport")+s.Total("mailboxReport") != 0 {
			t.Errorf("signal reports were requested: %v", srv.Stats().Requests)
		}
	})
}
