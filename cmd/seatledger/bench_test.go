package main

// The bench through the CLI: the flags, the wiring of internal/bench to
// the nightly job, the child processes of the built binary. The bench's
// own logic is tested in internal/bench.

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/bench"
)

// TestBenchInProcess runs a shrunken P6 (3 tenants of 1 user at 200 ms)
// in-process through the real credential and SDK client, and reads the
// warehouse it kept back.
func TestBenchInProcess(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runMain(t, nil, "bench", "--scenario", "p6", "--scale", "0.003", "--in-process", "--json", "--dir", dir)
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var m bench.Measure
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if m.Tenants != 3 || m.Users != 1 || m.Loaded != 3 || m.Failed != 0 {
		t.Errorf("got %d tenants x %d users, %d loaded, %d failed; want 3 x 1, 3 loaded, 0 failed", m.Tenants, m.Users, m.Loaded, m.Failed)
	}
	if want := 200 * time.Millisecond; m.Floor != want || m.Concurrency != 4 {
		t.Errorf("floor at concurrency %d: got %s, want %s at 4", m.Concurrency, m.Floor, want)
	}
	if m.Requests < 3*6 {
		t.Errorf("Graph requests: got %d, want at least 18 (six datasets for each of 3 tenants)", m.Requests)
	}
	db := openWarehouse(t, filepath.Join(dir, "p6", "seatledger.duckdb"))
	if got := queryInt(t, db, "SELECT count(*) FROM etl_runs WHERE status = 'ok'"); got != 3 {
		t.Errorf("etl_runs ok: got %d, want 3", got)
	}
	if got := queryInt(t, db, "SELECT count(DISTINCT tenant) FROM raw_users"); got != 3 {
		t.Errorf("tenants in raw_users: got %d, want 3", got)
	}
}

// TestBenchTable runs two shrunken scenarios in child processes (the
// built binary re-executing itself) and checks the table.
func TestBenchTable(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "bench", "--scenario", "load-100k,p6", "--scale", "0.001")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"SCENARIO", "load-100k", "users/s end to end", "peak RSS",
		"P6 p6", "wall / floor", "(1 x 1 req x 200ms)", "<= 1.20", "measured on"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchUnknownScenario: the bench's usage errors exit 2.
func TestBenchUnknownScenario(t *testing.T) {
	_, _, err := runMain(t, nil, "bench", "--scenario", "p9")
	if err == nil || !strings.Contains(err.Error(), `unknown "p9"`) {
		t.Errorf("got %v, want an unknown-scenario error", err)
	}
	var ec exitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 2 {
		t.Errorf("got %v, want exit code 2", err)
	}
}

