package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/export"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
	"github.com/seatledger/seatledger/load"
)

type runOptions struct {
	tenants []string
	shard   string
	timeout time.Duration
}

func runCmd(g *globals) *cobra.Command {
	o := runOptions{}
	c := &cobra.Command{
		Use:   "run",
		Short: "One ETL run now, for all tenants or those named with --tenant",
		Long: `run extracts every configured tenant (or the --tenant ones) from Microsoft Graph,
writes one snapshot per tenant into the warehouse, rebuilds the marts and
writes the workbook. It exits 0 only when every tenant succeeded (a degraded
tenant, whose optional datasets failed, counts as success), 3 when some
tenants failed, 2 for a configuration error and 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRun(cmd.Context(), g, o) },
	}
	c.Flags().StringSliceVar(&o.tenants, "tenant", nil, "run only these tenants (by name; repeat or comma-separate)")
	c.Flags().StringVar(&o.shard, "shard", "", "run only shard K of N (K/N, K from 0 to N-1): tenants are assigned by a hash of their name, "+
		"so each shard's set stays put when tenants are added (one warehouse per shard; e.g. a Kubernetes Indexed Job's $JOB_COMPLETION_INDEX)")
	c.Flags().DurationVar(&o.timeout, "timeout", 2*time.Hour, "time limit of one tenant's extraction (0: none)")
	return c
}

func runRun(ctx context.Context, g *globals, o runOptions) error {
	log, cfg, err := g.setup(true)
	if err != nil {
		return err
	}
	selected, err := tenants.ForRun(cfg.Tenants, o.tenants, o.shard)
	if err != nil {
		return exit.UsageError(err)
	}
	if o.shard != "" {
		if len(selected) == 0 {
			fmt.Fprintf(g.stdout, "shard %s holds no tenant: nothing to run\n", o.shard)
			return nil
		}
		log.Info("running one shard", "shard", o.shard, "tenants", len(selected))
	}
	pts, err := tenants.Pipeline(ctx, selected, g.getenv, log, nil)
	if err != nil {
		return exit.UsageError(err)
	}
	opts, err := g.jobOptions(cfg, nil)
	if err != nil {
		return err
	}
	_, err = job.Run(ctx, cfg, pts, g.now().UTC(), o.timeout, opts)
	return err
}

// jobOptions are the job's options as demo, run, serve and bench run it:
// the configuration's parameter tables, pseudonymizer and DuckDB settings,
// the progress display on stderr and the Parquet export; stage, when set,
// is told about each stage.
func (g *globals) jobOptions(cfg *config.Config, stage job.StageFunc) (job.Options, error) {
	log, err := g.logger()
	if err != nil {
		return job.Options{}, err
	}
	params, err := cfg.ParamTables()
	if err != nil {
		return job.Options{}, exit.UsageError(err)
	}
	pseudo, err := cfg.Reports.Pseudonymizer(g.getenv)
	if err != nil {
		return job.Options{}, exit.UsageError(err)
	}
	return job.Options{
		Logger: log, Stdout: g.stdout, Now: g.now, Params: params, Pseudo: pseudo, Tuning: cfg.Warehouse.Tuning(),
		Progress: g.stderr, Parquet: export.Parquet, Stage: stage,
	}, nil
}

// setup is the logger and the configuration (loadConfig) a command
// starts with.
func (g *globals) setup(required bool) (*slog.Logger, *config.Config, error) {
	log, err := g.logger()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := g.loadConfig(required)
	if err != nil {
		return nil, nil, err
	}
	return log, cfg, nil
}

// loadConfig is the configuration of --config or $SEATLEDGER_CONFIG, the
// built-in default without either unless required (see config.Find).
func (g *globals) loadConfig(required bool) (*config.Config, error) {
	cfg, err := config.Find(g.configPath, g.getenv, required)
	if err != nil {
		return nil, exit.UsageError(err)
	}
	return cfg, nil
}

// warehousePath is flag when set, else the configuration's warehouse
// path, else the default.
func (g *globals) warehousePath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return "", err
	}
	return cfg.Warehouse.Path, nil
}

// tuning is the DuckDB settings of an optional configuration: one that
// does not load gives the defaults (its error shows where it is needed).
func (g *globals) tuning() []load.Option {
	cfg, err := g.loadConfig(false)
	if err != nil {
		return nil
	}
	return cfg.Warehouse.Tuning()
}
