package transform_test

import (
	"context"
	"fmt"
	seatsql "github.com/seatledger/seatledger/sql"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

func TestWorkloadsOf(t *testing.T) {
	tests := []struct {
		plan string
		want []string
	}{
		{"EXCHANGE_S_STANDARD", []string{"Exchange"}},
		{"EXCHANGE_S_ENTERPRISE", []string{"Exchange"}},
		{"EXCHANGE_S_DESKLESS", []string{"Exchange"}},
		{"EXCHANGE_S_ENTERPRISE_GOV", []string{"Exchange"}},
		{"EXCHANGE_S_FOUNDATION", nil}, // rides along with Entra, Intune, Power BI: no mailbox
		{"EXCHANGE_S_ARCHIVE_ADDON", nil},
		{"EXCHANGE_ANALYTICS", nil},
		{"SHAREPOINTSTANDARD", []string{"SharePoint", "OneDrive"}},
		{"SHAREPOINTENTERPRISE", []string{"SharePoint", "OneDrive"}},
		{"SHAREPOINTDESKLESS", []string{"SharePoint", "OneDrive"}},
		{"SHAREPOINTWAC", nil}, // Office for the web
		{"SHAREPOINTSTORAGE", nil},
		{"ONEDRIVESTANDARD", []string{"OneDrive"}},
		{"ONEDRIVE_BASIC", nil}, // storage bundled with Visio and Project
		{"ONEDRIVECLIPCHAMP", nil},
		{"MCOSTANDARD", []string{"Skype"}},
		{"MCOIMP", []string{"Skype"}},
		{"MCOEV", nil}, // Teams Phone, not a Skype seat
		{"MCOPSTN1", nil},
		{"YAMMER_ENTERPRISE", []string{"Yammer"}},
		{"VIVAENGAGE_CORE", []string{"Yammer"}},
		{"TEAMS1", []string{"Teams"}},
		{"TEAMS_GOV", []string{"Teams"}},
		{"TEAMS_DESKLESS", []string{"Teams"}},
		{"TEAMSPRO_MGMT", nil}, // Teams Premium add-on
		{"TEAMSMULTIGEO", nil},
		{" TEAMS1 ", []string{"Teams"}},
		{"OFFICESUBSCRIPTION", []string{"Apps"}},
		{"OFFICESUBSCRIPTION_GOV", []string{"Apps"}},
		{"OFFICE_BUSINESS", []string{"Apps"}},
		{"OFFICESUBSCRIPTION_unattended", nil}, // RPA: no person's desktop use
		{"OFFICE_PROPLUS_DEVICE", nil},         // device-based
		{"OFFICEMOBILE_SUBSCRIPTION", nil},
		{"M365_COPILOT_APPS", []string{"Copilot"}},
		{"M365_COPILOT_TEAMS", []string{"Copilot"}},
		{"M365_COPILOT_SHAREPOINT", []string{"Copilot"}},
		{"GRAPH_CONNECTORS_COPILOT", nil},
		{"BI_AZURE_P2", []string{"PowerBI"}}, // Power BI Pro, and inside E5
		{"BI_AZURE_P3", []string{"PowerBI"}}, // Premium per user
		{"BI_AZURE_P0", []string{"PowerBI"}},
		{"AAD_PREMIUM", []string{"SignIn"}},
		{"AAD_PREMIUM_P2", []string{"SignIn"}},
		{"INTUNE_A", []string{"SignIn"}},
		{"INTUNE_A_VL", []string{"SignIn"}},
		{"MFA_PREMIUM", []string{"SignIn"}},
		{"RMS_S_PREMIUM", []string{"SignIn"}},
		{"RMS_S_PREMIUM2", []string{"SignIn"}},
		{"ATA", []string{"SignIn"}},
		{"RMS_S_ENTERPRISE", nil}, // Azure RMS rides with Office 365 E3
		{"INTUNE_O365", nil},      // MDM for Office 365
		{"AAD_BASIC", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.plan, func(t *testing.T) {
			if got := transform.WorkloadsOf(tc.plan); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("WorkloadsOf(%q): got %v, want %v", tc.plan, got, tc.want)
			}
		})
	}
}