// benchJSON runs the built binary's bench with args and --json and
// decodes its one measurement.
func benchJSON(t *testing.T, args ...string) bench.Measure {
	t.Helper()
	out, errOut, code := runBinary(t, nil, append([]string{"bench", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("bench %v: exit %d, stderr:\n%s", args, code, errOut)
	}
	var m bench.Measure
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	return m
}

// TestBenchNightly runs nightly-100k at 1,000 users: both walls, the
// stages that add up to the job, and the ratio of the two walls.
func TestBenchNightly(t *testing.T) {
	m := benchJSON(t, "--scenario", "nightly-100k", "--scale", "0.01")
	nm := m.Nightly
	if nm == nil {
		t.Fatalf("no nightly figures in %+v", m)
	}
	if m.Users != 1000 || m.Loaded != 1000 || nm.SDKUsers != 1000 {
		t.Errorf("users: got %d, loaded %d, SDK read %d; want 1000 each", m.Users, m.Loaded, nm.SDKUsers)
	}
	for name, d := range map[string]time.Duration{"SDK read": nm.SDKRead, "SDK read after": nm.SDKReadAfter, "job": nm.Job, "extract+load": nm.ExtractLoad,
		"transform": nm.Transform, "workbook": nm.Workbook, "parquet": nm.Parquet} {
		if d <= 0 {
			t.Errorf("%s wall: got %s, want > 0", name, d)
		}
	}
	if sum := nm.ExtractLoad + nm.Transform + nm.Workbook + nm.Parquet + nm.Other; sum != nm.Job || nm.Job != m.Wall {
		t.Errorf("stages add up to %s, job %s, wall %s; want all equal", sum, nm.Job, m.Wall)
	}
	mean := (nm.SDKRead + nm.SDKReadAfter) / 2
	if want := nm.Job.Seconds() / mean.Seconds(); math.Abs(nm.Ratio-want) > 1e-9 {
		t.Errorf("ratio: got %g, want job / mean SDK read = %g", nm.Ratio, want)
	}
	if !slices.Equal(nm.Signals, []string{"copilot_usage"}) {
		t.Errorf("signals: got %v, want the default, copilot_usage", nm.Signals)
	}
	if m.PeakRSS <= 0 || nm.SDKPeakRSS <= 0 {
		t.Errorf("peak RSS: got job %d, SDK read %d; want both > 0", m.PeakRSS, nm.SDKPeakRSS)
	}
	n := nm.Next
	if n == nil || n.Job <= 0 || n.Requests <= 0 {
		t.Fatalf("next night: got %+v, want a job and its requests", n)
	}
	if sum := n.ExtractLoad + n.Transform + n.Workbook + n.Parquet + n.Other; sum != n.Job {
		t.Errorf("next night: stages add up to %s, job %s; want equal", sum, n.Job)
	}
	if want := n.Job.Seconds() / mean.Seconds(); math.Abs(n.Ratio-want) > 1e-9 {
		t.Errorf("next night ratio: got %g, want job / mean SDK read = %g", n.Ratio, want)
	}
}

// TestBenchNightlySignals runs nightly-100k's job with usage signals, and
// refuses an unknown one.
func TestBenchNightlySignals(t *testing.T) {
	m := benchJSON(t, "--scenario", "nightly-100k", "--scale", "0.01", "--signals", "apps_usage,mailbox_usage")
	if nm := m.Nightly; nm == nil || !slices.Equal(nm.Signals, []string{"apps_usage", "mailbox_usage"}) || m.Failed != 0 {
		t.Errorf("got %+v (failed %d), want the job with apps_usage and mailbox_usage and no failure", nm, m.Failed)
	}
	_, errOut, code := runBinary(t, nil, "bench", "--scenario", "nightly-100k", "--signals", "signins")
	if code != 2 || !strings.Contains(errOut, `--signals: "signins" is not one of copilot_usage, apps_usage, office_activations, mailbox_usage`) {
		t.Errorf("unknown signal: got exit %d, stderr %q; want 2 and the known names", code, errOut)
	}
}

// TestBenchHistory runs three nights of a 200-user tenant through the
// CLI: every command's figures, one CSV row per night, a warehouse that
// does not shrink, spend by day over every night on the sampled ones,
// and the storage per table.
func TestBenchHistory(t *testing.T) {
	dir := t.TempDir()
	m := benchJSON(t, "--scenario", "history", "--scale", "0.01", "--nights", "3", "--dir", dir)
	h := m.History
	if h == nil || len(h.Night) != 3 {
		t.Fatalf("history: got %+v, want 3 nights", h)
	}
	for i, n := range h.Night {
		for name, f := range map[string]bench.ChildFigure{"run": n.Run, "report": n.Report, "export": n.Export, "query": n.Query} {
			if f.Wall <= 0 || f.PeakRSS <= 0 || f.Exit != 0 {
				t.Errorf("night %d %s: got %+v, want a wall, a peak RSS and exit 0", n.Night, name, f)
			}
		}
		if want := i != 1; (n.SpendByDay.Wall > 0) != want || (want && n.Days != n.Night) {
			t.Errorf("night %d spend by day: got %s over %d days, want sampled %v", n.Night, n.SpendByDay.Wall, n.Days, want)
		}
		if n.Bytes <= 0 || n.Spend == "" || n.Users < 190 {
			t.Errorf("night %d: got %d bytes, spend %q, %d users; want all set", n.Night, n.Bytes, n.Spend, n.Users)
		}
	}
	if first, last := h.Night[0].Bytes, h.Night[2].Bytes; last < first {
		t.Errorf("warehouse size: got %d on night 3 after %d on night 1, want it not to shrink", last, first)
	}
	if h.Summary.Run.Ratio <= 0 || h.Summary.Growth <= 0 || len(h.Storage.Tables) == 0 || h.Storage.BlockSize <= 0 {
		t.Errorf("summary: got %+v and %d tables of storage, want ratios and tables", h.Summary, len(h.Storage.Tables))
	}
	f, err := os.Open(filepath.Join(dir, "history", "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 4 || records[0][0] != "night" || records[3][0] != "3" {
		t.Errorf("history.csv: got %d records (%v ...), want a header and 3 nights", len(records), records[0])
	}
}

// TestBenchNightlyHistoryTable runs both scenarios in child processes
// (--nights passed on to history's) and checks the table.
func TestBenchNightlyHistoryTable(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "bench", "--scenario", "nightly-100k,history", "--scale", "0.01", "--nights", "2")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"SDK read: Users().Get + PageIterator", "again after the next night", "job / mean SDK read", "<= 1.00",
		"run wall night N / night 1", "<= 1.30", "<= 1.50", "< 1024 MB", "spend by day over 2 nights", "< 2.00 s",
		"2 nights of 200 users", "walls are the mean of nights 1-2 and 1-2", "main.raw_users", "measured on"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
