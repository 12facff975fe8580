package serve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
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

// logBuffer is a log destination safe for the runs' goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testOptions are the options of a daemon for one tenant, contoso, whose
// warehouse file in a fresh directory does not exist yet; its job does
// nothing until the test replaces it.
func testOptions(t *testing.T, logs io.Writer) Options {
	t.Helper()
	cfg := config.Default()
	cfg.Warehouse.Path = filepath.Join(t.TempDir(), "seatledger.duckdb")
	cfg.Tenants = []config.Tenant{{Name: "contoso"}}
	return Options{
		Config: cfg, RunAtStart: RunAtStartNever, ShutdownGrace: time.Second,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Now:    func() time.Time { return time.Now().UTC() },
		Tenants: func(context.Context, func(string, int)) ([]pipeline.Tenant, error) {
			return []pipeline.Tenant{{Name: "contoso"}}, nil
		},
		Job: func(context.Context, []pipeline.Tenant, StageFunc) error { return nil },
	}
}

// testServer builds a daemon from testOptions.
func testServer(t *testing.T) (*Server, *logBuffer) {
	t.Helper()
	var logs logBuffer
	s, err := New(testOptions(t, &logs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.cancelRun)
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
	s.pipeline = func(ctx context.Context, _ []pipeline.Tenant, stage StageFunc) error {
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

// TestServeJobStagesAndGraph: a run passes the Prometheus request counter
// to the tenants it builds and the stage recorder to the job, and a
// failing tenant build fails the run without calling the job.
func TestServeJobStagesAndGraph(t *testing.T) {
	var logs logBuffer
	o := testOptions(t, &logs)
	failBuild := false
	o.Tenants = func(_ context.Context, observe func(string, int)) ([]pipeline.Tenant, error) {
		if observe != nil {
			observe("users", 429)
		}
		if failBuild {
			return nil, errors.New("tenant contoso: no secret")
		}
		return []pipeline.Tenant{{Name: "contoso"}}, nil
	}
	jobs := 0
	o.Job = func(_ context.Context, tenants []pipeline.Tenant, stage StageFunc) error {
		jobs++
		if len(tenants) != 1 || tenants[0].Name != "contoso" {
			t.Errorf("job tenants: got %+v, want contoso", tenants)
		}
		stage("extract", time.Second, true)
		stage("transform", time.Second, false)
		return errors.New("transform failed")
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.cancelRun)
	s.runOnce()
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"seatledger_graph_throttled_total", []string{"endpoint", "users"}, 1},
		{"seatledger_stage_success", []string{"stage", "extract"}, 1},
		{"seatledger_stage_success", []string{"stage", "transform"}, 0},
		{"seatledger_stage_success", []string{"stage", "refresh"}, 1},
		{"seatledger_runs_total", []string{"result", "failure"}, 1},
	} {
		if got := metricValue(t, s, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	failBuild = true
	s.runOnce()
	if jobs != 1 {
		t.Errorf("job calls: got %d, want 1 (a failed tenant build runs no job)", jobs)
	}
	if got := metricValue(t, s, "seatledger_runs_total", "result", "failure"); got != 2 {
		t.Errorf("failed runs: got %v, want 2", got)
	}
	if !strings.Contains(logs.String(), "no secret") {
		t.Errorf("log: want the tenant build's error:\n%s", logs.String())
	}
}

// TestNewConfigErrors: options and configuration that cannot be served
// are *ConfigError, found before anything runs.
func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"run at start", func(o *Options) { o.RunAtStart = "sometimes" }, `must be auto, always or never, got "sometimes"`},
		{"grace", func(o *Options) { o.ShutdownGrace = -time.Second }, "must be >= 0"},
		{"cron", func(o *Options) { o.Config.Schedule.Cron = "every night" }, "schedule.cron"},
		{"tenants", func(o *Options) {
			o.Tenants = func(context.Context, func(string, int)) ([]pipeline.Tenant, error) {
				return nil, errors.New("tenant contoso: SECRET is not set")
			}
		}, "SECRET is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t, io.Discard)
			tt.mod(&o)
			_, err := New(o)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: got %v, want a *ConfigError with %q", err, tt.want)
			}
		})
	}
}

