package load_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

// reportWarehouse holds two nights of contoso (300 users, then 310) and
// one of fabrikam (40 users).
func reportWarehouse(t *testing.T) *load.Warehouse {
	t.Helper()
	w, _ := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 300))
	writeSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 310))
	writeSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(0, 40))
	return w
}

func TestSnapshotReads(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	latest, err := w.LatestSnapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []load.TenantSnapshot{{Tenant: "contoso", Date: day2}, {Tenant: "fabrikam", Date: day1}}
	if fmt.Sprint(latest) != fmt.Sprint(want) {
		t.Errorf("LatestSnapshots: got %v, want %v", latest, want)
	}
	tenants, err := w.SnapshotTenants(ctx)
	if err != nil || !slices.Equal(tenants, []string{"contoso", "fabrikam"}) {
		t.Errorf("SnapshotTenants: got %v, %v; want contoso, fabrikam", tenants, err)
	}
	for _, tc := range []struct {
		name string
		asOf time.Time
		want []load.SnapshotRange
	}{
		{"latest", time.Time{}, []load.SnapshotRange{{Tenant: "contoso", First: day1, Latest: day2}, {Tenant: "fabrikam", First: day1, Latest: day1}}},
		{"as of the first day", day1, []load.SnapshotRange{{Tenant: "contoso", First: day1, Latest: day1}, {Tenant: "fabrikam", First: day1, Latest: day1}}},
		{"before every snapshot", day1.AddDate(0, 0, -1), []load.SnapshotRange{{Tenant: "contoso", First: day1}, {Tenant: "fabrikam", First: day1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.SnapshotRanges(ctx, tc.asOf)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("SnapshotRanges(%v): got %v, %v; want %v", tc.asOf, got, err, tc.want)
			}
		})
	}
}

