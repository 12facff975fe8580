package load_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// queryRow reads one row of query as plain values through Stream.
func queryRow(t *testing.T, w *load.Warehouse, query string, args ...any) []any {
	t.Helper()
	var got [][]any
	err := w.Stream(context.Background(), query, args, func(_ []string, vals []any) error {
		got = append(got, vals)
		return nil
	})
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	if len(got) != 1 {
		t.Fatalf("query %q: got %d rows, want 1", query, len(got))
	}
	return got[0]
}

func TestAppendRoundTrip(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	created := time.Date(2024, 6, 1, 9, 30, 15, 0, time.UTC)
	refresh := time.Date(2025, 2, 27, 0, 0, 0, 0, time.UTC)
	s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	steps := []struct {
		name string
		do   func() error
	}{
		{"users", func() error {
			return s.AppendUsers([]extract.User{
				{ID: "u1", UserPrincipalName: "a@contoso.com", DisplayName: "A", Department: "Sales", UserType: "Member",
					AccountEnabled: true, CreatedDateTime: created,
					AssignedLicenses: []extract.AssignedLicense{{SkuID: "sku-1", DisabledPlans: []string{"p1", "p2"}}},
					LicenseAssignmentStates: []extract.LicenseAssignmentState{
						{SkuID: "sku-1", State: "Active", Error: "None", LastUpdatedDateTime: created},
						{SkuID: "sku-1", AssignedByGroup: "g1", State: "Active", DisabledPlans: []string{"p3"}},
					}},
				{ID: "u2"},
			})
		}},
		{"skus", func() error { return s.AppendSKUs(testSKUs()) }},
		{"subscriptions", func() error {
			return s.AppendSubscriptions([]extract.Subscription{{ID: "sub-1", SkuID: skuIDs[0], SkuPartNumber: "SPE_E3",
				Status: "Enabled", IsTrial: true, TotalLicenses: 150, CreatedDateTime: created,
				ServiceStatus: []extract.ServicePlan{{ServicePlanID: "sp-1", ServicePlanName: "EXCHANGE_S_ENTERPRISE"}}}})
		}},
		{"groups", func() error {
			return s.AppendGroups([]extract.Group{{ID: "g1", DisplayName: "Licensed staff",
				AssignedLicenses: []extract.AssignedLicense{{SkuID: "sku-1"}}}})
		}},
		{"settings", func() error { return s.SetReportSettings(extract.ReportSettings{DisplayConcealedNames: true}) }},
		{"activity", func() error {
			r := extract.ActivityRow{ReportRefreshDate: refresh, UserPrincipalName: "a@contoso.com", AssignedProducts: "MICROSOFT 365 E3"}
			r.HasLicense[0], r.HasLicense[5] = true, true
			r.LastActivityDate[5] = refresh.AddDate(0, 0, -3)
			return s.AppendActivity("D7", r)
		}},
		{"status", func() error { return s.DatasetStatus("subscriptions", true, 1, nil) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	wantCounts := load.SnapshotCounts{Users: 2, Licenses: 1, AssignmentStates: 2, SKUs: 1, ServicePlans: 1,
		Subscriptions: 1, SubscriptionPlans: 1, Groups: 1, GroupLicenses: 1, ReportRows: 1, ReportRefreshDate: refresh}
	if got := s.Counts(); got != wantCounts {
		t.Errorf("Counts: got %+v, want %+v", got, wantCounts)
	}
	if err := s.Commit("ok"); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	checks := []struct {
		name  string
		query string
		want  []any
	}{
		{"user", "SELECT id, user_principal_name, department, account_enabled, created_date_time, mail FROM raw_users WHERE id = 'u1'",
			[]any{"u1", "a@contoso.com", "Sales", true, created, nil}},
		{"empty user", "SELECT user_principal_name, user_type, account_enabled, created_date_time FROM raw_users WHERE id = 'u2'",
			[]any{nil, nil, false, nil}},
		{"licence", "SELECT user_id, sku_id, disabled_plans FROM raw_user_licenses",
			[]any{"u1", "sku-1", []any{"p1", "p2"}}},
		{"direct state", "SELECT assigned_by_group, state, error, disabled_plans, last_updated_date_time FROM raw_license_assignment_states WHERE assigned_by_group IS NULL",
			[]any{nil, "Active", "None", []any{}, created}},
		{"group state", "SELECT assigned_by_group, error, last_updated_date_time FROM raw_license_assignment_states WHERE assigned_by_group IS NOT NULL",
			[]any{"g1", nil, nil}},
		{"sku", "SELECT sku_part_number, enabled_units, suspended_units, warning_units, locked_out_units, consumed_units, subscription_ids FROM raw_subscribed_skus",
			[]any{"SPE_E3", int64(150), int64(1), int64(2), int64(3), int64(120), []any{"sub-1", "sub-2"}}},
		{"service plan", "SELECT sku_id, service_plan_name FROM raw_sku_service_plans", []any{skuIDs[0], "EXCHANGE_S_ENTERPRISE"}},
		{"subscription", "SELECT id, is_trial, total_licenses, created_date_time, next_lifecycle_date_time, owner_id FROM raw_subscriptions",
			[]any{"sub-1", true, int64(150), created, nil, nil}},
		{"subscription plan", "SELECT subscription_id, service_plan_id FROM raw_subscription_service_plans", []any{"sub-1", "sp-1"}},
		{"group", "SELECT g.id, g.display_name, l.sku_id, l.disabled_plans FROM raw_groups g JOIN raw_group_licenses l ON l.group_id = g.id",
			[]any{"g1", "Licensed staff", "sku-1", []any{}}},
		{"settings", "SELECT display_concealed_names FROM raw_report_settings", []any{true}},
		{"activity", "SELECT report_period, report_refresh_date, has_exchange_license, has_onedrive_license, teams_last_activity_date, exchange_last_activity_date, deleted_date FROM raw_usage_report",
			[]any{"D7", refresh, true, false, refresh.AddDate(0, 0, -3), nil, nil}},
		{"dataset status", "SELECT dataset, ok, rows, error FROM raw_dataset_status", []any{"subscriptions", true, int64(1), nil}},
		// The report settings conceal names: the transforms record it degraded.
		{"snapshot", "SELECT run_id, status, snapshot_date FROM snapshots", []any{"run-1", "degraded", day1}},
		{"keys", "SELECT DISTINCT tenant, snapshot_date, run_id FROM raw_users", []any{"contoso", day1, "run-1"}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := queryRow(t, w, c.query); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestAppendRejectsBadRecords(t *testing.T) {
	w, _ := mustOpen(t)
	tests := []struct {
		name string
		do   func(*load.Snapshot) error
		want string
	}{
		{"user without id", func(s *load.Snapshot) error { return s.AppendUsers([]extract.User{{ID: "u1"}, {}}) }, "users[1]: id is empty"},
		{"licence without sku", func(s *load.Snapshot) error {
			return s.AppendUsers([]extract.User{{ID: "u1", AssignedLicenses: []extract.AssignedLicense{{}}}})
		}, "user u1: assignedLicenses[0]: skuId is empty"},
		{"state without sku", func(s *load.Snapshot) error {
			return s.AppendUsers([]extract.User{{ID: "u1", LicenseAssignmentStates: []extract.LicenseAssignmentState{{}}}})
		}, "user u1: licenseAssignmentStates[0]: skuId is empty"},
		{"sku without id", func(s *load.Snapshot) error { return s.AppendSKUs([]extract.SKU{{ID: "t_x"}}) }, "subscribedSkus[0] (id t_x): skuId is empty"},
		{"plan without id", func(s *load.Snapshot) error {
			return s.AppendSKUs([]extract.SKU{{SkuID: "k", ServicePlans: []extract.ServicePlan{{}}}})
		}, "sku k: servicePlans[0]"},
		{"subscription without id", func(s *load.Snapshot) error { return s.AppendSubscriptions([]extract.Subscription{{}}) }, "subscriptions[0]: id is empty"},
		{"group without id", func(s *load.Snapshot) error { return s.AppendGroups([]extract.Group{{}}) }, "groups[0]: id is empty"},
		{"group licence without sku", func(s *load.Snapshot) error {
			return s.AppendGroups([]extract.Group{{ID: "g", AssignedLicenses: []extract.AssignedLicense{{}}}})
		}, "group g: assignedLicenses[0]"},
		{"bad period", func(s *load.Snapshot) error { return s.AppendActivity("D8", extract.ActivityRow{}) }, `period "D8"`},
		{"empty dataset", func(s *load.Snapshot) error { return s.DatasetStatus("", true, 0, nil) }, "dataset name is empty"},
		{"bad commit status", func(s *load.Snapshot) error { return s.Commit("failed") }, `status "failed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := w.BeginSnapshot(context.Background(), "contoso", day1, "run-1")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			err = tt.do(s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if got := s.Counts(); got != (load.SnapshotCounts{}) {
				t.Errorf("Counts after a rejected page: got %+v, want zero (nothing appended)", got)
			}
		})
	}
}

func TestBeginSnapshotBadInput(t *testing.T) {
	w, _ := mustOpen(t)
	tests := []struct {
		name, tenant, run string
		date              time.Time
		want              string
	}{
		{"tenant", "", "r", day1, "tenant"},
		{"run", "t", "", day1, "run id"},
		{"date", "t", "r", time.Time{}, "snapshot date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.BeginSnapshot(context.Background(), tt.tenant, tt.date, tt.run)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// TestSnapshotSemantics pins the warehouse contract: same-day re-runs
// replace atomically, failures leave the previous snapshot, tenants and
// days coexist.
func TestSnapshotSemantics(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 3000))
	writeSnapshot(t, w, "fabrikam", day1, "run-1", genUsers(10000, 500))
	writeSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 2000))

	t.Run("same-day re-run replaces the day", func(t *testing.T) {
		s, err := w.BeginSnapshot(ctx, "contoso", day2, "run-3")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Rollback()
		if err := s.AppendUsers(genUsers(50000, 1200)); err != nil {
			t.Fatal(err)
		}
		// Before Commit, readers still see the whole old snapshot.
		if got := count(t, w, "raw_users", "contoso", day2); got != 2000 {
			t.Errorf("raw_users before Commit: got %d, want the old 2000", got)
		}
		if err := s.Commit("degraded"); err != nil {
			t.Fatal(err)
		}
		if got := count(t, w, "raw_users", "contoso", day2); got != 1200 {
			t.Errorf("raw_users: got %d, want 1200", got)
		}
		if got, want := count(t, w, "raw_user_licenses", "contoso", day2), licenceRows(50000, 1200); got != want {
			t.Errorf("raw_user_licenses: got %d, want %d", got, want)
		}
		if got := count(t, w, "raw_subscribed_skus", "contoso", day2); got != 0 {
			t.Errorf("raw_subscribed_skus: got %d, want 0 (the re-run wrote none)", got)
		}
		var runs, status string
		err = w.SQLForTests().QueryRow(`SELECT string_agg(DISTINCT u.run_id), any_value(s.status) FROM raw_users u
			JOIN snapshots s USING (tenant, snapshot_date) WHERE tenant = 'contoso' AND snapshot_date = ?`, day2).Scan(&runs, &status)
		if err != nil {
			t.Fatalf("read runs: %v", err)
		}
		if runs != "run-3" || status != "degraded" {
			t.Errorf("rows of runs %q with status %q, want only run-3, degraded", runs, status)
		}
	})
	t.Run("rollback keeps the previous snapshot", func(t *testing.T) {
		s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-4")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AppendUsers(genUsers(70000, 100)); err != nil {
			t.Fatal(err)
		}
		if err := s.Rollback(); err != nil {
			t.Fatalf("Rollback: %v", err)
		}
		if err := s.Rollback(); err != nil {
			t.Errorf("second Rollback: got %v, want nil", err)
		}
		if got := count(t, w, "raw_users", "contoso", day1); got != 3000 {
			t.Errorf("raw_users: got %d, want 3000", got)
		}
		if got := count(t, w, "raw_subscribed_skus", "contoso", day1); got != 1 {
			t.Errorf("raw_subscribed_skus: got %d, want 1", got)
		}
		if got := snapshotRun(t, w, "contoso", day1); got != "run-1" {
			t.Errorf("snapshot run: got %q, want run-1", got)
		}
		if err := s.AppendUsers(genUsers(0, 1)); err == nil {
			t.Error("AppendUsers after Rollback: got no error, want one")
		}
	})
	t.Run("tenants and days coexist", func(t *testing.T) {
		for _, c := range []struct {
			tenant string
			date   time.Time
			want   int64
		}{{"contoso", day1, 3000}, {"fabrikam", day1, 500}, {"contoso", day2, 1200}} {
			if got := count(t, w, "raw_users", c.tenant, c.date); got != c.want {
				t.Errorf("%s %s: got %d users, want %d", c.tenant, c.date.Format(time.DateOnly), got, c.want)
			}
		}
	})
	t.Run("rollback after commit is a no-op", func(t *testing.T) {
		s, err := w.BeginSnapshot(ctx, "northwind", day1, "run-5")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("ok"); err != nil {
			t.Fatal(err)
		}
		if err := s.Rollback(); err != nil {
			t.Errorf("Rollback after Commit: got %v, want nil", err)
		}
		if err := s.Commit("ok"); err == nil {
			t.Error("second Commit: got no error, want one")
		}
		if got := snapshotRun(t, w, "northwind", day1); got != "run-5" {
			t.Errorf("empty snapshot: got run %q, want run-5", got)
		}
	})
}

func TestFailedDatasetIsDiscarded(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	if err := s.AppendUsers(genUsers(0, 10)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		if err := s.AppendActivity("D30", extract.ActivityRow{ReportRefreshDate: day1, UserPrincipalName: "x@contoso.com"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DatasetStatus("usage_report", false, 5000, errors.New("report page 3: status 503")); err != nil {
		t.Fatalf("DatasetStatus: %v", err)
	}
	if got := s.Counts().ReportRows; got != 0 {
		t.Errorf("Counts().ReportRows after discard: got %d, want 0", got)
	}
	if err := s.Commit("degraded"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, w, "raw_usage_report", "contoso", day1); got != 0 {
		t.Errorf("raw_usage_report: got %d rows, want 0 (a partial report is never kept)", got)
	}
	if got := count(t, w, "raw_users", "contoso", day1); got != 10 {
		t.Errorf("raw_users: got %d, want 10", got)
	}
	got := queryRow(t, w, "SELECT dataset, ok, rows, error FROM raw_dataset_status")
	want := []any{"usage_report", false, int64(5000), "report page 3: status 503"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("raw_dataset_status: got %v, want %v", got, want)
	}
}

func TestCloseRollsBackOpenSnapshot(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))
	s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-2")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendUsers(genUsers(100, 5)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close with an open snapshot: %v", err)
	}
	w2 := mustOpenPath(t, path)
	if got := count(t, w2, "raw_users", "contoso", day1); got != 10 {
		t.Errorf("raw_users: got %d, want the committed 10", got)
	}
}

func TestCancelledSnapshotDoesNotCommit(t *testing.T) {
	w, _ := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))
	ctx, cancel := context.WithCancel(context.Background())
	s, err := w.BeginSnapshot(ctx, "contoso", day1, "run-2")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	if err := s.AppendUsers(genUsers(100, 3)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := s.Commit("ok"); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit after cancel: got %v, want context.Canceled", err)
	}
	if got := count(t, w, "raw_users", "contoso", day1); got != 10 {
		t.Errorf("raw_users: got %d, want the previous 10", got)
	}
	// The pooled connections are still usable.
	writeSnapshot(t, w, "contoso", day2, "run-3", genUsers(0, 5))
}
