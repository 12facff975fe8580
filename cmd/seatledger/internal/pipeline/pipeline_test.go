package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// source is the pipeline's own seam, extract.Source, served from memory:
// users in pages, and a failure injected per dataset. failAt is the
// users page (1-based) or report row after which the dataset fails.
type source struct {
	users    int
	pageSize int
	fail     map[string]error
	failAt   int
	// inFlight and maxInFlight count concurrent Users calls across the
	// sources that share them.
	inFlight, maxInFlight *atomic.Int64
}

var errGraph = errors.New("simulated Graph failure")

var skuID = "05e9a617-0261-4cee-bb44-138d3ef5d965"

func (s *source) Users(ctx context.Context, page func([]extract.User) error) error {
	if s.inFlight != nil {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for m := s.maxInFlight.Load(); n > m && !s.maxInFlight.CompareAndSwap(m, n); m = s.maxInFlight.Load() {
		}
	}
	if err := s.fail[pipeline.DatasetUsers]; err != nil && s.failAt == 0 {
		return err
	}
	for p, from := 1, 0; from < s.users; p, from = p+1, from+s.pageSize {
		var batch []extract.User
		for i := from; i < min(from+s.pageSize, s.users); i++ {
			batch = append(batch, extract.User{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), UserType: "Member",
				AccountEnabled: true, AssignedLicenses: []extract.AssignedLicense{{SkuID: skuID}}})
		}
		if err := page(batch); err != nil {
			return err
		}
		if err := s.fail[pipeline.DatasetUsers]; err != nil && p == s.failAt {
			return fmt.Errorf("users page %d: %w", p+1, err)
		}
	}
	return ctx.Err()
}

func (s *source) SubscribedSKUs(context.Context) ([]extract.SKU, error) {
	if err := s.fail[pipeline.DatasetSKUs]; err != nil {
		return nil, err
	}
	return []extract.SKU{{ID: "t_" + skuID, SkuID: skuID, SkuPartNumber: "SPE_E3", CapabilityStatus: "Enabled",
		AppliesTo: "User", ConsumedUnits: int64(s.users), PrepaidUnits: extract.PrepaidUnits{Enabled: int64(s.users) + 5}}}, nil
}

func (s *source) Subscriptions(context.Context) ([]extract.Subscription, error) {
	if err := s.fail[pipeline.DatasetSubscriptions]; err != nil {
		return nil, err
	}
	return []extract.Subscription{{ID: "sub-1", SkuID: skuID, SkuPartNumber: "SPE_E3", Status: "Enabled", TotalLicenses: 10}}, nil
}

func (s *source) ReportSettings(context.Context) (extract.ReportSettings, error) {
	return extract.ReportSettings{}, s.fail[pipeline.DatasetReportSettings]
}

func (s *source) Groups(context.Context) ([]extract.Group, error) {
	return nil, s.fail[pipeline.DatasetGroups]
}

func (s *source) ActivityReport(_ context.Context, _ string, row func(extract.ActivityRow) error) error {
	for i := range s.users {
		if err := s.fail[pipeline.DatasetUsageReport]; err != nil && i == s.failAt {
			return err
		}
		r := extract.ActivityRow{ReportRefreshDate: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
			UserPrincipalName: fmt.Sprintf("user%d@contoso.example", i)}
		if err := row(r); err != nil {
			return err
		}
	}
	return nil
}

// params are the default rules, an empty price book and the reference
// data: what the transforms need to build.
func params(t testing.TB) []load.ParamTable {
	t.Helper()
	cfg := config.Config{Rules: config.Rules{InactivityDays: 90, GraceDays: 30}, Pricing: config.Pricing{Currency: "USD"}}
	tables, err := cfg.ParamTables()
	if err != nil {
		t.Fatalf("ParamTables: %v", err)
	}
	return tables
}

