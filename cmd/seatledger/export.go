package main

import (
	"cmp"
	"context"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/export"
	"github.com/seatledger/seatledger/load"
)

type exportOptions struct {
	dir       string
	format    string
	tenant    string
	warehouse string
	full      bool
}

func exportCmd(g *globals) *cobra.Command {
	o := exportOptions{}
	c := &cobra.Command{
		Use:   "export",
		Short: "Write every mart and its history as hive-partitioned Parquet (or CSV) for data lakes",
		Long: `export writes every mart (latest snapshot per tenant) and every _history
relation (all snapshots) below --dir, one directory per relation, partitioned as
tenant=<name>/snapshot_date=<YYYY-MM-DD>/, for Spark, Trino, BigQuery, Snowflake
or DuckDB. It is incremental: only partitions of snapshots that are new, re-run
or rebuilt since the last export are written (bookkeeping per tenant in
_seatledger/tenant=<name>.json), each staged and renamed into place; a tenant's
previous latest partition is removed, history partitions are kept even after
retention pruned their snapshot. Several warehouses with different tenants may
share one --dir: each touches only its own tenants. A new --format or a change of
pseudonyms rewrites every partition; --full rewrites them anyway. Files are
owner-only. With reports.pseudonymize, names are pseudonymised as in the
workbook. The warehouse is opened read-only.`,
		Example: `  seatledger export --dir /data/lake/seatledger
  duckdb -c "SELECT tenant, sum(annual_cost) FROM read_parquet('/data/lake/seatledger/mart_spend/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExport(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.dir, "dir", "", "output directory (default: reports.parquet_dir for Parquet, else ./"+export.DefaultDir+")")
	f.StringVar(&o.format, "format", "parquet", "file format: parquet or csv")
	f.StringVar(&o.tenant, "tenant", "", "export only this tenant")
	f.BoolVar(&o.full, "full", false, "rewrite every partition of the exported tenants, changed or not")
	f.StringVar(&o.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config, else ./seatledger.duckdb)")
	return c
}

func runExport(ctx context.Context, g *globals, o exportOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	if err := export.CheckFormat(o.format); err != nil {
		return exit.UsageError(err)
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	pseudo, err := cfg.Reports.Pseudonymizer(g.getenv)
	if err != nil {
		return exit.UsageError(err)
	}
	return export.Run(ctx, g.stdout, export.Options{
		Warehouse: cmp.Or(o.warehouse, cfg.Warehouse.Path), Dir: o.dir, ParquetDir: cfg.Reports.ParquetDir,
		Format: o.format, Tenant: o.tenant, Full: o.full, Pseudo: pseudo, Now: g.now(),
		Open: append(cfg.Warehouse.Tuning(), load.WithLogger(log)),
	})
}
