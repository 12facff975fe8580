package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/serve"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
)

type serveOptions struct {
	listen        string
	runAtStart    string
	shutdownGrace time.Duration
	timeout       time.Duration
}

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
	f.StringVar(&o.runAtStart, "run-at-start", string(serve.RunAtStartAuto), "run at start: auto (when the last success is older than one schedule period), always or never")
	f.DurationVar(&o.shutdownGrace, "shutdown-grace", time.Minute, "on SIGTERM, how long a run in progress may go on before it is cancelled")
	f.DurationVar(&o.timeout, "timeout", 2*time.Hour, "time limit of one tenant's extraction (0: none)")
	return c
}

// runServe checks the flags and the configuration, wires the daemon to
// this binary's Graph clients and job, and serves until ctx ends. Flags
// and configuration are usage errors (exit 2), and so is a tenant whose
// Graph client cannot be built (a missing secret now, not a failed run at
// 03:00).
func runServe(ctx context.Context, g *globals, o serveOptions) error {
	runAtStart, err := serve.ParseRunAtStart(o.runAtStart)
	if err != nil {
		return exit.UsageError(fmt.Errorf("--run-at-start: %w", err))
	}
	if o.shutdownGrace < 0 {
		return exit.UsageError(fmt.Errorf("--shutdown-grace: must be >= 0, got %s", o.shutdownGrace))
	}
	log, cfg, err := g.setup(true)
	if err != nil {
		return err
	}
	if _, err := tenants.Select(cfg.Tenants, nil); err != nil {
		return exit.UsageError(err)
	}
	log = log.With("component", "serve")
	now := func() time.Time { return g.now().UTC() }
	s, err := serve.New(serve.Options{
		Config: cfg, RunAtStart: runAtStart, ShutdownGrace: o.shutdownGrace, Logger: log, Now: now,
		Warehouse: cfg.Warehouse.Tuning(),
		Tenants: func(ctx context.Context, observe func(string, int)) ([]pipeline.Tenant, error) {
			return tenants.Pipeline(ctx, cfg.Tenants, g.getenv, log, observe)
		},
		Job: func(ctx context.Context, pts []pipeline.Tenant, stage serve.StageFunc) error {
			opts, err := g.jobOptions(cfg, stage)
			if err != nil {
				return err
			}
			_, err = job.Run(ctx, cfg, pts, now(), o.timeout, opts)
			return err
		},
	})
	if ce := (*serve.ConfigError)(nil); errors.As(err, &ce) {
		return exit.UsageError(err)
	}
	if err != nil {
		return err
	}
	return s.Serve(ctx, o.listen)
}
