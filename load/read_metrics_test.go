package load_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// metricsWarehouse writes the warehouse the metrics reads are tested on,
// with SPE_E3 priced and EXCHANGESTANDARD ignored, and returns it read-only:
//   - contoso on day1 and day2: on day2 two SKU ids share the part number
//     SPE_E3, EXCHANGESTANDARD is ignored, a usage report refreshed on
//     day1 and three subscriptions (a deleted one with the earliest date,
//     two live ones, one without a date);
//   - fabrikam on day1, without a usage report;
//   - runs: contoso ok, then failed; fabrikam still running.
func metricsWarehouse(t *testing.T) *load.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, path := mustOpen(t)
	params := paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30, IgnoreSKUs: []string{"EXCHANGESTANDARD"}},
		transform.Pricing{Currency: "USD", Prices: []transform.Price{
			{SKU: "SPE_E3", UnitPrice: 36, Currency: "USD", Billing: "monthly", Term: "monthly", Effective: day1.AddDate(-5, 0, 0)},
		}})
	if err := w.ReplaceParams(ctx, params); err != nil {
		t.Fatal(err)
	}
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(500, 40))

	s, err := w.BeginSnapshot(ctx, "contoso", day2, "run-2")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	skus := testSKUs()
	second := skus[0]
	second.ID, second.SkuID = "tenant_other", skuIDs[1] // ENTERPRISEPACK's id under SPE_E3's part number
	second.PrepaidUnits = extract.PrepaidUnits{Enabled: 10, Warning: 1}
	second.ConsumedUnits = 4
	ignored := skus[0]
	ignored.ID, ignored.SkuID, ignored.SkuPartNumber = "tenant_ignored", skuIDs[2], "EXCHANGESTANDARD"
	renewal := day2.AddDate(0, 2, 0).Add(9 * time.Hour)
	subs := []extract.Subscription{
		{ID: "sub-deleted", SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Status: "Deleted", TotalLicenses: 5, NextLifecycleDateTime: day2.AddDate(0, 0, 3)},
		{ID: "sub-later", SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Status: "Enabled", TotalLicenses: 100, NextLifecycleDateTime: renewal.AddDate(1, 0, 0)},
		{ID: "sub-first", SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Status: "Warning", TotalLicenses: 50, NextLifecycleDateTime: renewal},
		{ID: "sub-undated", SkuID: skuIDs[1], SkuPartNumber: "ENTERPRISEPACK", Status: "Enabled", TotalLicenses: 10},
	}
	refresh := day1
	steps := []func() error{
		func() error { return s.AppendSKUs(append(skus, second, ignored)) },
		func() error { return s.AppendSubscriptions(subs) },
		func() error { return s.AppendUsers(genUsers(0, 130)) },
		func() error {
			r := extract.ActivityRow{ReportRefreshDate: refresh, UserPrincipalName: "firstname.lastname000001@contoso.onmicrosoft.com"}
			r.HasLicense[0] = true
			r.LastActivityDate[0] = refresh.AddDate(0, 0, -2)
			return s.AppendActivity("D7", r)
		},
		func() error { return s.Commit("ok") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("snapshot step %d: %v", i, err)
		}
	}

	start := day2.Add(3 * time.Hour)
	runs := []load.Run{
		{ID: "run-1", Tenant: "contoso", SnapshotDate: day2, StartedAt: start, FinishedAt: start.Add(time.Minute), Status: load.StatusOK,
			Users: 130, Licenses: 260, SKUs: 3, Subscriptions: 4, Groups: 0, ReportRows: 1, ReportRefreshDate: refresh, GraphRequests: 9},
		{ID: "run-2", Tenant: "contoso", SnapshotDate: day2, StartedAt: start.Add(time.Hour), FinishedAt: start.Add(time.Hour + time.Minute),
			Status: load.StatusFailed, Error: "users: status 503", GraphRequests: 6, GraphThrottled: 1},
		{ID: "run-3", Tenant: "fabrikam", SnapshotDate: day2, StartedAt: start},
	}
	for _, r := range runs {
		if err := w.StartRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Status != "" {
			if err := w.FinishRun(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return mustOpenReadOnly(t, path)
}

func TestMetricsReads(t *testing.T) {
	ctx := context.Background()
	w := metricsWarehouse(t)
	start := day2.Add(3 * time.Hour)
	renewal := day2.AddDate(0, 2, 0).Add(9 * time.Hour)

	// Only the latest snapshot counts: contoso's day2, fabrikam's day1.
	// SPE_E3 on day2 sums both SKU ids: active (enabled + warning) minus
	// consumed, 152 - 120 and 11 - 4.
	seats, err := w.LatestSeats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantSeats := []load.SKUSeats{
		{Tenant: "contoso", PartNumber: "SPE_E3", Enabled: 160, Warning: 3, Suspended: 1, LockedOut: 3, Consumed: 124, Unused: 39},
		{Tenant: "fabrikam", PartNumber: "SPE_E3", Enabled: 150, Warning: 2, Suspended: 1, LockedOut: 3, Consumed: 120, Unused: 32},
	}
	if !reflect.DeepEqual(seats, wantSeats) {
		t.Errorf("LatestSeats:\n got %+v\nwant %+v", seats, wantSeats)
	}

	lifecycles, err := w.LatestNextLifecycles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// fabrikam's one subscription (writeFullSnapshot) renews 20 days after day1.
	wantLifecycles := []load.NextLifecycle{
		{Tenant: "contoso", SKU: "SPE_E3", At: renewal},
		{Tenant: "fabrikam", SKU: "SPE_E3", At: day1.AddDate(0, 0, 20)},
	}
	if len(lifecycles) != len(wantLifecycles) {
		t.Fatalf("LatestNextLifecycles: got %+v, want %+v", lifecycles, wantLifecycles)
	}
	for i, l := range lifecycles {
		if w := wantLifecycles[i]; l.Tenant != w.Tenant || l.SKU != w.SKU || !l.At.Equal(w.At) {
			t.Errorf("LatestNextLifecycles[%d]: got %+v, want %+v", i, l, w)
		}
	}

	idle, err := w.LatestIdle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byTenant := map[string]int64{}
	for i, c := range idle {
		byTenant[c.Tenant] += c.Count
		if c.Count <= 0 || c.SKU == "" || c.Reason == "" {
			t.Errorf("LatestIdle[%d]: got %+v, want a SKU, a reason and a count", i, c)
		}
		if i > 0 {
			p := idle[i-1]
			if [3]string{p.Tenant, p.SKU, p.Reason} == [3]string{c.Tenant, c.SKU, c.Reason} ||
				p.Tenant > c.Tenant || (p.Tenant == c.Tenant && (p.SKU > c.SKU || (p.SKU == c.SKU && p.Reason > c.Reason))) {
				t.Errorf("LatestIdle: rows %d and %d out of order: %+v, %+v", i-1, i, p, c)
			}
		}
	}
	for _, tenant := range []string{"contoso", "fabrikam"} {
		want := scalar(t, w, "SELECT count(*) FROM mart_reclamation_candidates WHERE tenant = '"+tenant+"'").(int64)
		if want == 0 || byTenant[tenant] != want {
			t.Errorf("LatestIdle of %s: got %d candidates in all, want %d (and not 0)", tenant, byTenant[tenant], want)
		}
	}

	reclaim, err := w.LatestReclaimable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reclaim) != 2 {
		t.Fatalf("LatestReclaimable: got %+v, want one row per tenant", reclaim)
	}
	for _, r := range reclaim {
		want := scalar(t, w, "SELECT sum(annual_savings)::DOUBLE FROM mart_reclamation_candidates WHERE tenant = '"+r.Tenant+"'").(float64)
		if r.Currency != "USD" || r.AnnualSavings != want || want <= 0 {
			t.Errorf("LatestReclaimable of %s: got %+v, want USD %v", r.Tenant, r, want)
		}
	}

	reports, err := w.ReportStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantReports := map[string]load.ReportState{
		"contoso":  {Tenant: "contoso", RefreshDate: day1},
		"fabrikam": {Tenant: "fabrikam"},
	}
	if got := byKey(reports, func(r load.ReportState) string { return r.Tenant }); !reflect.DeepEqual(got, wantReports) {
		t.Errorf("ReportStates:\n got %+v\nwant %+v", got, wantReports)
	}

	successes, err := w.LastSuccesses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(successes) != 1 || successes[0].Tenant != "contoso" || !successes[0].FinishedAt.Equal(start.Add(time.Minute)) {
		t.Errorf("LastSuccesses: got %+v, want contoso's ok run, ended at %s (the failed run after it does not count)", successes, start.Add(time.Minute))
	}

	runs, err := w.LatestRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(runs, func(r load.Run) string { return r.Tenant })
	for tenant, want := range map[string]load.Run{
		"contoso": {ID: "run-2", Tenant: "contoso", SnapshotDate: day2, StartedAt: start.Add(time.Hour), FinishedAt: start.Add(time.Hour + time.Minute),
			Status: load.StatusFailed, Error: "users: status 503", GraphRequests: 6, GraphThrottled: 1},
		"fabrikam": {ID: "run-3", Tenant: "fabrikam", SnapshotDate: day2, StartedAt: start, Status: load.StatusRunning},
	} {
		r := got[tenant]
		r.StartedAt, r.FinishedAt = utcOrZero(r.StartedAt), utcOrZero(r.FinishedAt)
		if !reflect.DeepEqual(r, want) {
			t.Errorf("LatestRuns of %s:\n got %+v\nwant %+v", tenant, r, want)
		}
	}
	if len(got) != 2 {
		t.Errorf("LatestRuns: got %d tenants, want 2", len(got))
	}
}

// TestMetricsReadsEmpty: a warehouse without snapshots or runs reads as
// no rows, not an error.
func TestMetricsReadsEmpty(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	for name, read := range map[string]func() (int, error){
		"LatestSeats":          func() (int, error) { r, err := w.LatestSeats(ctx); return len(r), err },
		"LatestIdle":           func() (int, error) { r, err := w.LatestIdle(ctx); return len(r), err },
		"LatestReclaimable":    func() (int, error) { r, err := w.LatestReclaimable(ctx); return len(r), err },
		"LatestNextLifecycles": func() (int, error) { r, err := w.LatestNextLifecycles(ctx); return len(r), err },
		"ReportStates":         func() (int, error) { r, err := w.ReportStates(ctx); return len(r), err },
		"LastSuccesses":        func() (int, error) { r, err := w.LastSuccesses(ctx); return len(r), err },
		"LatestRuns":           func() (int, error) { r, err := w.LatestRuns(ctx); return len(r), err },
	} {
		if n, err := read(); n != 0 || err != nil {
			t.Errorf("%s on an empty warehouse: got %d rows, %v; want none and no error", name, n, err)
		}
	}
}

func byKey[T any](rows []T, key func(T) string) map[string]T {
	m := map[string]T{}
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