// TestServeEndpoints serves the handler on a real HTTP server: health,
// readiness before and after the first read of the warehouse, metrics and
// the index.
func TestServeEndpoints(t *testing.T) {
	s, _ := testServer(t)
	hs := httptest.NewServer(s.handler())
	defer hs.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "FAIL metrics: not read yet") {
		t.Errorf("/readyz before the first read: got %d %q, want 503 with the metrics check failing", code, body)
	}
	s.refresh(context.Background())
	tests := []struct {
		path string
		code int
		want []string
	}{
		{"/healthz", 200, []string{"ok\n"}},
		{"/readyz", 200, []string{"ok config: loaded\nok metrics: read from the warehouse\n",
			"ok warehouse: " + s.cfg.Warehouse.Path + " not created yet", "ok last run: none yet in this process"}},
		{"/", 200, []string{"seatledger: /metrics /healthz /readyz"}},
		{"/metrics", 200, []string{`seatledger_snapshot_present{tenant="contoso"} 0`, `seatledger_last_success_timestamp_seconds{tenant="contoso"} 0`,
			`seatledger_stage_success{stage="refresh"} 1`, "go_goroutines"}},
		{"/nothing", 404, nil},
	}
	for _, tt := range tests {
		code, body := get(tt.path)
		if code != tt.code {
			t.Errorf("GET %s: got %d, want %d\n%s", tt.path, code, tt.code, body)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: want %q in\n%s", tt.path, w, body)
			}
		}
	}
}

// TestServeRefreshWarehouse refreshes the metrics from a real warehouse
// file: read when no writer holds it, kept as it was (and the daemon still
// ready, no run at start) while one does.
func TestServeRefreshWarehouse(t *testing.T) {
	s, logs := testServer(t)
	s.opts.RunAtStart = RunAtStartAuto
	ctx := context.Background()
	w, err := load.Open(ctx, s.cfg.Warehouse.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !s.refresh(ctx) {
		t.Fatalf("refresh of a closed warehouse failed:\n%s", logs.String())
	}
	if report, ready := s.readiness(s.now()); !ready || !strings.Contains(report, "ok warehouse: "+s.cfg.Warehouse.Path+"\n") {
		t.Errorf("readiness after a read: got ready=%v\n%s", ready, report)
	}
	if why := s.startupRun(s.now()); !strings.Contains(why, "no successful run") {
		t.Errorf("run at start with no run in the warehouse: got %q, want one due", why)
	}
	read := s.wh.State().ReadAt

	w, err = load.Open(ctx, s.cfg.Warehouse.Path) // a writer holds the file
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if s.refresh(ctx) {
		t.Fatal("refresh while a writer holds the warehouse: got success, want busy")
	}
	if !errors.Is(s.readErr, load.ErrBusy) || !s.wh.State().ReadAt.Equal(read) {
		t.Errorf("refresh while busy: got error %v and state read at %s; want ErrBusy and the state of %s", s.readErr, s.wh.State().ReadAt, read)
	}
	if report, ready := s.readiness(s.now()); !ready || !strings.Contains(report, "is being written by another process") {
		t.Errorf("readiness while busy: got ready=%v\n%s", ready, report)
	}
	if why := s.startupRun(s.now()); why != "" {
		t.Errorf("run at start while another process writes: got %q, want none", why)
	}
}

var servingRE = regexp.MustCompile(`msg=serving .*addr=(\S+)`)

// TestServeStops: Serve listens, runs at start when asked, and returns
// nil once its context ends, after the run.
func TestServeStops(t *testing.T) {
	var logs logBuffer
	o := testOptions(t, &logs)
	o.RunAtStart = RunAtStartAlways
	ran := make(chan struct{})
	o.Job = func(context.Context, []pipeline.Tenant, StageFunc) error { close(ran); return nil }
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, "127.0.0.1:0") }()
	select {
	case <-ran:
	case err := <-served:
		t.Fatalf("Serve returned before the run at start: %v\n%s", err, logs.String())
	case <-time.After(time.Minute):
		t.Fatalf("no run at start within a minute:\n%s", logs.String())
	}
	m := servingRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("Serve did not log where it listens:\n%s", logs.String())
	}
	resp, err := http.Get("http://" + m[1] + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve after its context ended: got %v, want nil", err)
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("log: want a stopped line:\n%s", logs.String())
	}
	if err := s.Serve(context.Background(), "256.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "serve: listen on 256.0.0.1:0") {
		t.Errorf("Serve on a bad address: got %v, want a listen error", err)
	}
}

// metricValue is the value of the series name{labels...} in s's registry.
func metricValue(t *testing.T, s *Server, name string, labels ...string) float64 {
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
