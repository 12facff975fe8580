package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/query"
)

type queryOptions struct {
	warehouse string
	format    string
}

func queryCmd(g *globals) *cobra.Command {
	o := queryOptions{}
	c := &cobra.Command{
		Use:   "query SQL",
		Short: "Run read-only SQL against the warehouse (--format table, csv or json)",
		Example: `  seatledger query "SELECT sku_part_number, unused_units, unused_annual_cost FROM mart_license_inventory"
  seatledger query --format csv "SELECT * FROM mart_reclamation_candidates" > candidates.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runQuery(cmd.Context(), g, o, args[0]) },
	}
	c.Flags().StringVar(&o.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config, else ./seatledger.duckdb)")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table, csv or json")
	return c
}

func runQuery(ctx context.Context, g *globals, o queryOptions, sql string) error {
	if err := query.CheckFormat(o.format); err != nil {
		return exit.UsageError(err)
	}
	path, err := g.warehousePath(o.warehouse)
	if err != nil {
		return err
	}
	qo := query.Options{Warehouse: path, Format: o.format}
	// The configuration is optional: without one, DuckDB's defaults and
	// nothing readable besides the warehouse.
	if cfg, err := g.loadConfig(false); err == nil {
		qo.Open, qo.ParquetDir = cfg.Warehouse.Tuning(), cfg.Reports.ParquetDir
	}
	return query.Run(ctx, g.stdout, qo, sql)
}
