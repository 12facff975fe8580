// Package export writes the warehouse's marts and their history as
// hive-partitioned Parquet or CSV for data lakes: the export command, and
// the Parquet export after a nightly run (reports.parquet_dir).
package export

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// DefaultDir is where export writes without --dir and without
// reports.parquet_dir.
const DefaultDir = "export"

// Options are one export command's.
type Options struct {
	Warehouse  string // the warehouse file, opened read-only
	Dir        string // --dir; "" for ParquetDir (Parquet only), else DefaultDir
	ParquetDir string // reports.parquet_dir
	Format     string // parquet or csv
	Tenant     string // only this tenant; "" for all
	Full       bool   // rewrite every partition, changed or not
	Pseudo     *transform.Pseudonymizer
	Now        time.Time
	Open       []load.Option // DuckDB settings and logger
}

// CheckFormat refuses a file format other than parquet or csv.
func CheckFormat(format string) error {
	if !slices.Contains(load.ExportFormats, format) {
		return fmt.Errorf("--format: must be parquet or csv, got %q", format)
	}
	return nil
}

// dir is the directory an export writes below.
func (o Options) dir() string {
	dir := o.Dir
	if dir == "" && o.Format == "parquet" {
		dir = o.ParquetDir
	}
	return cmp.Or(dir, DefaultDir)
}

// Run exports the warehouse incrementally and prints, per relation, the
// partitions written, unchanged and removed, then where the export is.
func Run(ctx context.Context, out io.Writer, o Options) error {
	if err := CheckFormat(o.Format); err != nil {
		return err
	}
	dir := o.dir()
	w, err := load.OpenReadOnly(ctx, o.Warehouse, o.Open...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", o.Warehouse, err)
	}
	defer w.Close()
	tables, err := w.Export(ctx, dir, load.ExportOptions{Format: o.Format, Tenant: o.Tenant, Mask: Mask(o.Pseudo), Full: o.Full, Now: o.Now})
	if err != nil {
		return fmt.Errorf("export to %s: %w", dir, err)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "relation\twritten\tunchanged\tremoved\trows written")
	for _, t := range tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", t.Name, t.Written, t.Skipped, t.Removed, t.Rows)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(out, "export:    %s (%s, tenant=…/snapshot_date=…)\n", abs, o.Format)
	return nil
}

// Parquet is the Parquet export after a run (reports.parquet_dir),
// pseudonymised like the workbook; it returns the export's path.
func Parquet(ctx context.Context, w *load.Warehouse, dir string, pseudo *transform.Pseudonymizer, now time.Time) (string, error) {
	if _, err := w.Export(ctx, dir, load.ExportOptions{Format: "parquet", Mask: Mask(pseudo), Now: now}); err != nil {
		return "", fmt.Errorf("export parquet to %s: %w", dir, err)
	}
	return filepath.Abs(dir)
}

// Mask turns the reports' pseudonymizer into export masks for the
// personal columns; nil without one.
func Mask(p *transform.Pseudonymizer) map[string]func(string) string {
	if p == nil {
		return nil
	}
	mask := map[string]func(string) string{}
	for col, kind := range transform.PersonalColumns {
		mask[col] = func(v string) string { return p.Pseudonym(kind, v) }
	}
	return mask
}
