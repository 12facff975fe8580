package main

import (
	"cmp"
	"context"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/rebuild"
	"github.com/seatledger/seatledger/load"
)

type rebuildOptions struct {
	tenant    string
	from, to  string
	apply     bool
	warehouse string
}

func rebuildCmd(g *globals) *cobra.Command {
	o := rebuildOptions{}
	c := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute the marts of past snapshots from their stored raw data (dry run unless --apply)",
		Long: `Each snapshot's marts are computed once, when it is written, with the rules and
prices of that day: what a past day reported stays as reported. rebuild
recomputes them from the snapshots' stored raw data after a rule or price change,
with the rules and prices of --config (without a configuration: with the
parameters the warehouse holds, e.g. after an upgrade of seatledger).

It is a dry run unless --apply: it then says, per snapshot, how many mart rows
would be added and removed, and changes nothing but the journal. With --apply
each snapshot is recomputed in its own transaction (a failure keeps the others
and leaves that one as it was). Every snapshot is journaled in mart_rebuilds.
Exit 3 when some snapshot failed.`,
		Example: `  seatledger rebuild --config seatledger.yml --from 2026-01-01          # what would change
  seatledger rebuild --config seatledger.yml --from 2026-01-01 --apply`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRebuild(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.tenant, "tenant", "", "only this tenant's snapshots")
	f.StringVar(&o.from, "from", "", "first snapshot date, YYYY-MM-DD (default: the first stored)")
	f.StringVar(&o.to, "to", "", "last snapshot date, YYYY-MM-DD (default: the last stored)")
	f.BoolVar(&o.apply, "apply", false, "store the recomputed marts (default: dry run)")
	f.StringVar(&o.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config, else ./seatledger.duckdb)")
	return c
}

func runRebuild(ctx context.Context, g *globals, o rebuildOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	from, err := rebuild.ParseDay("--from", o.from)
	if err != nil {
		return exit.UsageError(err)
	}
	to, err := rebuild.ParseDay("--to", o.to)
	if err != nil {
		return exit.UsageError(err)
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	ro := load.RebuildOptions{Tenant: o.tenant, From: from, To: to, DryRun: !o.apply}
	if g.configPath != "" || g.getenv("SEATLEDGER_CONFIG") != "" {
		if ro.Params, err = cfg.ParamTables(); err != nil {
			return exit.UsageError(err)
		}
	}
	return rebuild.Run(ctx, g.stdout, cmp.Or(o.warehouse, cfg.Warehouse.Path), append(cfg.Warehouse.Tuning(), load.WithLogger(log)), ro)
}
