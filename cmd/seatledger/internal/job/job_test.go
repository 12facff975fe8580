package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

var errGraph = errors.New("simulated Graph failure")

// source is the pipeline's seam, extract.Source, served from memory:
// users each holding one licence of a SKU, or a failure of the users
// dataset (the tenant fails).
type source struct {
	users int
	fail  bool
}

const skuID = "05e9a617-0261-4cee-bb44-138d3ef5d965"

func (s source) Users(_ context.Context, page func([]extract.User) error) error {
	if s.fail {
		return errGraph
	}
	batch := make([]extract.User, s.users)
	for i := range batch {
		batch[i] = extract.User{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), UserType: "Member",
			UserPrincipalName: fmt.Sprintf("user%d@contoso.example", i),
			AccountEnabled:    true, AssignedLicenses: []extract.AssignedLicense{{SkuID: skuID}}}
	}
	return page(batch)
}

func (s source) SubscribedSKUs(context.Context) ([]extract.SKU, error) {
	return []extract.SKU{{ID: "t_" + skuID, SkuID: skuID, SkuPartNumber: "SPE_E3", CapabilityStatus: "Enabled",
		AppliesTo: "User", ConsumedUnits: int64(s.users), PrepaidUnits: extract.PrepaidUnits{Enabled: int64(s.users) + 5}}}, nil
}

func (s source) Subscriptions(context.Context) ([]extract.Subscription, error) {
	return []extract.Subscription{{ID: "sub-1", SkuID: skuID, SkuPartNumber: "SPE_E3", Status: "Enabled", TotalLicenses: 10}}, nil
}

func (source) ReportSettings(context.Context) (extract.ReportSettings, error) {
	return extract.ReportSettings{}, nil
}

func (source) Groups(context.Context) ([]extract.Group, error) { return nil, nil }

func (source) ActivityReport(context.Context, string, func(extract.ActivityRow) error) error {
	return nil
}

// params are the default rules, an empty price book and the reference
// data.
func params(t testing.TB) []load.ParamTable {
	t.Helper()
	cfg := config.Config{Rules: config.Rules{InactivityDays: 90, GraceDays: 30}, Pricing: config.Pricing{Currency: "USD"}}
	tables, err := cfg.ParamTables()
	if err != nil {
		t.Fatalf("ParamTables: %v", err)
	}
	return tables
}

// night runs the job on day over tenants with the configuration of dir
// and returns its error, its output and the stages it reported.
func night(t *testing.T, dir string, day time.Time, tenants []pipeline.Tenant) (string, map[string]bool, error) {
	t.Helper()
	cfg := config.Default()
	cfg.Warehouse.Path = filepath.Join(dir, "seatledger.duckdb")
	cfg.Reports.Dir = filepath.Join(dir, "reports")
	cfg.Reports.Excel = true
	cfg.Reports.ParquetDir = ""
	var out bytes.Buffer
	stages := map[string]bool{}
	_, err := Run(context.Background(), cfg, tenants, day, 0, Options{
		Logger: discard(), Stdout: &out, Now: func() time.Time { return day }, Params: params(t),
		Stage: func(s string, _ time.Duration, ok bool) { stages[s] = ok },
	})
	return out.String(), stages, err
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// row is the summary's row of tenant, its fields but the seconds.
func row(out, tenant string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == tenant {
			return strings.Join(f[:len(f)-1], " ")
		}
	}
	return ""
}

