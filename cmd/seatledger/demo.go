package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/demo"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
)

func demoCmd(g *globals) *cobra.Command {
	o := demo.Options{}
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
	f.StringVar(&o.Dir, "dir", "seatledger-demo", "output directory")
	f.IntVar(&o.Users, "users", 3000, "simulated users")
	f.Int64Var(&o.Seed, "seed", 1, "simulator seed (same seed, same tenant)")
	f.Float64Var(&o.ThrottleRate, "throttle-rate", 0.02, "fraction of Graph requests the simulator throttles with 429")
	f.BoolVar(&o.Concealed, "concealed", false, "simulate a tenant whose usage report conceals user names")
	return c
}

func runDemo(ctx context.Context, g *globals, o demo.Options) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	if o.Users < 1 {
		return exit.UsageError(fmt.Errorf("--users: must be at least 1, got %d", o.Users))
	}
	now := g.now().UTC()
	srv, err := demo.Start(o, now, log.With("component", "graphsim"))
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(g.stdout, "simulator: %s (CA %s), %d users\n", srv.URL(), srv.CAFile(), o.Users)
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	demo.Configure(cfg, o.Dir)
	pt, err := demo.Tenant(ctx, srv, log)
	if err != nil {
		return err
	}
	opts, err := g.jobOptions(cfg, nil)
	if err != nil {
		return err
	}
	_, err = job.Run(ctx, cfg, []pipeline.Tenant{pt}, now, 0, opts)
	return err
}
