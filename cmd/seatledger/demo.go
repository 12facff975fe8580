package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
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
	_, err = runPipelineObserved(ctx, g, cfg, tenants, now, 0, nil)
	return err
}
