package load_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// TestPastStaysReported is the promise of materialised marts: a price
// written after a snapshot does not re-price it; a later snapshot uses it.
func TestPastStaysReported(t *testing.T) {
	w, _ := mustOpen(t)
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 60))
	if err := w.ReplaceParams(context.Background(), pricedParams(t, 36)); err != nil {
		t.Fatal(err)
	}
	writeFullSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 60))
	got := queryRow(t, w, `SELECT
		(SELECT string_agg(DISTINCT coalesce(unit_price_annual::VARCHAR, 'NULL')) FROM mart_license_inventory_history WHERE sku_part_number = 'SPE_E3' AND snapshot_date = ?),
		(SELECT string_agg(DISTINCT unit_price_annual::VARCHAR) FROM mart_license_inventory_history WHERE sku_part_number = 'SPE_E3' AND snapshot_date = ?),
		(SELECT string_agg(DISTINCT unit_price_annual::VARCHAR) FROM mart_license_inventory WHERE sku_part_number = 'SPE_E3')`, day1, day2)
	if want := []any{"NULL", "432.00", "432.00"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("SPE_E3 price on day 1, day 2, latest: got %v, want %v", got, want)
	}
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 60))
	writeFullSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 80))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(500, 30))
	priced := func() []any {
		return queryRow(t, w, `SELECT
			(SELECT count(*) FROM mart_license_inventory_history WHERE unit_price_annual IS NOT NULL),
			(SELECT count(*) FROM mart_license_inventory WHERE unit_price_annual IS NOT NULL),
			(SELECT count(*) FROM param_prices)`)
	}
	if got := priced(); fmt.Sprint(got) != "[0 0 0]" {
		t.Fatalf("before: priced history rows, latest rows, prices: got %v, want [0 0 0]", got)
	}

	t.Run("dry run changes nothing but the journal", func(t *testing.T) {
		id, rebuilt, err := w.Rebuild(ctx, load.RebuildOptions{Tenant: "contoso", DryRun: true, Params: pricedParams(t, 36)})
		if err != nil {
			t.Fatal(err)
		}
		if len(rebuilt) != 2 {
			t.Fatalf("got %d snapshots, want contoso's 2", len(rebuilt))
		}
		for _, r := range rebuilt {
			if r.RowsAdded == 0 || r.RowsRemoved == 0 || r.Err != nil {
				t.Errorf("%s %s: got +%d -%d %v, want rows changed both ways (re-priced)", r.Tenant, r.SnapshotDate.Format("2006-01-02"), r.RowsAdded, r.RowsRemoved, r.Err)
			}
		}
		if got := priced(); fmt.Sprint(got) != "[0 0 0]" {
			t.Errorf("after a dry run: got %v, want [0 0 0]", got)
		}
		if got := queryRow(t, w, "SELECT count(*), bool_and(dry_run) FROM mart_rebuilds WHERE rebuild_id = ?", id); fmt.Sprint(got) != "[2 true]" {
			t.Errorf("journal: got %v, want [2 true]", got)
		}
	})
	t.Run("apply re-prices the range and the latest", func(t *testing.T) {
		_, rebuilt, err := w.Rebuild(ctx, load.RebuildOptions{From: day2, Params: pricedParams(t, 36)})
		if err != nil {
			t.Fatal(err)
		}
		if len(rebuilt) != 1 || rebuilt[0].Tenant != "contoso" {
			t.Fatalf("got %+v, want contoso's day 2 only", rebuilt)
		}
		// contoso day 2 re-priced: its SPE_E3 row (history and latest);
		// contoso day 1 and fabrikam stay as reported.
		if got := priced(); fmt.Sprint(got) != "[1 1 1]" {
			t.Errorf("after apply: got %v, want [1 1 1]", got)
		}
	})
	t.Run("a second rebuild finds nothing to change", func(t *testing.T) {
		_, rebuilt, err := w.Rebuild(ctx, load.RebuildOptions{From: day2, To: day2})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rebuilt {
			if r.RowsAdded != 0 || r.RowsRemoved != 0 {
				t.Errorf("%s: got +%d -%d, want no change", r.Tenant, r.RowsAdded, r.RowsRemoved)
			}
		}
	})
	t.Run("bad range and unknown tenant", func(t *testing.T) {
		if _, _, err := w.Rebuild(ctx, load.RebuildOptions{From: day2, To: day1}); err == nil || !strings.Contains(err.Error(), "before") {
			t.Errorf("to before from: got %v, want an error", err)
		}
		if _, _, err := w.Rebuild(ctx, load.RebuildOptions{Tenant: "nobody"}); err == nil || !strings.Contains(err.Error(), `"nobody"`) {
			t.Errorf("unknown tenant: got %v, want an error naming it", err)
		}
	})
}

// pricedParams are the default parameter tables with SPE_E3 at monthly.
func pricedParams(t testing.TB, monthly float64) []load.ParamTable {
	t.Helper()
	return paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30}, transform.Pricing{Currency: "USD",
		Prices: []transform.Price{{SKU: "SPE_E3", UnitPrice: monthly, Currency: "USD", Billing: "monthly", Term: "annual"}}})
}
