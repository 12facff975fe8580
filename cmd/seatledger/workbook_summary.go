package main

import (
	"context"
	"fmt"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
)

// workbookSummary reads the Summary sheet's figures from the summary marts
// and the utilisation history.
func workbookSummary(ctx context.Context, w *load.Warehouse) (*reports.Summary, error) {
	s := &reports.Summary{}
	err := w.Stream(ctx, `SELECT tenant, currency, as_of, seats_purchased, seats_consumed, seats_unused,
		idle_licences, unused_annual_cost, reassignable_now, reducible_at_renewal
		FROM mart_summary_kpis ORDER BY tenant, currency = '', currency`, nil, func(_ []string, v []any) error {
		if t, ok := v[2].(time.Time); ok && t.After(s.AsOf) {
			s.AsOf = t
		}
		s.KPIs = append(s.KPIs, reports.KPI{
			Tenant: str(v[0]), Currency: str(v[1]),
			SeatsPurchased: num(v[3]), SeatsConsumed: num(v[4]), SeatsUnused: num(v[5]), IdleLicences: num(v[6]),
			UnusedAnnualCost: money(v[7]), ReassignableNow: money(v[8]), ReducibleAtRenewal: money(v[9]),
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read mart_summary_kpis: %w", err)
	}
	err = w.Stream(ctx, `SELECT DISTINCT tenant FROM snapshots ORDER BY tenant`, nil, func(_ []string, v []any) error {
		s.Tenants = append(s.Tenants, str(v[0]))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read tenants: %w", err)
	}
	err = w.Stream(ctx, `SELECT u.sku_part_number, sum(u.active_units), sum(u.consumed_units), sum(u.idle_units)
		FROM mart_utilization_history u JOIN stg_snapshots s USING (tenant, snapshot_date)
		WHERE s.is_latest AND u.sku_part_number NOT IN (SELECT sku_part_number FROM param_ignore_skus)
		GROUP BY ALL ORDER BY 2 DESC, 1`, nil, func(_ []string, v []any) error {
		s.Utilisation = append(s.Utilisation, reports.SKUUsage{SKU: str(v[0]), Purchased: num(v[1]), Consumed: num(v[2]), Idle: num(v[3])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read utilisation: %w", err)
	}
	err = w.Stream(ctx, `SELECT sku_part_number, currency, annual_cost FROM mart_summary_idle_cost
		ORDER BY currency, annual_cost DESC, sku_part_number`, nil, func(_ []string, v []any) error {
		s.IdleCost = append(s.IdleCost, reports.SKUCost{SKU: str(v[0]), Currency: str(v[1]), AnnualCost: money(v[2])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read mart_summary_idle_cost: %w", err)
	}
	err = w.Stream(ctx, `SELECT snapshot_date, sum(active_units), sum(consumed_units), sum(idle_units)
		FROM mart_utilization_history
		WHERE sku_part_number NOT IN (SELECT sku_part_number FROM param_ignore_skus)
		GROUP BY ALL ORDER BY 1`, nil, func(_ []string, v []any) error {
		d, _ := v[0].(time.Time)
		s.Trend = append(s.Trend, reports.TrendPoint{Date: d, Purchased: num(v[1]), Consumed: num(v[2]), Idle: num(v[3])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read utilisation trend: %w", err)
	}
	return s, nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// num converts a SQL integer or sum (HUGEINT sums arrive as *big.Int,
// DECIMAL as float64) to int64; NULL is 0.
func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case interface{ Int64() int64 }:
		return x.Int64()
	}
	return 0
}

// money converts a SQL amount to float64; NULL is 0 (unknown costs are
// shown blank by the KPI's empty currency).
func money(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return float64(num(v))
}
