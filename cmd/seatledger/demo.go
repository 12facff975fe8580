package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

type demoOptions struct {
	dir          string
	users        int
	seed         int64
	throttleRate float64
	concealed    bool
}

func demoCmd(g *globals) *cobra.Command {
	o := demoOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole job against the built-in tenant simulator (no Azure account needed)",
		Long: `demo starts the tenant simulator in-process (HTTPS on loopback with its own CA),
runs the whole pipeline against it through the real Azure Identity credential and
the real Microsoft Graph SDK, and writes the warehouse, the workbook and the
Parquet export (--dir/parquet) into --dir.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.dir, "dir", "seatledger-demo", "output directory")
	f.IntVar(&o.users, "users", 3000, "simulated users")
	f.Int64Var(&o.seed, "seed", 1, "simulator seed (same seed, same tenant)")
	f.Float64Var(&o.throttleRate, "throttle-rate", 0.02, "fraction of Graph requests the simulator throttles with 429")
	f.BoolVar(&o.concealed, "concealed", false, "simulate a tenant whose usage report conceals user names")
	return c
}

func runDemo(ctx context.Context, g *globals, o demoOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	if o.users < 1 {
		return usageErr(fmt.Errorf("--users: must be at least 1, got %d", o.users))
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return fmt.Errorf("create demo directory: %w", err)
	}
	now := g.now().UTC()
	tenant := graphsim.Generate(graphsim.GenOptions{Users: o.users, Seed: o.seed, Now: now})
	srv, err := graphsim.NewServer(tenant, graphsim.ServerOptions{
		Dir: o.dir, ThrottleRate: o.throttleRate, RetryAfter: time.Second,
		Concealed: o.concealed, Seed: o.seed, Logger: log.With("component", "graphsim"),
	})
	if err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("start simulator: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(g.stdout, "simulator: %s (CA %s), %d users\n", srv.URL(), srv.CAFile(), o.users)

	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	cfg.Warehouse.Path = filepath.Join(o.dir, "seatledger.duckdb")
	cfg.Reports.Dir = o.dir
	cfg.Reports.ParquetDir = filepath.Join(o.dir, "parquet")
	counter := newRequestCounter()
	src, err := graph.New(ctx, graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(),
		Cloud: "custom", AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth:    graph.Auth{Method: "client_secret", ClientSecret: srv.ClientSecret()},
		RootCAs: srv.CertPool(), Observe: counter.observe, Logger: log.With("tenant", "demo"),
	})
	if err != nil {
		return fmt.Errorf("graph client: %w", err)
	}
	tenants := []pipeline.Tenant{{Name: "demo", Source: src, ReportPeriod: "D7", Counter: counter.totals}}
	return runPipeline(ctx, g, cfg, tenants, now, 0)
}

// runPipeline is what demo and run share: open the warehouse, extract and
// load every tenant, transform, write the workbook, print the summary.
func runPipeline(ctx context.Context, g *globals, cfg *config.Config, tenants []pipeline.Tenant, now time.Time, timeout time.Duration) error {
	_, err := runPipelineObserved(ctx, g, cfg, tenants, now, timeout, nil)
	return err
}

// stageFunc is told how long a stage of a run took and whether it
// succeeded (serve's job metrics).
type stageFunc func(stage string, elapsed time.Duration, ok bool)

// Stages that runPipelineObserved reports besides the pipeline's.
const (
	stageWarehouse = "warehouse"
	stageWorkbook  = "workbook"
)

// runPipelineObserved is runPipeline that also returns the tenants'
// results and tells stage, when set, about each stage: warehouse, extract,
// transform and workbook. The warehouse is open only inside this call.
func runPipelineObserved(ctx context.Context, g *globals, cfg *config.Config, tenants []pipeline.Tenant, now time.Time, timeout time.Duration, stage stageFunc) ([]pipeline.Result, error) {
	if stage == nil {
		stage = func(string, time.Duration, bool) {}
	}
	log, err := g.logger()
	if err != nil {
		return nil, err
	}
	params, err := paramTables(cfg)
	if err != nil {
		return nil, usageErr(err)
	}
	pseudo, err := g.pseudonymizer(cfg.Reports)
	if err != nil {
		return nil, usageErr(err)
	}
	start := time.Now()
	w, err := load.Open(ctx, cfg.Warehouse.Path, append(tuning(cfg.Warehouse), load.WithLogger(log))...)
	stage(stageWarehouse, time.Since(start), err == nil)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", cfg.Warehouse.Path, err)
	}
	defer w.Close()
	prog := newProgress(g.stderr)
	elapsed := map[string]time.Duration{}
	results, runErr := pipeline.Run(ctx, w, tenants, pipeline.Options{
		Logger: log, Now: func() time.Time { return g.now().UTC() }, Params: params, Progress: prog.users, Timeout: timeout,
		Concurrency: cfg.Run.Concurrency,
		StageDone:   func(s string, d time.Duration) { elapsed[s] = d },
	})
	prog.done()
	// Retention: a failed prune loses nothing and is retried next run.
	if _, err := w.Prune(ctx, cfg.Warehouse.RetentionDays, now); err != nil {
		runErr = joinErr(runErr, fmt.Errorf("apply warehouse.retention_days: %w", err))
	}
	extractOK, transformOK := stageOutcomes(results, runErr)
	stage(pipeline.StageExtract, elapsed[pipeline.StageExtract], extractOK)
	stage(pipeline.StageTransform, elapsed[pipeline.StageTransform], transformOK)
	// The workbook (mostly Go) and the Parquet export (mostly DuckDB) only
	// read the warehouse: side by side they take the longer of the two.
	var book, parquet string
	var bookErr, parquetErr error
	var wg sync.WaitGroup
	if cfg.Reports.ParquetDir != "" {
		wg.Go(func() { parquet, parquetErr = exportParquet(ctx, w, cfg.Reports.ParquetDir, pseudo, now) })
	}
	if cfg.Reports.Excel {
		start = time.Now()
		book, bookErr = writeWorkbook(ctx, w, cfg.Reports.Dir, cfg.Reports.Keep, now, pseudo)
		stage(stageWorkbook, time.Since(start), bookErr == nil)
		if bookErr != nil {
			runErr = joinErr(runErr, fmt.Errorf("write workbook: %w", bookErr))
		}
	}
	wg.Wait()
	if parquetErr != nil {
		runErr = joinErr(runErr, parquetErr)
	}
	if err := printSummary(ctx, g.stdout, w, results, cfg.Warehouse.Path, book); err != nil {
		runErr = joinErr(runErr, err)
	}
	if parquet != "" {
		fmt.Fprintf(g.stdout, "parquet:   %s\n", parquet)
	}
	return results, runOutcome(results, runErr)
}

// stageOutcomes tells from pipeline.Run's results and error whether the
// extract stage (every tenant) and the transform stage succeeded: Run's
// error joins one error per failed tenant, plus any of the transforms.
func stageOutcomes(results []pipeline.Result, runErr error) (extract, transform bool) {
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	errs := 0
	if runErr != nil {
		errs = 1
		if j, ok := runErr.(interface{ Unwrap() []error }); ok {
			errs = len(j.Unwrap())
		}
	}
	return failed == 0, errs <= failed
}
