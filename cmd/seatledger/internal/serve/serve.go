// Package serve is the `seatledger serve` daemon: it runs the job on the
// configuration's cron schedule (and at start when a run is due), keeps
// the bookkeeping of its runs, and serves /metrics, /healthz and /readyz
// (see the README's Operations section). The job itself and the Graph
// clients are the caller's: New takes them as functions, so the daemon
// knows when to run, not how.
package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/metrics"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
)

// RunAtStart says whether the daemon runs the job as soon as it starts.
type RunAtStart string

// The values of RunAtStart.
const (
	// RunAtStartAuto runs when a tenant's last success is older than one
	// schedule period, or when one never succeeded.
	RunAtStartAuto   RunAtStart = "auto"
	RunAtStartAlways RunAtStart = "always"
	RunAtStartNever  RunAtStart = "never"
)

// ParseRunAtStart returns the RunAtStart named s.
func ParseRunAtStart(s string) (RunAtStart, error) {
	switch r := RunAtStart(s); r {
	case RunAtStartAuto, RunAtStartAlways, RunAtStartNever:
		return r, nil
	}
	return "", fmt.Errorf("must be auto, always or never, got %q", s)
}

// StageFunc is told how long a stage of a run took and whether it
// succeeded; the job calls it for each of its stages.
type StageFunc = func(stage string, elapsed time.Duration, ok bool)

// Job runs the nightly job once for tenants, telling stage about each
// stage (job.StageWarehouse, pipeline.StageExtract, pipeline.StageTransform,
// job.StageWorkbook). The warehouse must be open only inside the call. Its
// error fails the run.
type Job func(ctx context.Context, tenants []pipeline.Tenant, stage StageFunc) error

// Tenants builds the pipeline tenants of one run: fresh Graph clients that
// pass every HTTP attempt to observe when it is not nil (the Prometheus
// request counters).
type Tenants func(ctx context.Context, observe func(endpoint string, status int)) ([]pipeline.Tenant, error)

// Options are what New needs.
type Options struct {
	Config        *config.Config
	RunAtStart    RunAtStart
	ShutdownGrace time.Duration // how long a run may go on after the context ends
	Logger        *slog.Logger
	// Now is the business clock: what the staleness checks and the
	// metrics' ages count from.
	Now func() time.Time
	// Warehouse is the DuckDB settings of the read-only opens that refresh
	// the metrics.
	Warehouse []load.Option
	Tenants   Tenants
	Job       Job
}

// ConfigError is an error of the configuration or the options, found by
// New before anything runs: the caller's usage error.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Server is a running `seatledger serve`: its schedule, metrics and state.
type Server struct {
	cfg      *config.Config
	opts     Options
	log      *slog.Logger
	schedule cron.Schedule
	reg      *prometheus.Registry
	wh       *metrics.Warehouse
	job      *metrics.Job
	now      func() time.Time
	// pipeline runs the job once: Options.Job, replaced in tests.
	pipeline Job
	// runCtx is the context of runs: cancelled when the grace period
	// after a shutdown signal ends.
	runCtx    context.Context
	cancelRun context.CancelFunc
	stopping  chan struct{} // closed on shutdown: no new run starts
	// skipJitter makes the next run start at once (the run at start).
	skipJitter atomic.Bool

	mu        sync.Mutex
	stopped   bool
	runs      sync.WaitGroup
	running   bool
	loaded    bool      // the warehouse was read once (or found absent)
	readErr   error     // the last warehouse read's error
	lastRun   time.Time // end of the last run of this process
	lastRunOK bool
}

// New parses the schedule, checks that every tenant's Graph client can be
// built (a missing secret is a usage error now, not a failed run at 03:00)
// and builds the metrics registry. Errors of the configuration are
// *ConfigError.
func New(o Options) (*Server, error) {
	if _, err := ParseRunAtStart(string(o.RunAtStart)); err != nil {
		return nil, &ConfigError{fmt.Errorf("run at start: %w", err)}
	}
	if o.ShutdownGrace < 0 {
		return nil, &ConfigError{fmt.Errorf("shutdown grace: must be >= 0, got %s", o.ShutdownGrace)}
	}
	sched, err := config.CronParser.Parse(o.Config.Schedule.Cron)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("schedule.cron: %w", err)}
	}
	s := &Server{
		cfg: o.Config, opts: o, log: o.Logger, schedule: sched,
		reg: prometheus.NewRegistry(), now: o.Now, pipeline: o.Job,
		stopping: make(chan struct{}),
	}
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	if _, err := s.tenants(context.Background()); err != nil {
		s.cancelRun()
		return nil, &ConfigError{err}
	}
	s.wh = metrics.NewWarehouse(s.now)
	if s.job, err = metrics.Register(s.reg, s.wh); err != nil {
		s.cancelRun()
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	return s, nil
}

// Serve listens on addr (serve.listen of the configuration when it is
// empty), serves the endpoints, reads the metrics, starts
// the schedule (and the run at start, when due) and blocks until ctx ends
// (SIGTERM) or the listener fails; then it shuts down: no new run starts,
// a run in progress gets the grace period, the HTTP server stops.
func (s *Server) Serve(ctx context.Context, addr string) error {
	defer s.cancelRun()
	addr = cmp.Or(addr, s.cfg.Serve.Listen)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "schedule", s.cfg.Schedule.Cron,
		"jitter", s.cfg.Schedule.Jitter, "tenants", len(s.cfg.Tenants), "warehouse", s.cfg.Warehouse.Path)

	s.refresh(ctx)
	c := s.startCron()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served: // the listener failed: stop like on SIGTERM, then report it
		s.log.Error("http server stopped", "err", serveErr)
	}
	s.shutdown(c)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shut down http server: %w", err)
	}
	if serveErr == nil {
		serveErr = <-served
	}
	s.log.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: http server: %w", serveErr)
	}
	return nil
}

// tenants builds the pipeline tenants of a run, their Graph requests
// counted by the Prometheus counters once these exist.
func (s *Server) tenants(ctx context.Context) ([]pipeline.Tenant, error) {
	var observe func(string, int)
	if s.job != nil {
		observe = s.job.ObserveGraph
	}
	return s.opts.Tenants(ctx, observe)
}

// shutdown stops the schedule, lets a run in progress go on for the grace
// period, then cancels it and waits for it to roll back and return.
func (s *Server) shutdown(c *cron.Cron) {
	s.mu.Lock()
	s.stopped = true
	running := s.running
	s.mu.Unlock()
	close(s.stopping)
	c.Stop() // a run triggered from now on sees s.stopped and returns
	done := make(chan struct{})
	go func() { s.runs.Wait(); close(done) }()
	if running {
		s.log.Info("shutting down: waiting for the run in progress", "grace", s.opts.ShutdownGrace)
	}
	select {
	case <-done:
	case <-time.After(s.opts.ShutdownGrace):
		s.log.Warn("shutting down: grace period over, cancelling the run in progress (its snapshot rolls back)")
		s.cancelRun()
		<-done
	}
}