// TestWorkloadRulesSQLParity loads one SKU carrying every service plan
// name of the catalogue and checks that stg_plan_workloads (DuckDB's RE2
// over ref_plan_workloads) maps each name exactly as WorkloadsOf does.
func TestWorkloadRulesSQLParity(t *testing.T) {
	cat, err := transform.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{} // name -> a plan id
	for _, s := range cat.SKUs {
		for _, p := range s.Plans {
			names[p.Name] = p.ID
		}
	}
	sku := extract.SKU{SkuID: "05e9a617-0261-4cee-bb44-138d3ef5d965", SkuPartNumber: "SPE_E3", AppliesTo: "User", CapabilityStatus: "Enabled"}
	want := map[string]string{}
	for n, id := range names {
		sku.ServicePlans = append(sku.ServicePlans, extract.ServicePlan{ServicePlanID: id, ServicePlanName: n, ProvisioningStatus: "Success", AppliesTo: "User"})
		if w := transform.WorkloadsOf(n); len(w) > 0 {
			sort.Strings(w)
			want[n] = strings.Join(w, " ")
		}
	}
	// stg_plan_workloads lives only while a snapshot computes: an extra
	// model keeps a copy.
	w := warehouseWithSKU(t, sku, load.WithTransforms(transformsWith(t,
		"marts/99_keep.sql", "CREATE TABLE kept_plan_workloads AS SELECT * FROM stg_plan_workloads;")))
	got := map[string]string{}
	_, err = w.QueryUser(context.Background(), "SELECT plan_name, string_agg(workload, ' ' ORDER BY workload) FROM kept_plan_workloads GROUP BY ALL",
		func(v []any) error {
			got[v[0].(string)] = v[1].(string)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 40 {
		t.Fatalf("only %d catalogue plans carry a workload: the rules match too little", len(want))
	}
	for n := range names {
		if got[n] != want[n] {
			t.Errorf("plan %q: SQL got %q, Go wants %q", n, got[n], want[n])
		}
	}
}

// warehouseWithSKU loads one tenant snapshot holding sku, computed with
// default rules.
func warehouseWithSKU(t *testing.T, sku extract.SKU, opts ...load.Option) *load.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := load.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	applyParams(t, w, transform.Rules{InactivityDays: 90, GraceDays: 30}, transform.Pricing{Currency: "USD"})
	date := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if err := w.StartRun(ctx, load.Run{ID: "r1", Tenant: "t", SnapshotDate: date, StartedAt: date, Status: load.StatusRunning}); err != nil {
		t.Fatal(err)
	}
	s, err := w.BeginSnapshot(ctx, "t", date, "r1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	if err := s.AppendSKUs([]extract.SKU{sku}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(load.StatusOK); err != nil {
		t.Fatal(err)
	}
	return w
}

// applyParams writes the param_ and ref_ tables, which the snapshots
// committed after it compute their marts with.
func applyParams(t *testing.T, w *load.Warehouse, r transform.Rules, p transform.Pricing) {
	t.Helper()
	applyParamsTB(t, w, r, p)
}

func applyParamsTB(t testing.TB, w *load.Warehouse, r transform.Rules, p transform.Pricing) {
	t.Helper()
	params, err := transform.ParamTables(r, p)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := transform.ReferenceTables()
	if err != nil {
		t.Fatal(err)
	}
	var tables []load.ParamTable
	for _, tb := range append(params, refs...) {
		pt := load.ParamTable{Name: tb.Name, Rows: tb.Rows}
		for _, c := range tb.Columns {
			pt.Columns = append(pt.Columns, load.Column(c))
		}
		tables = append(tables, pt)
	}
	if err := w.ReplaceParams(context.Background(), tables); err != nil {
		t.Fatal(fmt.Errorf("replace params: %w", err))
	}
}

// transformsWith is the embedded transforms plus one extra file.
func transformsWith(t *testing.T, name, body string) fs.FS {
	t.Helper()
	out := fstest.MapFS{name: {Data: []byte(body)}}
	err := fs.WalkDir(seatsql.Transforms, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(seatsql.Transforms, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
