package main

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
)

type reportOptions struct {
	asOf      string
	dir       string
	warehouse string
	tenants   []string
}

func reportCmd(g *globals) *cobra.Command {
	o := reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Write the Excel workbook from the warehouse (latest, or --as-of a past day)",
		Long: `report regenerates the workbook from the warehouse, opened read-only, into
--dir (default reports.dir), named by the day of its snapshot
(seatledger-YYYY-MM-DD.xlsx) and keeping the newest reports.keep workbooks
there, as runs do.

--as-of DATE shows the warehouse as it stood on that day: per tenant the latest
snapshot on or before DATE, and history up to it. A tenant with no snapshot by
then is left out; a DATE before every snapshot is an error. Without --as-of,
SEATLEDGER_NOW (a testing aid) makes its day the default.

--tenant NAME (repeatable) limits every sheet to those tenants; the workbook then
goes to reports.dir/<names> unless --dir says otherwise, so that it never
replaces the day's workbook of all tenants.`,
		Example: `  seatledger report
  seatledger report --as-of 2026-10-31 --dir month-end/
  seatledger report --tenant contoso`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.asOf, "as-of", "", "the day to report on, YYYY-MM-DD (default: the latest snapshots)")
	f.StringVar(&o.dir, "dir", "", "output directory (default: reports.dir of --config, else ./reports)")
	f.StringVar(&o.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config, else ./seatledger.duckdb)")
	f.StringSliceVar(&o.tenants, "tenant", nil, "only these tenants (repeat or comma-separate)")
	return c
}

func runReport(ctx context.Context, g *globals, o reportOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	var asOf time.Time
	if o.asOf != "" {
		if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
			return exit.UsageError(fmt.Errorf("--as-of: want a date as YYYY-MM-DD, got %q", o.asOf))
		}
	} else if g.clock.Shifted() { // a night of a simulated run: report as of that day
		asOf, _ = time.Parse(time.DateOnly, g.now().UTC().Format(time.DateOnly))
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	pseudo, err := cfg.Reports.Pseudonymizer(g.getenv)
	if err != nil {
		return exit.UsageError(err)
	}
	return job.Report(ctx, job.ReportOptions{
		Logger: log, Stdout: g.stdout, Warehouse: cmp.Or(o.warehouse, cfg.Warehouse.Path), AsOf: asOf, Tenants: o.tenants,
		Dir: o.dir, ReportsDir: cfg.Reports.Dir, Keep: cfg.Reports.Keep, Pseudo: pseudo, Tuning: cfg.Warehouse.Tuning(),
	})
}
