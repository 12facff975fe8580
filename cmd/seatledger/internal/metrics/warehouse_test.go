package metrics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/metrics"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
)

func TestWarehouseCollect(t *testing.T) {
	now := time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC)
	full := metrics.Tenant{
		Name: "contoso", HasSnapshot: true, Concealed: true,
		SKUs: []metrics.SKU{{PartNumber: "SPE_E3", Enabled: 100, Warning: 5, Consumed: 90, Unused: 15, Limit: 80, HasLimit: true},
			{PartNumber: "VISIOCLIENT", Enabled: 10, Consumed: 2, Unused: 8}},
		Idle:        []metrics.Idle{{SKU: "SPE_E3", Reason: "inactive", Count: 4}},
		Reclaimable: map[string]float64{"EUR": 1234.5},
		Realised:    map[string]float64{"EUR": 432},
		Rightsizing: []metrics.Rightsizing{{Rule: "no_desktop_apps", Currency: "EUR", AnnualSavings: 2016},
			{Rule: "no_desktop_apps", Currency: "USD", AnnualSavings: 180.5}, {Rule: "shared_mailbox", Currency: "EUR", AnnualSavings: 300.3}},
		NextLifecycle:     map[string]time.Time{"SPE_E3": time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		ReportRefreshDate: time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC),
		LastSuccess:       time.Date(2026, 3, 10, 3, 0, 1, 500e6, time.UTC),
		LastRun:           metrics.Run{Status: "degraded", Rows: map[string]float64{"users": 120, "usage_report": 118}},
	}
	tests := []struct {
		name   string
		tenant metrics.Tenant
		series []string
		want   string
	}{
		{"seats by state", full, []string{"seatledger_sku_units", "seatledger_sku_consumed_units", "seatledger_sku_unused_units"}, `
# HELP seatledger_sku_consumed_units Seats of a SKU assigned to users, latest snapshot.
# TYPE seatledger_sku_consumed_units gauge
seatledger_sku_consumed_units{sku="SPE_E3",tenant="contoso"} 90
seatledger_sku_consumed_units{sku="VISIOCLIENT",tenant="contoso"} 2
# HELP seatledger_sku_units Prepaid seats of a SKU by state (enabled, warning, suspended, locked_out), latest snapshot.
# TYPE seatledger_sku_units gauge
seatledger_sku_units{sku="SPE_E3",state="enabled",tenant="contoso"} 100
seatledger_sku_units{sku="SPE_E3",state="locked_out",tenant="contoso"} 0
seatledger_sku_units{sku="SPE_E3",state="suspended",tenant="contoso"} 0
seatledger_sku_units{sku="SPE_E3",state="warning",tenant="contoso"} 5
seatledger_sku_units{sku="VISIOCLIENT",state="enabled",tenant="contoso"} 10
seatledger_sku_units{sku="VISIOCLIENT",state="locked_out",tenant="contoso"} 0
seatledger_sku_units{sku="VISIOCLIENT",state="suspended",tenant="contoso"} 0
seatledger_sku_units{sku="VISIOCLIENT",state="warning",tenant="contoso"} 0
# HELP seatledger_sku_unused_units Active seats of a SKU not assigned: max(enabled + warning - consumed, 0), or 0 for a suspended SKU.
# TYPE seatledger_sku_unused_units gauge
seatledger_sku_unused_units{sku="SPE_E3",tenant="contoso"} 15
seatledger_sku_unused_units{sku="VISIOCLIENT",tenant="contoso"} 8
`},
		// Only a SKU with a limit has the series.
		{"hard limits", full, []string{"seatledger_sku_limit_units"}, `
# HELP seatledger_sku_limit_units The tenant's hard limit on consumed seats of a SKU (tenants[].limits), latest snapshot; absent without one.
# TYPE seatledger_sku_limit_units gauge
seatledger_sku_limit_units{sku="SPE_E3",tenant="contoso"} 80
`},
		{"realised savings", full, []string{"seatledger_realised_annual_savings"}, `
# HELP seatledger_realised_annual_savings Annual savings realised by reclaimed seats (cut at renewal or reused by others), latest snapshot, by currency.
# TYPE seatledger_realised_annual_savings gauge
seatledger_realised_annual_savings{currency="EUR",tenant="contoso"} 432
`},
		{"rightsizing savings", full, []string{"seatledger_rightsizing_annual_savings"}, `
# HELP seatledger_rightsizing_annual_savings Annual savings of the rightsizing rows (seats that could be a cheaper SKU, or none), safe and review together, latest snapshot, by rule and currency; rows without a price left out.
# TYPE seatledger_rightsizing_annual_savings gauge
seatledger_rightsizing_annual_savings{currency="EUR",rule="no_desktop_apps",tenant="contoso"} 2016
seatledger_rightsizing_annual_savings{currency="EUR",rule="shared_mailbox",tenant="contoso"} 300.3
seatledger_rightsizing_annual_savings{currency="USD",rule="no_desktop_apps",tenant="contoso"} 180.5
`},
		// A tenant with a snapshot but no rightsizing row has no series.
		{"no rightsizing rows", metrics.Tenant{Name: "contoso", HasSnapshot: true}, []string{"seatledger_rightsizing_annual_savings", "seatledger_snapshot_present"}, `
# HELP seatledger_snapshot_present 1 when the warehouse holds a snapshot of the tenant.
# TYPE seatledger_snapshot_present gauge
seatledger_snapshot_present{tenant="contoso"} 1
`},
		{"costs, renewals, idle", full, []string{"seatledger_idle_licenses", "seatledger_reclaimable_annual_cost", "seatledger_subscription_next_lifecycle_timestamp_seconds"}, `
# HELP seatledger_idle_licenses Reclamation candidates by SKU and first reason, latest snapshot.
# TYPE seatledger_idle_licenses gauge
seatledger_idle_licenses{reason="inactive",sku="SPE_E3",tenant="contoso"} 4
# HELP seatledger_reclaimable_annual_cost Annual cost of the reclamation candidates, by currency.
# TYPE seatledger_reclaimable_annual_cost gauge
seatledger_reclaimable_annual_cost{currency="EUR",tenant="contoso"} 1234.5
# HELP seatledger_subscription_next_lifecycle_timestamp_seconds Earliest nextLifecycleDateTime (renewal or expiry) of a SKU's subscriptions, Unix time.
# TYPE seatledger_subscription_next_lifecycle_timestamp_seconds gauge
seatledger_subscription_next_lifecycle_timestamp_seconds{sku="SPE_E3",tenant="contoso"} 1.7750016e+09
`},
		// The report age counts whole UTC days up to the scrape: 7 March to 10 March.
		{"report and runs", full, []string{"seatledger_usage_report_age_days", "seatledger_usage_report_concealed", "seatledger_last_success_timestamp_seconds", "seatledger_last_run_status"}, `
# HELP seatledger_last_run_status 1 for the status of the tenant's latest run (running, ok, degraded, failed, aborted), 0 for the others.
# TYPE seatledger_last_run_status gauge
seatledger_last_run_status{status="aborted",tenant="contoso"} 0
seatledger_last_run_status{status="degraded",tenant="contoso"} 1
seatledger_last_run_status{status="failed",tenant="contoso"} 0
seatledger_last_run_status{status="ok",tenant="contoso"} 0
seatledger_last_run_status{status="running",tenant="contoso"} 0
# HELP seatledger_last_success_timestamp_seconds End of the tenant's last ok or degraded run, Unix time; 0 when none succeeded.
# TYPE seatledger_last_success_timestamp_seconds gauge
seatledger_last_success_timestamp_seconds{tenant="contoso"} 1.7731116015e+09
# HELP seatledger_usage_report_age_days Whole days from the newest usage report's Report Refresh Date to now (UTC).
# TYPE seatledger_usage_report_age_days gauge
seatledger_usage_report_age_days{tenant="contoso"} 3
# HELP seatledger_usage_report_concealed 1 when the latest usage report conceals user names: activity rules are off.
# TYPE seatledger_usage_report_concealed gauge
seatledger_usage_report_concealed{tenant="contoso"} 1
`},
		// A configured tenant never run: last success 0 (the no-success alert
		// fires), and no seat, report or run series.
		{"tenant without a snapshot", metrics.Tenant{Name: "fabrikam"}, []string{"seatledger_last_success_timestamp_seconds", "seatledger_snapshot_present", "seatledger_sku_units", "seatledger_usage_report_concealed", "seatledger_last_run_status", "seatledger_rightsizing_annual_savings"}, `
# HELP seatledger_last_success_timestamp_seconds End of the tenant's last ok or degraded run, Unix time; 0 when none succeeded.
# TYPE seatledger_last_success_timestamp_seconds gauge
seatledger_last_success_timestamp_seconds{tenant="fabrikam"} 0
# HELP seatledger_snapshot_present 1 when the warehouse holds a snapshot of the tenant.
# TYPE seatledger_snapshot_present gauge
seatledger_snapshot_present{tenant="fabrikam"} 0
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := metrics.NewWarehouse(func() time.Time { return now })
			w.Set(&metrics.State{ReadAt: now, Tenants: []metrics.Tenant{tt.tenant}})
			if err := testutil.CollectAndCompare(w, strings.NewReader(tt.want), tt.series...); err != nil {
				t.Error(err)
			}
		})
	}
}

// rightsizingRows are latest rightsizing rows: contoso with two rules,
// safe and review, two currencies and a row without a saving (a missing
// price); fabrikam with a row without a saving only; adatum, a tenant no
// longer configured.
const rightsizingRows = `INSERT INTO mart_rightsizing
    (tenant, as_of, user_id, user_principal_name, from_sku, to_sku, rule, evidence, annual_saving, confidence, currency)
SELECT tenant, DATE '2026-03-10', user_id, user_id || '@' || tenant || '.example', from_sku, to_sku, rule, '{}', saving, confidence, currency
FROM (VALUES
    ('contoso', 'u1', 'ENTERPRISEPACK', NULL, 'shared_mailbox', 'safe', 'USD', 100.10),
    ('contoso', 'u2', 'SPE_E3', NULL, 'shared_mailbox', 'safe', 'USD', 200.20),
    ('contoso', 'u3', 'ENTERPRISEPACK', 'STANDARDPACK', 'no_desktop_apps', 'safe', 'USD', 180.00),
    ('contoso', 'u4', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'USD', 252.00),
    ('contoso', 'u5', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'USD', NULL),
    ('contoso', 'u6', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'EUR', 230.40),
    ('fabrikam', 'u7', 'SPE_E3', NULL, 'shared_mailbox', 'safe', 'USD', NULL),
    ('adatum', 'u8', 'SPE_E3', NULL, 'shared_mailbox', 'safe', 'USD', 999.00)
) AS r(tenant, user_id, from_sku, to_sku, rule, confidence, currency, saving)`

// TestWarehouseRightsizing reads a real warehouse file read-only, as
// serve does, and exports seatledger_rightsizing_annual_savings: sums by
// tenant, rule and currency (exact decimals: 100.10 + 200.20 is 300.3),
// rows without a saving skipped, a tenant without a row (fabrikam) or not
// configured (adatum) absent. A warehouse written before migration 0013
// has no mart_rightsizing: the read does not fail, the series is absent
// and the other series are served.
func TestWarehouseRightsizing(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	now := day.Add(12 * time.Hour)
	const present = `
# HELP seatledger_snapshot_present 1 when the warehouse holds a snapshot of the tenant.
# TYPE seatledger_snapshot_present gauge
seatledger_snapshot_present{tenant="contoso"} 1
seatledger_snapshot_present{tenant="fabrikam"} 1
`
	tests := []struct {
		name  string
		stmts []string
		want  string
	}{
		{"sums by tenant, rule and currency", []string{rightsizingRows}, `
# HELP seatledger_rightsizing_annual_savings Annual savings of the rightsizing rows (seats that could be a cheaper SKU, or none), safe and review together, latest snapshot, by rule and currency; rows without a price left out.
# TYPE seatledger_rightsizing_annual_savings gauge
seatledger_rightsizing_annual_savings{currency="EUR",rule="no_desktop_apps",tenant="contoso"} 230.4
seatledger_rightsizing_annual_savings{currency="USD",rule="no_desktop_apps",tenant="contoso"} 432
seatledger_rightsizing_annual_savings{currency="USD",rule="shared_mailbox",tenant="contoso"} 300.3
` + present},
		{"no rightsizing rows", nil, present},
		{"before migration 0013", []string{
			"DROP VIEW mart_rightsizing_history",
			"DROP TABLE mart_rightsizing_history_versions",
			"DROP TABLE mart_rightsizing_history_nightly",
			"DROP TABLE mart_rightsizing",
			"DELETE FROM schema_migrations WHERE version = 13",
		}, present},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := writeWarehouse(t, day)
			execWarehouse(t, path, tt.stmts...)
			w, err := load.OpenReadOnly(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			st, err := metrics.Read(ctx, w, []string{"contoso", "fabrikam"}, now)
			if err != nil {
				t.Fatalf("Read: got %v, want no error", err)
			}
			c := metrics.NewWarehouse(func() time.Time { return now })
			c.Set(st)
			if err := testutil.CollectAndCompare(c, strings.NewReader(tt.want),
				"seatledger_rightsizing_annual_savings", "seatledger_snapshot_present"); err != nil {
				t.Error(err)
			}
		})
	}
}

// execWarehouse runs stmts on the warehouse file at path, opened for
// writing, and closes it.
func execWarehouse(t *testing.T, path string, stmts ...string) {
	t.Helper()
	w, err := load.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, q := range stmts {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRegister: the registry takes every collector once, with the Go and
// process collectors, and the job metrics start at their zero values.
func TestRegister(t *testing.T) {
	reg := prometheus.NewRegistry()
	j, err := metrics.Register(reg, metrics.NewWarehouse(time.Now))
	if err != nil {
		t.Fatal(err)
	}
	j.ObserveGraph("users", 200)
	j.ObserveGraph("users", 429)
	j.ObserveGraph("users", 429)
	j.StageDone(pipeline.StageTransform, 1500*time.Millisecond, false)
	j.RunDone(time.Unix(100, 0), 2*time.Second, false)
	want := `
# HELP seatledger_graph_requests_total Microsoft Graph and Entra token HTTP attempts (retries included) by endpoint and status code; code 0: no response.
# TYPE seatledger_graph_requests_total counter
seatledger_graph_requests_total{code="200",endpoint="users"} 1
seatledger_graph_requests_total{code="429",endpoint="users"} 2
# HELP seatledger_graph_throttled_total Graph HTTP attempts answered 429 Too Many Requests, by endpoint.
# TYPE seatledger_graph_throttled_total counter
seatledger_graph_throttled_total{endpoint="users"} 2
# HELP seatledger_runs_total Runs of this process by result: success or failure.
# TYPE seatledger_runs_total counter
seatledger_runs_total{result="failure"} 1
seatledger_runs_total{result="success"} 0
# HELP seatledger_stage_success 1 when the stage succeeded in the last run that reached it, 0 when it failed.
# TYPE seatledger_stage_success gauge
seatledger_stage_success{stage="transform"} 0
# HELP seatledger_last_run_timestamp_seconds When the last run of this process ended, Unix time; 0 before the first.
# TYPE seatledger_last_run_timestamp_seconds gauge
seatledger_last_run_timestamp_seconds 100
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "seatledger_graph_requests_total", "seatledger_graph_throttled_total",
		"seatledger_runs_total", "seatledger_stage_success", "seatledger_last_run_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	if _, err := metrics.Register(reg, metrics.NewWarehouse(time.Now)); err == nil {
		t.Error("registering twice on one registry: got no error, want a duplicate error")
	}
}
