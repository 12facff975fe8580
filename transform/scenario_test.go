package transform_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

var update = flag.Bool("update", false, "rewrite golden files")

// scenario is a hand-built tenant: testdata/<name>/scenario.json.
type scenario struct {
	Snapshots []snapshot `json:"snapshots"`
	Rules     struct {
		InactivityDays int                   `json:"inactivity_days"`
		GraceDays      int                   `json:"grace_days"`
		Exclusions     []transform.Exclusion `json:"exclusions"`
		IgnoreSKUs     []string              `json:"ignore_skus"`
		Limits         []transform.Limit     `json:"limits"`
	} `json:"rules"`
	Pricing transform.Pricing `json:"pricing"`
}

type snapshot struct {
	Tenant        string                 `json:"tenant"`
	Date          string                 `json:"date"`
	Users         []extract.User         `json:"users"`
	SKUs          []extract.SKU          `json:"skus"`
	Subscriptions []extract.Subscription `json:"subscriptions"`
	Groups        []extract.Group        `json:"groups"`
	Settings      extract.ReportSettings `json:"settings"`
	// Report is the usage report: nil means the report failed to load.
	Report *struct {
		RefreshDate string      `json:"refresh_date"`
		Rows        []reportRow `json:"rows"`
	} `json:"report"`
}

// reportRow is a usage report row in short form: workload -> date.
type reportRow struct {
	UPN     string            `json:"upn"`
	Deleted bool              `json:"deleted"`
	Last    map[string]string `json:"last"`
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return d
}

// loadScenario writes the scenario's parameters, then its snapshots (each
// computing its marts) into a fresh warehouse.
func loadScenario(t *testing.T, name string) *load.Warehouse {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name, "scenario.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sc scenario
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s/scenario.json: %v", name, err)
	}
	ctx := context.Background()
	w, err := load.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("close warehouse: %v", err)
		}
	})
	applyParams(t, w, transform.Rules{
		InactivityDays: sc.Rules.InactivityDays, GraceDays: sc.Rules.GraceDays,
		Exclusions: sc.Rules.Exclusions, IgnoreSKUs: sc.Rules.IgnoreSKUs, Limits: sc.Rules.Limits,
	}, sc.Pricing)
	for i, s := range sc.Snapshots {
		writeSnapshot(t, w, s, fmt.Sprintf("run-%d", i))
	}
	return w
}

func writeSnapshot(t *testing.T, w *load.Warehouse, s snapshot, runID string) {
	t.Helper()
	ctx := context.Background()
	date := day(t, s.Date)
	if err := w.StartRun(ctx, load.Run{ID: runID, Tenant: s.Tenant, SnapshotDate: date, StartedAt: date, Status: load.StatusRunning}); err != nil {
		t.Fatal(err)
	}
	snap, err := w.BeginSnapshot(ctx, s.Tenant, date, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Rollback()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(snap.AppendSKUs(s.SKUs))
	must(snap.AppendSubscriptions(s.Subscriptions))
	must(snap.AppendGroups(s.Groups))
	must(snap.SetReportSettings(s.Settings))
	must(snap.AppendUsers(s.Users))
	if s.Report == nil {
		must(snap.DatasetStatus("usage_report", false, 0, fmt.Errorf("simulated report failure")))
	} else {
		for _, r := range s.Report.Rows {
			must(snap.AppendActivity("D7", activityRow(t, s.Report.RefreshDate, r)))
		}
		must(snap.DatasetStatus("usage_report", true, int64(len(s.Report.Rows)), nil))
	}
	must(snap.Commit(load.StatusOK))
}

func activityRow(t *testing.T, refresh string, r reportRow) extract.ActivityRow {
	a := extract.ActivityRow{ReportRefreshDate: day(t, refresh), UserPrincipalName: r.UPN, DisplayName: r.UPN, IsDeleted: r.Deleted}
	for i, w := range extract.Workloads {
		if d, ok := r.Last[w]; ok {
			a.HasLicense[i] = true
			a.LastActivityDate[i] = day(t, d)
		}
	}
	return a
}

// dumpQuery renders a query's rows as sorted CSV-ish lines with a header.
func dumpQuery(t *testing.T, w *load.Warehouse, q string) string {
	t.Helper()
	var lines []string
	cols, err := w.QueryUser(context.Background(), q, func(vals []any) error {
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = cell(v)
		}
		lines = append(lines, strings.Join(cells, ","))
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	sort.Strings(lines)
	return strings.Join(cols, ",") + "\n" + strings.Join(lines, "\n") + "\n"
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	case float64:
		return fmt.Sprintf("%.2f", x)
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = cell(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		if strings.ContainsAny(x, ",\n\"") {
			return `"` + strings.ReplaceAll(x, `"`, `""`) + `"`
		}
		return x
	}
	return fmt.Sprint(v)
}

// marts are the queries each golden pins (evidence JSON is pinned whole).
var marts = map[string]string{
	"mart_license_inventory":      "SELECT * FROM mart_license_inventory",
	"mart_user_licenses":          "SELECT * FROM mart_user_licenses",
	"mart_reclamation_candidates": "SELECT * FROM mart_reclamation_candidates",
	"mart_reclamation_excluded":   "SELECT tenant, user_id, sku_part_number, reason, reasons, exclusion_reason FROM mart_reclamation_excluded",
	"mart_spend":                  "SELECT * FROM mart_spend",
	"mart_renewals":               "SELECT * FROM mart_renewals",
	"mart_findings":               "SELECT * FROM mart_findings",
	"mart_utilization_history":    "SELECT * FROM mart_utilization_history",
	"mart_license_inventory_history": "SELECT tenant, snapshot_date, as_of, sku_part_number, active_units, consumed_units, " +
		"unused_units, unit_price_annual, annual_cost FROM mart_license_inventory_history",
	"mart_reclamation_candidates_history": "SELECT tenant, snapshot_date, as_of, user_id, sku_part_number, reason, reasons, " +
		"idle_days, action, annual_savings FROM mart_reclamation_candidates_history",
}

// diffLines lists the lines only in got (+) and only in want (-).
func diffLines(got, want string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	var plus []string
	for _, l := range strings.Split(got, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		plus = append(plus, "+ "+l)
	}
	var minus []string
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			count[l]--
			minus = append(minus, "- "+l)
		}
	}
	return strings.Join(append(plus, minus...), "\n")
}