func mustOpen(t testing.TB) *load.Warehouse {
	t.Helper()
	w, err := load.Open(context.Background(), filepath.Join(t.TempDir(), "seatledger.duckdb"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// count runs a COUNT(*) query for one tenant.
func count(t *testing.T, w *load.Warehouse, table, tenant string) int {
	t.Helper()
	var n int
	if err := w.SQLForTests().QueryRow("SELECT count(*) FROM "+table+" WHERE tenant = ?", tenant).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func runStatus(t *testing.T, w *load.Warehouse, tenant string) string {
	t.Helper()
	var status string
	if err := w.SQLForTests().QueryRow("SELECT status FROM etl_runs WHERE tenant = ?", tenant).Scan(&status); err != nil {
		t.Fatalf("etl_runs status of %s: %v", tenant, err)
	}
	return status
}

// TestFailurePolicy pins the failure policy: a required dataset failing
// (even after users pages were appended) writes nothing; an optional one
// degrades the snapshot and drops only its own rows.
func TestFailurePolicy(t *testing.T) {
	cases := []struct {
		name      string
		fail      string
		failAt    int
		status    string
		users     int // raw_users rows after the run
		report    int // raw_usage_report rows after the run
		degraded  []string
		snapshots int
	}{
		{name: "ok", status: "ok", users: 2500, report: 2500, snapshots: 1},
		{name: "skus fail", fail: pipeline.DatasetSKUs, status: "failed"},
		{name: "users fail at once", fail: pipeline.DatasetUsers, status: "failed"},
		{name: "users fail after page 2", fail: pipeline.DatasetUsers, failAt: 2, status: "failed"},
		{name: "report fails mid-way", fail: pipeline.DatasetUsageReport, failAt: 1500, status: "degraded", users: 2500,
			degraded: []string{pipeline.DatasetUsageReport}, snapshots: 1},
		{name: "subscriptions fail", fail: pipeline.DatasetSubscriptions, status: "degraded", users: 2500, report: 2500,
			degraded: []string{pipeline.DatasetSubscriptions}, snapshots: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustOpen(t)
			src := &source{users: 2500, pageSize: 999, failAt: tc.failAt, fail: map[string]error{}}
			if tc.fail != "" {
				src.fail[tc.fail] = errGraph
			}
			results, err := pipeline.Run(context.Background(), w, []pipeline.Tenant{{Name: "contoso", Source: src}},
				pipeline.Options{Params: params(t)})
			if (err != nil) != (tc.status == "failed") {
				t.Fatalf("Run error = %v, want an error: %v", err, tc.status == "failed")
			}
			if got := results[0].Status; got != tc.status {
				t.Errorf("status: got %s, want %s", got, tc.status)
			}
			if got := runStatus(t, w, "contoso"); got != tc.status {
				t.Errorf("etl_runs status: got %s, want %s", got, tc.status)
			}
			for table, want := range map[string]int{"raw_users": tc.users, "raw_usage_report": tc.report, "snapshots": tc.snapshots} {
				if got := count(t, w, table, "contoso"); got != want {
					t.Errorf("%s rows: got %d, want %d", table, got, want)
				}
			}
			if tc.status == "failed" {
				for _, table := range []string{"raw_subscribed_skus", "raw_dataset_status", "raw_user_licenses"} {
					if got := count(t, w, table, "contoso"); got != 0 {
						t.Errorf("%s rows after a failed tenant: got %d, want 0", table, got)
					}
				}
			}
			if !slices.Equal(results[0].Degraded, tc.degraded) {
				t.Errorf("degraded: got %v, want %v", results[0].Degraded, tc.degraded)
			}
		})
	}
}

// TestTenantsIndependent runs several tenants at bounded concurrency: one
// failing does not fail the others, results keep the tenants' order, and
// no more than Concurrency tenants extract at once.
func TestTenantsIndependent(t *testing.T) {
	w := mustOpen(t)
	var inFlight, maxInFlight atomic.Int64
	var tenants []pipeline.Tenant
	for i := range 7 {
		src := &source{users: 300, pageSize: 100, fail: map[string]error{}, inFlight: &inFlight, maxInFlight: &maxInFlight}
		if i == 3 {
			src.fail[pipeline.DatasetSKUs] = errGraph
		}
		tenants = append(tenants, pipeline.Tenant{Name: fmt.Sprintf("tenant-%d", i), Source: src})
	}
	var mu sync.Mutex
	progress := map[string]int64{}
	results, err := pipeline.Run(context.Background(), w, tenants, pipeline.Options{
		Params: params(t), Concurrency: 3,
		Progress: func(tenant string, users int64) { mu.Lock(); progress[tenant] = users; mu.Unlock() },
	})
	if !errors.Is(err, errGraph) {
		t.Fatalf("Run error: got %v, want one wrapping %v", err, errGraph)
	}
	for i, r := range results {
		want, wantUsers := "ok", 300
		if i == 3 {
			want, wantUsers = "failed", 0
		}
		if r.Tenant != tenants[i].Name || r.Status != want {
			t.Errorf("results[%d]: got %s %s, want %s %s", i, r.Tenant, r.Status, tenants[i].Name, want)
		}
		if got := count(t, w, "raw_users", r.Tenant); got != wantUsers {
			t.Errorf("%s raw_users: got %d, want %d", r.Tenant, got, wantUsers)
		}
		if got := runStatus(t, w, r.Tenant); got != want {
			t.Errorf("%s etl_runs status: got %s, want %s", r.Tenant, got, want)
		}
	}
	if got := maxInFlight.Load(); got > 3 {
		t.Errorf("tenants extracting at once: got %d, want at most 3", got)
	}
	if got := progress["tenant-6"]; got != 300 {
		t.Errorf("progress of tenant-6: got %d, want 300", got)
	}
}

// TestStageDone reports both stages once each.
func TestStageDone(t *testing.T) {
	w := mustOpen(t)
	var stages []string
	_, err := pipeline.Run(context.Background(), w, []pipeline.Tenant{{Name: "contoso", Source: &source{users: 10, pageSize: 5}}},
		pipeline.Options{Params: params(t), StageDone: func(s string, _ time.Duration) { stages = append(stages, s) }})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := []string{pipeline.StageExtract, pipeline.StageTransform}; !slices.Equal(stages, want) {
		t.Errorf("stages: got %v, want %v", stages, want)
	}
}