// TestRun runs the job over a tenant that succeeds and one that fails:
// exit 3, the stages reported, the summary (the first tenant is degraded:
// no usage report) and the workbook.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	out, stages, err := night(t, dir, day, []pipeline.Tenant{
		{Name: "contoso", Source: source{users: 20}, ReportPeriod: "D7"},
		{Name: "fabrikam", Source: source{fail: true}, ReportPeriod: "D7"},
	})
	var ec interface{ ExitCode() int }
	if !errors.As(err, &ec) || ec.ExitCode() != 3 || !strings.Contains(err.Error(), "1 of 2 tenants failed") {
		t.Fatalf("Run: got %v, want exit 3 for one failed tenant of two", err)
	}
	want := map[string]bool{StageWarehouse: true, pipeline.StageExtract: false, pipeline.StageTransform: true, StageWorkbook: true}
	if fmt.Sprint(stages) != fmt.Sprint(want) {
		t.Errorf("stages: got %v, want %v", stages, want)
	}
	book := filepath.Join(dir, "reports", "seatledger-2026-03-02.xlsx")
	for tenant, want := range map[string]string{
		"contoso":  "contoso degraded 20 1 25 20 5 0",
		"fabrikam": "fabrikam failed - - - - - -",
	} {
		if got := row(out, tenant); got != want {
			t.Errorf("summary row of %s: got %q, want %q in\n%s", tenant, got, want, out)
		}
	}
	for _, line := range []string{
		"tenant contoso degraded: [usage_report_missing] failed",
		"tenant fabrikam failed: extract users: simulated Graph failure",
		"warehouse: " + filepath.Join(dir, "seatledger.duckdb"),
		"workbook:  " + book,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("summary: no line %q in\n%s", line, out)
		}
	}
	if _, err := os.Stat(book); err != nil {
		t.Errorf("workbook: %v", err)
	}
}

// TestReport reports on two nights: the latest, the first with AsOf, and
// the errors of a day before every snapshot and of an unknown tenant.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	day1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, day := range []time.Time{day1, day1.AddDate(0, 0, 1)} {
		if out, _, err := night(t, dir, day, []pipeline.Tenant{{Name: "contoso", Source: source{users: 10 + i}, ReportPeriod: "D7"}}); err != nil {
			t.Fatalf("night %d: %v\n%s", i+1, err, out)
		}
	}
	report := func(asOf time.Time, tenants ...string) (string, error) {
		var out bytes.Buffer
		err := Report(context.Background(), ReportOptions{
			Logger: discard(), Stdout: &out, Warehouse: filepath.Join(dir, "seatledger.duckdb"), AsOf: asOf,
			Tenants: tenants, Dir: filepath.Join(dir, "past"), Keep: 1,
		})
		return out.String(), err
	}
	for _, tc := range []struct {
		name    string
		asOf    time.Time
		tenants []string
		want    string
		code    int // exit code of the error; 0: none
	}{
		{"latest", time.Time{}, nil, "tenant contoso: snapshot 2026-03-02", 0},
		{"as of the first night", day1, []string{"contoso"}, "tenant contoso: snapshot 2026-03-01", 0},
		{"before every snapshot", day1.AddDate(0, 0, -1), nil, "no snapshot on or before that day (the first is 2026-03-01)", 2},
		{"unknown tenant", time.Time{}, []string{"fabrikam"}, "(have contoso)", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := report(tc.asOf, tc.tenants...)
			if tc.code == 0 {
				if err != nil || !strings.Contains(out, tc.want) || !strings.Contains(out, "workbook:  ") {
					t.Errorf("got %q, %v; want %q and a workbook", out, err, tc.want)
				}
				return
			}
			var ec interface{ ExitCode() int }
			if err == nil || !errors.As(err, &ec) || ec.ExitCode() != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want exit %d with %q", err, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "past", "seatledger-2026-03-02.xlsx")); err != nil {
		t.Errorf("the latest workbook: %v (kept, the older one being written after it)", err)
	}
}

