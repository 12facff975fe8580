package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
)

func TestPeriod(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, cron string
		now        time.Time
		want       time.Duration
	}{
		{"default daily", config.DefaultCron, at("2026-03-10T12:00:00Z"), 24 * time.Hour},
		{"hourly", "@hourly", at("2026-03-10T12:30:00Z"), time.Hour},
		// Europe/Berlin springs forward on 29 March 2026 and falls back on
		// 25 October: from 04:00 on the 28th to 04:00 on the 29th is 23h.
		{"daily across spring DST", "CRON_TZ=Europe/Berlin 0 4 * * *", at("2026-03-28T00:00:00Z"), 23 * time.Hour},
		{"daily across autumn DST", "CRON_TZ=Europe/Berlin 0 4 * * *", at("2026-10-24T00:00:00Z"), 25 * time.Hour},
		{"daily after spring DST", "CRON_TZ=Europe/Berlin 0 4 * * *", at("2026-03-28T12:00:00Z"), 24 * time.Hour},
		{"weekdays over a weekend", "CRON_TZ=UTC 0 3 * * 1-5", at("2026-03-12T12:00:00Z"), 72 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sched, err := config.CronParser.Parse(tt.cron)
			if err != nil {
				t.Fatal(err)
			}
			if got := period(sched, tt.now); got != tt.want {
				t.Errorf("period(%q) at %s: got %s, want %s", tt.cron, tt.now, got, tt.want)
			}
		})
	}
}

func TestRunDue(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		last []time.Time
		want string // a substring of the reason; "" when no run is due
	}{
		{"all recent", []time.Time{now.Add(-2 * time.Hour), now.Add(-23 * time.Hour)}, ""},
		{"exactly one period", []time.Time{now.Add(-24 * time.Hour)}, ""},
		{"one tenant older than a period", []time.Time{now.Add(-time.Hour), now.Add(-25 * time.Hour)}, "older than one schedule period (24h0m0s)"},
		{"a tenant never succeeded", []time.Time{now.Add(-time.Hour), {}}, "no successful run"},
		{"no tenant", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runDue(tt.last, 24*time.Hour, now)
			if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
				t.Errorf("runDue: got %q, want %q", got, tt.want)
			}
		})
	}
}

// testServer builds a server from a one-tenant configuration whose Graph
// client is never called: the pipeline is replaced by the test.
func testServer(t *testing.T) (*server, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, tenantConfig(dir, "https://127.0.0.1:1", "8a3c1e2f-5b6d-4e7f-9a0b-1c2d3e4f5a6b",
		"2b7c9d1e-3f4a-4b5c-8d6e-7f8a9b0c1d2e", "SECRET"))
	var logs bytes.Buffer
	g := &globals{configPath: cfg, logLevel: "info", logFormat: "text", stdout: &bytes.Buffer{}, stderr: &logs,
		getenv: func(k string) string { return map[string]string{"SECRET": "s"}[k] }}
	s, err := newServer(g, serveOptions{runAtStart: runAtStartNever, shutdownGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s, &logs
}

// TestServeJobRecoversAndSkips drives the cron-wrapped job: a panicking
// run is recovered and recorded as a failure, a run triggered while one is
// going is skipped and counted, and the daemon's readiness follows.
func TestServeJobRecoversAndSkips(t *testing.T) {
	s, logs := testServer(t)
	_, job := s.newCron()
	release := make(chan struct{})
	started := make(chan struct{})
	calls := 0
	s.pipeline = func(ctx context.Context, _ []pipeline.Tenant, stage stageFunc) error {
		calls++
		switch calls {
		case 1:
			panic("boom")
		case 2:
			close(started)
			<-release
			return nil
		default:
			return errors.New("graph down")
		}
	}
	count := func(result string) float64 { return metricValue(t, s, "seatledger_runs_total", "result", result) }
	s.refresh(context.Background()) // no warehouse file yet: read as empty
	if report, ready := s.readiness(s.now()); !ready {
		t.Fatalf("readiness before any run: got not ready\n%s", report)
	}

	job.Run() // panics inside; cron.Recover must catch it
	if got := count("failure"); got != 1 {
		t.Errorf("failed runs after a panic: got %v, want 1", got)
	}
	if !strings.Contains(logs.String(), "cron: panic") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("log after a panic: want a cron: panic error with the value:\n%s", logs.String())
	}
	if report, ready := s.readiness(s.now()); ready || !strings.Contains(report, "FAIL last run: failed at") {
		t.Errorf("readiness after a failed run: got ready=%v\n%s\nwant not ready, the last run failed", ready, report)
	}

	done := make(chan struct{})
	go func() { job.Run(); close(done) }()
	select {
	case <-started:
	case <-done: // skipped: the panic kept SkipIfStillRunning's token
		t.Fatalf("the run after a panic was skipped: one panic must not stop the schedule\n%s", logs.String())
	}
	job.Run() // returns at once: the previous run still goes
	if got := metricValue(t, s, "seatledger_runs_skipped_total"); got != 1 {
		t.Errorf("skipped runs: got %v, want 1", got)
	}
	if report, _ := s.readiness(s.now()); !strings.Contains(report, "ok warehouse: a run is writing") {
		t.Errorf("readiness during a run:\n%s\nwant the warehouse check ok, a run writing it", report)
	}
	close(release)
	<-done
	if got := count("success"); got != 1 {
		t.Errorf("successful runs: got %v, want 1", got)
	}
	if report, ready := s.readiness(s.now()); !ready {
		t.Errorf("readiness after a successful run: got not ready\n%s", report)
	}
	if calls != 2 {
		t.Errorf("pipeline calls: got %d, want 2 (the skipped trigger must not run it)", calls)
	}
}

// metricValue is the value of the series name{labels...} in s's registry.
func metricValue(t *testing.T, s *server, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := s.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

// TestServeUsageErrors: bad flags and configuration stop serve before it
// listens, with exit code 2 and the flag named.
func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, tenantConfig(dir, "https://127.0.0.1:1", "8a3c1e2f-5b6d-4e7f-9a0b-1c2d3e4f5a6b",
		"2b7c9d1e-3f4a-4b5c-8d6e-7f8a9b0c1d2e", "SECRET"))
	env := map[string]string{"SECRET": "s"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"run-at-start", env, []string{"--config", cfg, "--run-at-start", "sometimes"}, `--run-at-start: must be auto, always or never, got "sometimes"`},
		{"negative grace", env, []string{"--config", cfg, "--shutdown-grace", "-1s"}, "--shutdown-grace: must be >= 0"},
		{"no configuration", env, nil, "no configuration"},
		{"secret missing", nil, []string{"--config", cfg}, "SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runMain(t, tt.env, append([]string{"serve", "--listen", "127.0.0.1:0"}, tt.args...)...)
			var ec exitCoder
			if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("serve %v: got %v, want exit 2 with %q", tt.args, err, tt.want)
			}
		})
	}
}
