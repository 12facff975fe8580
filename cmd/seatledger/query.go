package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/load"
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

func runQuery(ctx context.Context, g *globals, o queryOptions, query string) error {
	write, ok := map[string]func(io.Writer, []string, [][]any) error{
		"table": writeTable, "csv": writeCSV, "json": writeJSON,
	}[o.format]
	if !ok {
		return usageErr(fmt.Errorf("--format: must be table, csv or json, got %q", o.format))
	}
	path, err := g.warehousePath(o.warehouse)
	if err != nil {
		return err
	}
	w, err := load.OpenReadOnly(ctx, path, g.queryOptions()...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", path, err)
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
	return write(g.stdout, cols, rows)
}

// queryOptions are the DuckDB settings of the configuration (tuning) and
// the file confinement of query: besides the warehouse, only the Parquet
// export directory (reports.parquet_dir, when set) may be read.
func (g *globals) queryOptions() []load.Option {
	cfg, err := g.loadConfig(false)
	if err != nil {
		return []load.Option{load.ConfineFiles()}
	}
	var dirs []string
	if cfg.Reports.ParquetDir != "" {
		dirs = append(dirs, cfg.Reports.ParquetDir)
	}
	return append(tuning(cfg.Warehouse), load.ConfineFiles(dirs...))
}

// text renders a value for table and CSV output.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = text(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case float64:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprint(v)
}

func writeTable(out io.Writer, cols []string, rows [][]any) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(cols, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = text(v)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "(%d rows)\n", len(rows))
	return err
}

func writeCSV(out io.Writer, cols []string, rows [][]any) error {
	cw := csv.NewWriter(out)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = text(v)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes an array of objects whose keys keep the column order.
func writeJSON(out io.Writer, cols []string, rows [][]any) error {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range cols {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(r[j])
			if err != nil {
				return fmt.Errorf("encode column %s: %w", c, err)
			}
			b.Write(k)
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
	}
	b.WriteString("\n]\n")
	_, err := io.WriteString(out, b.String())
	return err
}