func TestGoldenMarts(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "scenario.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		t.Run(name, func(t *testing.T) {
			w := loadScenario(t, name)
			for mart, q := range marts {
				got := dumpQuery(t, w, q)
				path := filepath.Join("testdata", name, "golden", mart+".csv")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("read golden (run -update after checking): %v", err)
				}
				if got != string(want) {
					t.Errorf("%s: got rows (+) that differ from %s (-):\n%s", mart, path, diffLines(got, string(want)))
				}
			}
		})
	}
}

// TestConcealedReportNoActivityCandidates is the acceptance rule: a tenant
// whose report is concealed (by settings, or by 32-hex names only) gets
// zero activity-based candidates, excluded ones included, and a critical
// finding; so does a tenant whose report failed to load.
func TestConcealedReportNoActivityCandidates(t *testing.T) {
	tests := []struct {
		scenario, tenant, finding string
	}{
		{"concealed", "concealed-settings", transform.FindingUsageReportConcealed},
		{"concealed", "concealed-hex", transform.FindingUsageReportConcealed},
		{"report", "noreport", transform.FindingUsageReportUnavailable},
	}
	warehouses := map[string]*load.Warehouse{}
	for _, tc := range tests {
		if warehouses[tc.scenario] == nil {
			warehouses[tc.scenario] = loadScenario(t, tc.scenario)
		}
	}
	for _, tc := range tests {
		t.Run(tc.tenant, func(t *testing.T) {
			w := warehouses[tc.scenario]
			got := scalar(t, w, `SELECT count(*) FROM (SELECT tenant, reasons FROM mart_reclamation_candidates
				UNION ALL SELECT tenant, reasons FROM mart_reclamation_excluded)
				WHERE tenant = ? AND list_has_any(reasons, ?)`, tc.tenant, transform.ActivityReasons)
			if got != "0" {
				t.Errorf("activity-based candidates: got %s, want 0", got)
			}
			got = scalar(t, w, `SELECT count(*) FROM mart_findings WHERE tenant = ? AND code = ? AND severity = ?`,
				tc.tenant, tc.finding, transform.SeverityCritical)
			if got != "1" {
				t.Errorf("critical %s findings: got %s, want 1", tc.finding, got)
			}
			got = scalar(t, w, `SELECT count(*) FROM mart_user_licenses WHERE tenant = ? AND (in_report OR last_activity_date IS NOT NULL)`, tc.tenant)
			if got != "0" {
				t.Errorf("licences joined to report rows: got %s, want 0", got)
			}
		})
	}
}

func scalar(t *testing.T, w *load.Warehouse, q string, args ...any) string {
	t.Helper()
	var out sql.NullString // "" for NULL, as cell renders it
	if err := w.SQLForTests().QueryRow(q, args...).Scan(&out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out.String
}
