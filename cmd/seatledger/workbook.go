package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
	"github.com/seatledger/seatledger/transform"
)

// workbookMarts are the workbook's sheets after the Summary: each mart and
// the order of its rows.
var workbookMarts = []struct{ mart, order string }{
	{"mart_license_inventory", "tenant, sku_part_number, sku_id"},
	{"mart_reclamation_candidates", "tenant, annual_savings DESC NULLS LAST, user_principal_name, sku_part_number"},
	{"mart_spend", "tenant, sku_part_number, department NULLS LAST, cost_center NULLS LAST, currency"},
	{"mart_renewals", "tenant, next_lifecycle_at NULLS LAST, sku_part_number, subscription_id"},
	{"mart_user_licenses", "tenant, user_principal_name, sku_part_number"},
	{"mart_findings", "tenant, CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, code, subject"},
}

// writeWorkbook writes the workbook of the latest snapshots into dir, named
// by day, keeps the newest keep workbooks there, and returns its path.
// With a pseudonymizer (reports.pseudonymize), names and addresses are
// replaced by pseudonyms in every sheet.
func writeWorkbook(ctx context.Context, w *load.Warehouse, dir string, keep int, day time.Time, pseudo *transform.Pseudonymizer) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create reports directory: %w", err)
	}
	summary, err := workbookSummary(ctx, w)
	if err != nil {
		return "", fmt.Errorf("summary sheet: %w", err)
	}
	wb := reports.Workbook{Summary: summary}
	for _, m := range workbookMarts {
		sheet, err := martSheet(ctx, w, m.mart, m.order, pseudo)
		if err != nil {
			return "", fmt.Errorf("sheet of %s: %w", m.mart, err)
		}
		wb.Sheets = append(wb.Sheets, sheet)
	}
	path := filepath.Join(dir, reports.WorkbookName(day))
	if err := reports.Write(ctx, path, wb); err != nil {
		return "", err
	}
	if err := reports.Retain(dir, reports.WorkbookPattern, keep); err != nil {
		return path, fmt.Errorf("remove old workbooks: %w", err)
	}
	return path, nil
}

// martSheet lays out one mart's sheet: its columns and exact row count
// first (the sheet's dimension is written before its rows), then a
// repeatable row stream, pseudonymised when pseudo is set.
func martSheet(ctx context.Context, w *load.Warehouse, mart, order string, pseudo *transform.Pseudonymizer) (reports.Sheet, error) {
	query := "SELECT * FROM " + mart + " ORDER BY " + order
	cols, err := w.Columns(ctx, query)
	if err != nil {
		return reports.Sheet{}, err
	}
	var n int
	if err := w.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+mart).Scan(&n); err != nil {
		return reports.Sheet{}, err
	}
	sheet := reports.MartSheet(mart, cols)
	sheet.RowCount = n
	var hide func([]any)
	if pseudo != nil {
		hide = pseudo.Row(cols)
	}
	sheet.Rows = func(yield func([]any) error) error {
		return w.Stream(ctx, query, nil, func(_ []string, vals []any) error {
			if hide != nil {
				hide(vals)
			}
			return yield(vals)
		})
	}
	return sheet, nil
}

// pseudonymizer returns the reports' pseudonymizer when
// reports.pseudonymize is on, its key read from the configured variable or
// file (errors name them, never the key); nil when it is off.
func (g *globals) pseudonymizer(r config.Reports) (*transform.Pseudonymizer, error) {
	if !r.Pseudonymize {
		return nil, nil
	}
	var key []byte
	switch {
	case r.PseudonymKeyEnv != "":
		key = []byte(g.getenv(r.PseudonymKeyEnv))
		if len(key) == 0 {
			return nil, fmt.Errorf("reports.pseudonym_key_env: environment variable %s is empty or unset", r.PseudonymKeyEnv)
		}
	default:
		b, err := os.ReadFile(r.PseudonymKeyFile)
		if err != nil {
			return nil, fmt.Errorf("reports.pseudonym_key_file: %w", err)
		}
		key = bytes.TrimRight(b, "\r\n")
	}
	p, err := transform.NewPseudonymizer(key)
	if err != nil {
		return nil, fmt.Errorf("reports.pseudonym_key: %w", err)
	}
	return p, nil
}
