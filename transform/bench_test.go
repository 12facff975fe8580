package transform_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// BenchmarkMarts computes and stores the marts of one tenant snapshot of n
// users (1-2 licences each, 90% in the usage report): the work a nightly
// commit adds to the load, measured as a rebuild of that snapshot.
// Reports users/s.
func BenchmarkMarts(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			w := benchWarehouse(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := w.Rebuild(ctx, load.RebuildOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}

func benchWarehouse(b *testing.B, n int) *load.Warehouse {
	b.Helper()
	ctx := context.Background()
	w, err := load.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	date := asOf.AddDate(0, 0, 2)
	// The parameters first: the snapshot's transaction would not see
	// tables written after it began.
	rules := transform.Rules{InactivityDays: 90, GraceDays: 30, Exclusions: []transform.Exclusion{{UPN: "user1?@*", Reason: "bench"}, {Department: "Dept 3", Reason: "bench"}}}
	pricing := transform.Pricing{Currency: "USD", Prices: []transform.Price{
		{SKU: "SPE_E3", UnitPrice: 39, Currency: "USD", Billing: "monthly", Term: "annual"},
		{SKU: "SPE_E5", UnitPrice: 60, Currency: "USD", Billing: "monthly", Term: "annual"},
	}}
	applyParamsTB(b, w, rules, pricing)
	if err := w.StartRun(ctx, load.Run{ID: "r1", Tenant: "bench", SnapshotDate: date, StartedAt: date, Status: load.StatusRunning}); err != nil {
		b.Fatal(err)
	}
	s, err := w.BeginSnapshot(ctx, "bench", date, "r1")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Rollback()
	const e3, e5, exs = "05e9a617-0261-4cee-bb44-138d3ef5d965", "06ebc4ee-1bb5-47dd-8120-11324bc54e06", "4b9405b0-7788-4568-add1-99614e613b69"
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(s.AppendSKUs([]extract.SKU{
		{SkuID: e3, SkuPartNumber: "SPE_E3", CapabilityStatus: "Enabled", ConsumedUnits: int64(n), PrepaidUnits: extract.PrepaidUnits{Enabled: int64(n)}},
		{SkuID: e5, SkuPartNumber: "SPE_E5", CapabilityStatus: "Enabled", ConsumedUnits: int64(n / 10), PrepaidUnits: extract.PrepaidUnits{Enabled: int64(n / 10)}},
		{SkuID: exs, SkuPartNumber: "EXCHANGESTANDARD", CapabilityStatus: "Enabled", ConsumedUnits: int64(n / 10), PrepaidUnits: extract.PrepaidUnits{Enabled: int64(n / 10)}},
	}))
	must(s.AppendSubscriptions([]extract.Subscription{{ID: "s1", SkuID: e3, SkuPartNumber: "SPE_E3", Status: "Enabled", TotalLicenses: int64(n), NextLifecycleDateTime: asOf.AddDate(0, 1, 0)}}))
	users := make([]extract.User, 0, 1000)
	for i := 0; i < n; i++ {
		u := extract.User{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), UserPrincipalName: fmt.Sprintf("user%d@contoso.example", i),
			DisplayName: fmt.Sprintf("User %d", i), Department: fmt.Sprintf("Dept %d", i%20), CostCenter: fmt.Sprintf("CC-%d", i%50),
			UsageLocation: "US", UserType: "Member", AccountEnabled: i%50 != 0, CreatedDateTime: asOf.AddDate(-1, 0, 0)}
		skus := []string{e3}
		switch i % 10 {
		case 1:
			skus = append(skus, e5)
		case 2:
			skus = append(skus, exs)
		}
		for _, k := range skus {
			u.AssignedLicenses = append(u.AssignedLicenses, extract.AssignedLicense{SkuID: k})
			u.LicenseAssignmentStates = append(u.LicenseAssignmentStates, extract.LicenseAssignmentState{SkuID: k, State: "Active", Error: "None", LastUpdatedDateTime: asOf.AddDate(-1, 0, 0)})
		}
		users = append(users, u)
		if len(users) == cap(users) || i == n-1 {
			must(s.AppendUsers(users))
			users = users[:0]
		}
		if i%10 != 9 {
			r := extract.ActivityRow{ReportRefreshDate: asOf, UserPrincipalName: u.UserPrincipalName}
			for j := range r.LastActivityDate {
				r.HasLicense[j] = true
				r.LastActivityDate[j] = asOf.AddDate(0, 0, -(i % 200))
			}
			must(s.AppendActivity("D7", r))
		}
	}
	must(s.Commit(load.StatusOK))
	return w
}
