package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
	"github.com/seatledger/seatledger/transform"
)

// writeWorkbook writes the workbook of the latest snapshots into dir, named
// by day, keeps the newest keep workbooks there, and returns its path: the
// Summary sheet, then one sheet per mart of load.ReportMarts. With a
// pseudonymizer (reports.pseudonymize), names and addresses are replaced
// by pseudonyms in every sheet.
func writeWorkbook(ctx context.Context, w *load.Warehouse, dir string, keep int, day time.Time, pseudo *transform.Pseudonymizer) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create reports directory: %w", err)
	}
	summary, err := workbookSummary(ctx, w)
	if err != nil {
		return "", fmt.Errorf("summary sheet: %w", err)
	}
	wb := reports.Workbook{Summary: summary}
	for _, mart := range load.ReportMarts() {
		sheet, err := martSheet(ctx, w, mart, pseudo)
		if err != nil {
			return "", fmt.Errorf("sheet of %s: %w", mart, err)
		}
		wb.Sheets = append(wb.Sheets, sheet)
	}
	actions, err := actionsSheet(ctx, w, day)
	if err != nil {
		return "", fmt.Errorf("actions sheet: %w", err)
	}
	wb.Sheets = append(wb.Sheets, actions)
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
func martSheet(ctx context.Context, w *load.Warehouse, mart string, pseudo *transform.Pseudonymizer) (reports.Sheet, error) {
	shape, err := w.MartShape(ctx, mart)
	if err != nil {
		return reports.Sheet{}, err
	}
	sheet := reports.MartSheet(mart, shape.Columns)
	sheet.RowCount = shape.Rows
	var hide func([]any)
	if pseudo != nil {
		hide = pseudo.Row(shape.Columns)
	}
	sheet.Rows = func(yield func([]any) error) error {
		return w.ScanMart(ctx, mart, func(vals []any) error {
			if hide != nil {
				hide(vals)
			}
			return yield(vals)
		})
	}
	return sheet, nil
}

// actionsDays is how far back the Actions sheet (the provisioning
// report) goes: the report's day and the 89 before it.
const actionsDays = 90

// actionsSheet lays out the Actions sheet: every licence action recorded
// in the actionsDays up to the end of day, newest first. The actions
// table holds object ids, never names, so nothing is pseudonymised.
func actionsSheet(ctx context.Context, w *load.Warehouse, day time.Time) (reports.Sheet, error) {
	y, m, d := day.Date()
	to := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, 0, -actionsDays)
	shape, err := w.ActionsShape(ctx, from, to)
	if err != nil {
		return reports.Sheet{}, err
	}
	sheet := reports.MartSheet("actions", shape.Columns)
	sheet.RowCount = shape.Rows
	sheet.Rows = func(yield func([]any) error) error {
		return w.ScanActions(ctx, from, to, yield)
	}
	return sheet, nil
}

// workbookSummary reads the Summary sheet's figures from the summary marts
// and the utilisation history.
func workbookSummary(ctx context.Context, w *load.Warehouse) (*reports.Summary, error) {
	kpis, err := w.SummaryKPIs(ctx)
	if err != nil {
		return nil, err
	}
	s := &reports.Summary{}
	for _, k := range kpis {
		if k.AsOf.After(s.AsOf) {
			s.AsOf = k.AsOf
		}
		s.KPIs = append(s.KPIs, reports.KPI{
			Tenant: k.Tenant, Currency: k.Currency,
			SeatsPurchased: k.SeatsPurchased, SeatsConsumed: k.SeatsConsumed, SeatsUnused: k.SeatsUnused, IdleLicences: k.IdleLicences,
			UnusedAnnualCost: k.UnusedAnnualCost, ReassignableNow: k.ReassignableNow, ReducibleAtRenewal: k.ReducibleAtRenewal,
		})
	}
	if s.Tenants, err = w.SnapshotTenants(ctx); err != nil {
		return nil, err
	}
	skus, err := w.SKUUtilisation(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range skus {
		s.Utilisation = append(s.Utilisation, reports.SKUUsage{SKU: u.SKU, Purchased: u.Purchased, Consumed: u.Consumed, Idle: u.Idle})
	}
	costs, err := w.IdleCosts(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range costs {
		s.IdleCost = append(s.IdleCost, reports.SKUCost{SKU: c.SKU, Currency: c.Currency, AnnualCost: c.AnnualCost})
	}
	trend, err := w.UtilisationTrend(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range trend {
		s.Trend = append(s.Trend, reports.TrendPoint{Date: d.Date, Purchased: d.Purchased, Consumed: d.Consumed, Idle: d.Idle})
	}
	return s, nil
}