// TestSummaryReads pins the figures of the run summary and the Summary
// sheet on the latest snapshots: testSKUs has 150 enabled and 2 warning
// units (152 purchased, suspended ones not counted) and 120 consumed.
func TestSummaryReads(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	kpis, err := w.SummaryKPIs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range kpis {
		got = append(got, fmt.Sprintf("%s/%s %s %d %d %d %d %v", k.Tenant, k.Currency, k.AsOf.Format(time.DateOnly),
			k.SeatsPurchased, k.SeatsConsumed, k.SeatsUnused, k.IdleLicences, k.Unpriced))
	}
	// The price book is empty: the USD rows have no amounts, and the
	// unpriced SKUs' row ('') comes last.
	want := []string{"contoso/USD 2025-03-02 152 120 32 19 true", "contoso/ 2025-03-02 0 0 0 18 true",
		"fabrikam/USD 2025-03-01 152 120 32 3 true", "fabrikam/ 2025-03-01 0 0 0 3 true"}
	if !slices.Equal(got, want) {
		t.Errorf("SummaryKPIs:\ngot  %q\nwant %q", got, want)
	}
	totals, err := w.RunTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantTotals := []load.TenantTotals{
		{Tenant: "contoso", Users: 310, SKUs: 1, Purchased: 152, Consumed: 120, Unused: 32, Idle: 37},
		{Tenant: "fabrikam", Users: 40, SKUs: 1, Purchased: 152, Consumed: 120, Unused: 32, Idle: 6},
	}
	if !slices.Equal(totals, wantTotals) {
		t.Errorf("RunTotals:\ngot  %+v\nwant %+v", totals, wantTotals)
	}
	skus, err := w.SKUUtilisation(ctx)
	if err != nil || fmt.Sprint(skus) != "[{SPE_E3 {304 240 0}}]" {
		t.Errorf("SKUUtilisation: got %v, %v; want SPE_E3 with the latest nights' 304 purchased, 240 consumed", skus, err)
	}
	trend, err := w.UtilisationTrend(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantTrend := []load.DayUnits{{Date: day1, Units: load.Units{Purchased: 304, Consumed: 240}}, {Date: day2, Units: load.Units{Purchased: 152, Consumed: 120}}}
	if fmt.Sprint(trend) != fmt.Sprint(wantTrend) {
		t.Errorf("UtilisationTrend: got %v, want %v", trend, wantTrend)
	}
	costs, err := w.IdleCosts(ctx)
	if err != nil || len(costs) != 0 {
		t.Errorf("IdleCosts without prices: got %v, %v; want none", costs, err)
	}
}

func TestScanMart(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	marts := load.ReportMarts()
	if len(marts) != 8 || marts[0] != "mart_license_inventory" || marts[4] != "mart_user_licenses" || marts[6] != "mart_reclaim_outcomes" ||
		marts[7] != "mart_rightsizing" {
		t.Errorf("ReportMarts: got %v", marts)
	}
	for _, m := range marts {
		t.Run(m, func(t *testing.T) {
			shape, err := w.MartShape(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			// The sheets of people's licences put the person first.
			first := "tenant"
			if m == "mart_reclamation_candidates" || m == "mart_rightsizing" {
				first = "display_name"
			}
			if len(shape.Columns) == 0 || shape.Columns[0] != first {
				t.Errorf("columns: got %v, want %s first", shape.Columns, first)
			}
			col := slices.Index(shape.Columns, "tenant")
			n := 0
			var last string
			err = w.ScanMart(ctx, m, func(vals []any) error {
				n++
				if len(vals) != len(shape.Columns) {
					return fmt.Errorf("row %d: %d values for %d columns", n, len(vals), len(shape.Columns))
				}
				tenant, _ := vals[col].(string)
				if tenant < last {
					return fmt.Errorf("row %d: tenant %s after %s", n, tenant, last)
				}
				last = tenant
				return nil
			})
			if err != nil || n != shape.Rows {
				t.Errorf("ScanMart: %d rows, %v; MartShape counted %d", n, err, shape.Rows)
			}
		})
	}
	// mart_user_licenses: one row per licence of the latest nights, in
	// the declared order, its values plain Go types.
	var upns []string
	err := w.ScanMart(ctx, "mart_user_licenses", func(vals []any) error {
		if vals[0] == "contoso" {
			upns = append(upns, vals[3].(string))
		}
		return nil
	})
	if err != nil || int64(len(upns)) != licenceRows(0, 310) || !slices.IsSorted(upns) {
		t.Errorf("mart_user_licenses of contoso: %d rows (sorted %v), %v; want %d by user_principal_name",
			len(upns), slices.IsSorted(upns), err, licenceRows(0, 310))
	}
}

// TestScanMartRefuses: only the marts of ReportMarts, by name; an error of
// the row callback stops the scan.
func TestScanMartRefuses(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	for _, name := range []string{"snapshots", "mart_summary_kpis", "mart_utilization_history", "mart_spend ORDER BY 1; DROP TABLE snapshots", ""} {
		if err := w.ScanMart(ctx, name, func([]any) error { return nil }); err == nil || !strings.Contains(err.Error(), "not one of the marts") {
			t.Errorf("ScanMart(%q): got %v, want refused", name, err)
		}
		if _, err := w.MartShape(ctx, name); err == nil {
			t.Errorf("MartShape(%q): got no error", name)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := w.ScanMart(ctx, "mart_user_licenses", func([]any) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("ScanMart with a failing callback: got %v after %d rows, want stop after 1", err, n)
	}
}

// TestScanMartAllocs: streaming a mart's rows allocates no more than
// Stream does (the Users sheet streams every licence of the night).
func TestScanMartAllocs(t *testing.T) {
	ctx := context.Background()
	w := reportWarehouse(t)
	scan := testing.AllocsPerRun(3, func() {
		if err := w.ScanMart(ctx, "mart_user_licenses", func([]any) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
	stream := testing.AllocsPerRun(3, func() {
		if err := w.Stream(ctx, "SELECT * FROM mart_user_licenses", nil, func([]string, []any) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
	if scan > stream {
		t.Errorf("ScanMart: %.0f allocations, Stream %.0f", scan, stream)
	}
}
