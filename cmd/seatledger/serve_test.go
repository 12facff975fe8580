package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

var update = flag.Bool("update", false, "rewrite golden files")

// volatileRE matches the series whose values change from run to run:
// timestamps and durations.
var volatileRE = regexp.MustCompile(`^(seatledger_\w*(_timestamp_seconds|_duration_seconds))(\{[^}]*\})? \S+$`)

// normalizeScrape keeps the seatledger_ lines of a scrape, with the values
// of timestamps and durations replaced by <volatile>.
func normalizeScrape(scrape string) string {
	var b strings.Builder
	for _, l := range strings.Split(scrape, "\n") {
		name := strings.TrimPrefix(strings.TrimPrefix(l, "# HELP "), "# TYPE ")
		if !strings.HasPrefix(name, "seatledger_") {
			continue
		}
		if m := volatileRE.FindStringSubmatch(l); m != nil {
			l = m[1] + m[3] + " <volatile>"
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// TestServeMetrics runs `seatledger serve` against the simulator through
// the real credential and Graph SDK: the run at start writes a snapshot,
// /metrics then matches the golden scrape, passes promtool check metrics
// and carries no user name or id, the health endpoints answer, and the
// warehouse is free for `seatledger query` between runs. SIGTERM stops the
// daemon cleanly.
func TestServeMetrics(t *testing.T) {
	_, cfg, env, _ := simServe(t, 300, graphsim.ServerOptions{})
	p := startServe(t, env, "--config", cfg)
	p.waitLog(`msg="run done"`)

	code, scrape := p.get("/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: got %d, want 200", code)
	}
	got := normalizeScrape(scrape)
	golden := filepath.Join("testdata", "serve_metrics.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("/metrics differs from %s (run with -update after checking):\n%s", golden, lineDiff(string(want), got))
	}
	checkNoUserLabels(t, scrape)
	for _, c := range []struct {
		path, want string
	}{
		{"/healthz", "ok\n"},
		{"/readyz", "ok config: loaded\nok metrics: read from the warehouse\n"},
	} {
		code, body := p.get(c.path)
		if code != 200 || !strings.HasPrefix(body, c.want) {
			t.Errorf("GET %s: got %d %q, want 200 starting with %q", c.path, code, body, c.want)
		}
	}
	// Between runs the daemon holds no lock: a reader opens the warehouse.
	out, errOut, qcode := runBinary(t, env, "query", "--config", cfg, "--format", "csv", "SELECT count(*) AS n FROM snapshots")
	if qcode != 0 || out != "n\n1\n" {
		t.Errorf("query between runs: got exit %d, %q (%s); want 0, \"n\\n1\\n\"", qcode, out, errOut)
	}
	if code, log := p.stop(); code != 0 || !strings.Contains(log, "msg=stopped") {
		t.Errorf("SIGTERM: got exit %d; want 0 and a stopped line:\n%s", code, log)
	}
}

// TestServePromtoolCheckMetrics lints a real scrape with promtool. The
// only finding allowed is the one the metric contract imposes: the
// usage report's age is in days, not seconds.
func TestServePromtoolCheckMetrics(t *testing.T) {
	promtool := tool(t, "promtool")
	_, cfg, env, _ := simServe(t, 120, graphsim.ServerOptions{})
	p := startServe(t, env, "--config", cfg)
	p.waitLog(`msg="run done"`)
	_, scrape := p.get("/metrics")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(scrape)
	out, err := cmd.CombinedOutput()
	const allowed = `seatledger_usage_report_age_days use base unit "seconds" instead of "days"`
	var problems []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" && l != allowed {
			problems = append(problems, l)
		}
	}
	if len(problems) > 0 {
		t.Errorf("promtool check metrics (%v): got problems %q, want none but %q", err, problems, allowed)
	}
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 3) {
		t.Errorf("promtool check metrics: got %v, want success or exit 3 (lint findings)", err)
	}
}

var guidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// checkNoUserLabels fails when a label value looks like a user principal
// name or an object id.
func checkNoUserLabels(t *testing.T, scrape string) {
	t.Helper()
	labelRE := regexp.MustCompile(`(\w+)="([^"]*)"`)
	for _, l := range strings.Split(scrape, "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		for _, m := range labelRE.FindAllStringSubmatch(l, -1) {
			if strings.Contains(m[2], "@") || guidRE.MatchString(m[2]) {
				t.Errorf("label %s=%q looks like a user name or id: %s", m[1], m[2], l)
			}
		}
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b bytes.Buffer
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// TestServeShutdownDuringRun sends SIGTERM while a run loads users. With
// no grace the run is cancelled: the previous snapshot stays as it was and
// the journal records the run failed. With grace the run finishes and its
// snapshot replaces the previous one. While the run writes, `seatledger
// query` says a run is in progress.
func TestServeShutdownDuringRun(t *testing.T) {
	tests := []struct {
		name, grace  string
		wantSnapshot bool // the interrupted run's snapshot is stored
		wantStatus   string
	}{
		{"grace over: aborted", "0s", false, "failed"},
		{"within grace: finished", "5m", true, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, cfg, env, wh := simServe(t, 5000, graphsim.ServerOptions{PageSize: 500})
			first := startServe(t, env, "--config", cfg)
			first.waitLog(`msg="run done"`)
			if code, log := first.stop(); code != 0 {
				t.Fatalf("first serve: exit %d\n%s", code, log)
			}
			before := snapshotDigest(t, wh)

			srv.SetLatency(500 * time.Millisecond) // the run outlasts the query and the signal
			p := startServe(t, env, "--config", cfg, "--run-at-start", "always", "--shutdown-grace", tt.grace, "--log-level", "debug")
			p.waitLog(`msg="users page loaded"`)
			_, errOut, code := runBinary(t, env, "query", "--config", cfg, "SELECT 1")
			if code == 0 || !strings.Contains(errOut, "a seatledger run is in progress") {
				t.Errorf("query during a run: got exit %d, %q; want a failure saying a run is in progress", code, errOut)
			}
			exit, log := p.stop()
			if exit != 0 {
				t.Fatalf("serve after SIGTERM: exit %d\n%s", exit, log)
			}
			after := snapshotDigest(t, wh)
			if changed := after != before; changed != tt.wantSnapshot {
				t.Errorf("snapshot changed: got %v, want %v (before %s, after %s)", changed, tt.wantSnapshot, before, after)
			}
			db := openWarehouse(t, wh)
			var status string
			if err := db.QueryRow("SELECT status FROM etl_runs ORDER BY started_at DESC LIMIT 1").Scan(&status); err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus {
				t.Errorf("status of the interrupted run: got %s, want %s", status, tt.wantStatus)
			}
		})
	}
}