func TestStageOutcomes(t *testing.T) {
	ok := pipeline.Result{Tenant: "a"}
	failed := pipeline.Result{Tenant: "b", Err: errGraph}
	errMarts := errors.New("marts")
	for _, tc := range []struct {
		name               string
		results            []pipeline.Result
		err                error
		extract, transform bool
	}{
		{"all ok", []pipeline.Result{ok, ok}, nil, true, true},
		{"a tenant failed", []pipeline.Result{ok, failed}, errors.Join(errGraph), false, true},
		{"the transforms failed", []pipeline.Result{ok}, errMarts, true, false},
		{"a tenant and the transforms failed", []pipeline.Result{ok, failed}, errors.Join(errGraph, errMarts), false, false},
		{"no tenant", nil, nil, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, tr := stageOutcomes(tc.results, tc.err)
			if e != tc.extract || tr != tc.transform {
				t.Errorf("got extract %v, transform %v; want %v, %v", e, tr, tc.extract, tc.transform)
			}
		})
	}
}

func TestRunOutcome(t *testing.T) {
	ok := pipeline.Result{Tenant: "a"}
	failed := pipeline.Result{Tenant: "b", Err: errGraph}
	for _, tc := range []struct {
		name    string
		results []pipeline.Result
		err     error
		code    int // 0: no error; 1: an error without a code
	}{
		{"all ok", []pipeline.Result{ok, ok}, nil, 0},
		{"degraded counts as success", []pipeline.Result{{Tenant: "a", Degraded: []string{"groups"}}}, nil, 0},
		{"some failed", []pipeline.Result{ok, failed}, errGraph, 3},
		{"all failed", []pipeline.Result{failed, failed}, errGraph, 1},
		{"the run failed", []pipeline.Result{ok}, errors.New("write workbook"), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runOutcome(tc.results, tc.err)
			code := 0
			var ec interface{ ExitCode() int }
			switch {
			case errors.As(err, &ec):
				code = ec.ExitCode()
			case err != nil:
				code = 1
			}
			if code != tc.code || (err != nil && !errors.Is(err, tc.err)) {
				t.Errorf("got %v (exit %d), want exit %d wrapping %v", err, code, tc.code, tc.err)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0.00"},
		{999.994, "999.99"},
		{1000, "1,000.00"},
		{1234567.891, "1,234,567.89"},
		{-1234.5, "-1,234.50"},
		{100000, "100,000.00"},
	} {
		if got := thousands(tc.in); got != tc.want {
			t.Errorf("thousands(%v): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeepFor(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"2026-11-01", "2026-11-02", "2026-11-03"} {
		if err := os.WriteFile(filepath.Join(dir, "seatledger-"+d+".xlsx"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		name     string
		day      string
		keep     int
		wantKeep int
		wantKept bool
	}{
		{"newest", "2026-11-04", 2, 2, false},
		{"rewrites one of the newest", "2026-11-02", 2, 2, false},
		{"older than the newest keep", "2026-11-01", 2, 0, true},
		{"older than all", "2026-10-01", 3, 0, true},
		{"keep all", "2026-10-01", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep, kept := keepFor(dir, day(tc.day), tc.keep)
			if keep != tc.wantKeep || kept != tc.wantKept {
				t.Errorf("keepFor(%s, %d): got %d, %v; want %d, %v", tc.day, tc.keep, keep, kept, tc.wantKeep, tc.wantKept)
			}
		})
	}
}

func TestOnlyTenants(t *testing.T) {
	d := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	snaps := []load.TenantSnapshot{{Tenant: "contoso", Date: d}, {Tenant: "fabrikam", Date: d}, {Tenant: "tailspin", Date: d}}
	for _, tc := range []struct {
		name  string
		names []string
		want  string // the tenants kept, or the error
	}{
		{"all", nil, "contoso fabrikam tailspin"},
		{"sorted", []string{"tailspin", "contoso"}, "contoso tailspin"},
		{"named twice", []string{"fabrikam", "fabrikam"}, "fabrikam"},
		{"unknown", []string{"contoso", "northwind"}, `--tenant "northwind": no snapshot of that tenant in the warehouse (have contoso, fabrikam, tailspin)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := onlyTenants(snaps, tc.names)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				names := make([]string, len(out))
				for i, s := range out {
					names[i] = s.Tenant
				}
				got = strings.Join(names, " ")
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
