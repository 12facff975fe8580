package main

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// defaultExportDir is where export writes without --dir and without
// reports.parquet_dir.
const defaultExportDir = "export"

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
	f.StringVar(&o.dir, "dir", "", "output directory (default: reports.parquet_dir for Parquet, else ./"+defaultExportDir+")")
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
	if !slices.Contains(load.ExportFormats, o.format) {
		return usageErr(fmt.Errorf("--format: must be parquet or csv, got %q", o.format))
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	path := cmp.Or(o.warehouse, cfg.Warehouse.Path)
	dir := o.dir
	if dir == "" && o.format == "parquet" {
		dir = cfg.Reports.ParquetDir
	}
	dir = cmp.Or(dir, defaultExportDir)
	pseudo, err := g.pseudonymizer(cfg.Reports)
	if err != nil {
		return usageErr(err)
	}
	w, err := load.OpenReadOnly(ctx, path, append(tuning(cfg.Warehouse), load.WithLogger(log))...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", path, err)
	}
	defer w.Close()
	tables, err := w.Export(ctx, dir, load.ExportOptions{Format: o.format, Tenant: o.tenant, Mask: exportMask(pseudo), Full: o.full, Now: g.now()})
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "relation\twritten\tunchanged\tremoved\trows written")
	for _, t := range tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", t.Name, t.Written, t.Skipped, t.Removed, t.Rows)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(g.stdout, "export:    %s (%s, tenant=…/snapshot_date=…)\n", abs, o.format)
	return nil
}

// exportParquet is the Parquet export after a run (reports.parquet_dir),
// pseudonymised like the workbook; it returns the export's path.
func exportParquet(ctx context.Context, w *load.Warehouse, dir string, pseudo *transform.Pseudonymizer, now time.Time) (string, error) {
	if _, err := w.Export(ctx, dir, load.ExportOptions{Format: "parquet", Mask: exportMask(pseudo), Now: now}); err != nil {
		return "", fmt.Errorf("export parquet to %s: %w", dir, err)
	}
	return filepath.Abs(dir)
}

// exportMask turns the reports' pseudonymizer into export masks for the
// personal columns; nil without one.
func exportMask(p *transform.Pseudonymizer) map[string]func(string) string {
	if p == nil {
		return nil
	}
	mask := map[string]func(string) string{}
	for col, kind := range transform.PersonalColumns {
		mask[col] = func(v string) string { return p.Pseudonym(kind, v) }
	}
	return mask
}
