package main

import (
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
	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/metrics"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
)

type serveOptions struct {
	listen        string
	runAtStart    string
	shutdownGrace time.Duration
	timeout       time.Duration
}

// Values of --run-at-start.
const (
	runAtStartAuto   = "auto"
	runAtStartAlways = "always"
	runAtStartNever  = "never"
)

func serveCmd(g *globals) *cobra.Command {
	o := serveOptions{}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Daemon: runs on the cron schedule and serves /metrics, /healthz and /readyz",
		Long: `serve runs the job on schedule.cron (robfig/cron with CRON_TZ=; default daily at
03:00 UTC) plus a random schedule.jitter, and serves Prometheus metrics on
serve.listen. A run whose predecessor is still going is skipped; a panic in a
run is logged and the daemon goes on. At start it runs at once when a
configured tenant's last success is older than one schedule period.

The warehouse is opened only while a run writes it: between runs the metrics
are served from memory, read back from the latest snapshots after each run,
and other readers (seatledger query, DuckDB) can open the file.

On SIGTERM or SIGINT no new run starts; a run in progress may finish within
--shutdown-grace, then it is cancelled: its snapshot transaction rolls back
(the previous snapshot stays) and the journal records it failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.listen, "listen", "", "host:port for /metrics and health (default: serve.listen of the configuration)")
	f.StringVar(&o.runAtStart, "run-at-start", runAtStartAuto, "run at start: auto (when the last success is older than one schedule period), always or never")
	f.DurationVar(&o.shutdownGrace, "shutdown-grace", time.Minute, "on SIGTERM, how long a run in progress may go on before it is cancelled")
	f.DurationVar(&o.timeout, "timeout", 2*time.Hour, "time limit of one tenant's extraction (0: none)")
	return c
}

// server is a running `seatledger serve`: its schedule, metrics and state.
type server struct {
	g        *globals
	cfg      *config.Config
	opts     serveOptions
	log      *slog.Logger
	schedule cron.Schedule
	reg      *prometheus.Registry
	wh       *metrics.Warehouse
	job      *metrics.Job
	now      func() time.Time
	// pipeline runs the job once; runPipelineObserved, replaced in tests.
	pipeline func(ctx context.Context, tenants []pipeline.Tenant, stage stageFunc) error
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

func runServe(ctx context.Context, g *globals, o serveOptions) error {
	s, err := newServer(g, o)
	if err != nil {
		return err
	}
	defer s.cancelRun()
	addr := o.listen
	if addr == "" {
		addr = s.cfg.Serve.Listen
	}
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

// newServer loads the configuration, checks that every tenant's Graph
// client can be built (a missing secret is a usage error now, not a
// failed run at 03:00) and builds the metrics registry.
func newServer(g *globals, o serveOptions) (*server, error) {
	switch o.runAtStart {
	case runAtStartAuto, runAtStartAlways, runAtStartNever:
	default:
		return nil, usageErr(fmt.Errorf("--run-at-start: must be auto, always or never, got %q", o.runAtStart))
	}
	if o.shutdownGrace < 0 {
		return nil, usageErr(fmt.Errorf("--shutdown-grace: must be >= 0, got %s", o.shutdownGrace))
	}
	log, err := g.logger()
	if err != nil {
		return nil, err
	}
	cfg, err := g.loadConfig(true)
	if err != nil {
		return nil, err
	}
	if _, err := selectTenants(cfg.Tenants, nil); err != nil {
		return nil, usageErr(err)
	}
	sched, err := config.CronParser.Parse(cfg.Schedule.Cron)
	if err != nil {
		return nil, usageErr(fmt.Errorf("schedule.cron: %w", err))
	}
	s := &server{
		g: g, cfg: cfg, opts: o, log: log.With("component", "serve"), schedule: sched,
		reg: prometheus.NewRegistry(), now: func() time.Time { return g.now().UTC() },
		stopping: make(chan struct{}),
	}
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	if _, err := s.tenants(context.Background()); err != nil {
		return nil, usageErr(err)
	}
	s.wh = metrics.NewWarehouse(s.now)
	if s.job, err = metrics.Register(s.reg, s.wh); err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	s.pipeline = func(ctx context.Context, tenants []pipeline.Tenant, stage stageFunc) error {
		_, err := runPipelineObserved(ctx, g, cfg, tenants, s.now(), o.timeout, stage)
		return err
	}
	return s, nil
}

// tenants builds the pipeline tenants of a run: fresh Graph clients whose
// request counters feed both etl_runs and the Prometheus counters.
func (s *server) tenants(ctx context.Context) ([]pipeline.Tenant, error) {
	out := make([]pipeline.Tenant, 0, len(s.cfg.Tenants))
	for _, t := range s.cfg.Tenants {
		counter := newRequestCounter()
		if s.job != nil {
			counter.forwardTo(s.job.ObserveGraph)
		}
		src, err := s.g.graphClient(ctx, t, s.log, counter.observe)
		if err != nil {
			return nil, err
		}
		out = append(out, pipeline.Tenant{Name: t.Name, Source: src, ReportPeriod: t.ReportPeriod, Counter: counter.totals})
	}
	return out, nil
}

// shutdown stops the schedule, lets a run in progress go on for the grace
// period, then cancels it and waits for it to roll back and return.
func (s *server) shutdown(c *cron.Cron) {
	s.mu.Lock()
	s.stopped = true
	running := s.running
	s.mu.Unlock()
	close(s.stopping)
	c.Stop() // a run triggered from now on sees s.stopped and returns
	done := make(chan struct{})
	go func() { s.runs.Wait(); close(done) }()
	if running {
		s.log.Info("shutting down: waiting for the run in progress", "grace", s.opts.shutdownGrace)
	}
	select {
	case <-done:
	case <-time.After(s.opts.shutdownGrace):
		s.log.Warn("shutting down: grace period over, cancelling the run in progress (its snapshot rolls back)")
		s.cancelRun()
		<-done
	}
}
