// Package query runs the SQL of seatledger query against the warehouse,
// confined to it and the Parquet export directory, and writes the result
// as a table, CSV or JSON.
package query

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/load"
)

// Options say where and how a query runs.
type Options struct {
	Warehouse  string        // the warehouse file, opened read-only
	Format     string        // table, csv or json
	ParquetDir string        // reports.parquet_dir: readable besides the warehouse; "" for none
	Open       []load.Option // DuckDB settings of the configuration
}

// writers are the output formats by name.
var writers = map[string]func(io.Writer, []string, [][]any) error{
	"table": writeTable, "csv": writeCSV, "json": writeJSON,
}

// CheckFormat refuses an output format other than table, csv or json.
func CheckFormat(format string) error {
	if _, ok := writers[format]; !ok {
		return fmt.Errorf("--format: must be table, csv or json, got %q", format)
	}
	return nil
}

// Run runs one read-only SELECT on the warehouse and writes its result to
// out. The warehouse is confined: besides its own file, only files under
// ParquetDir may be read, and nothing may be written.
func Run(ctx context.Context, out io.Writer, o Options, query string) error {
	if err := CheckFormat(o.Format); err != nil {
		return err
	}
	var dirs []string
	if o.ParquetDir != "" {
		dirs = append(dirs, o.ParquetDir)
	}
	w, err := load.OpenReadOnly(ctx, o.Warehouse, slices.Concat(o.Open, []load.Option{load.ConfineFiles(dirs...)})...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", o.Warehouse, err)
	}
	defer w.Close()
	var rows [][]any
	cols, err := w.QueryUser(ctx, query, func(v []any) error {
		rows = append(rows, v)
		return nil
	})
	if err != nil {
		if errors.Is(err, load.ErrConfined) {
			return fmt.Errorf("query refused: seatledger query is read-only: it runs one SELECT and reads no file but the warehouse and the Parquet export directory (reports.parquet_dir): %w", err)
		}
		if strings.Contains(err.Error(), "read-only") {
			return fmt.Errorf("query refused: the warehouse is opened read-only, so statements that write are not allowed: %w", err)
		}
		return fmt.Errorf("query: %w", err)
	}
	return writers[o.Format](out, cols, rows)
}
