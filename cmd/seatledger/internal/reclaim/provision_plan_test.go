package reclaim_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/load"
)

// TestBuildProvision plans assign, plans and unassign from a roster: users by name,
// id, CSV row (with its usage location) and department; holders, or
// non-holders, and disabled accounts left out; every unknown user, row
// and plan named; Exchange Foundation never switched off.
func TestBuildProvision(t *testing.T) {
	const sway = "a23b959c-7ce8-4e57-9140-b90eb88a9e97" // SWAY in SPE_E3
	roster := []load.RosterUser{
		{Tenant: "contoso", UserID: "id-1", UserPrincipalNameLower: "ann@contoso.example", Department: "Sales", AccountEnabled: true,
			UsageLocation: "DE", OnPremisesDistinguishedName: "CN=Ann,OU=Sales,OU=Users,DC=contoso,DC=example"},
		{Tenant: "contoso", UserID: "id-2", UserPrincipalNameLower: "bob@contoso.example", Department: "Sales", AccountEnabled: true, SkuIDs: []string{e3, visio}},
		{Tenant: "contoso", UserID: "id-3", UserPrincipalNameLower: "cy@contoso.example", Department: "Legal", AccountEnabled: false},
		{Tenant: "contoso", UserID: "id-4", UserPrincipalNameLower: "di@fabrikam.example", Department: "Legal", AccountEnabled: true,
			UsageLocation: "FR", OnPremisesDistinguishedName: "CN=Di,OU=PreSales,OU=Users,DC=contoso,DC=example"},
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(csvPath, []byte("\ufeffUserPrincipalName,UsageLocation\r\nDI@fabrikam.example,fr\r\nann@contoso.example,\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badCSV := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badCSV, []byte("ObjectId,UsageLocation\nid-1,DEU\nid-9,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		sel    reclaim.Provision
		op     string
		enable bool
		users  []string // planned user ids
		locs   []string // their usage locations from the CSV
		plans  []string // the items' plan ids
		err    string
		stderr string
	}{
		{"assign by name and id", reclaim.Provision{SKU: "spe_e3", Users: []string{"ANN@contoso.example", "id-4"}}, reclaim.OpAssign, false,
			[]string{"id-1", "id-4"}, []string{"", ""}, nil, "", ""},
		{"assign by department leaves holders and disabled accounts out", reclaim.Provision{SKU: "SPE_E3", Departments: []string{"sales", "Legal"}},
			reclaim.OpAssign, false, []string{"id-1", "id-4"}, []string{"", ""}, nil, "", "1 selected users left out: they hold SPE_E3 already"},
		{"assign to disabled accounts when asked", reclaim.Provision{SKU: "SPE_E3", Departments: []string{"Legal"}, IncludeDisabled: true},
			reclaim.OpAssign, false, []string{"id-3", "id-4"}, []string{"", ""}, nil, "", ""},
		{"assign from a CSV with usage locations", reclaim.Provision{SKU: "SPE_E3", CSV: csvPath, Plans: []string{"SWAY"}},
			reclaim.OpAssign, false, []string{"id-4", "id-1"}, []string{"FR", ""}, []string{sway}, "", ""},
		{"filters alone select from the whole roster", reclaim.Provision{SKU: "SPE_E3",
			Filter: reclaim.UserFilter{OUs: []string{"ou=sales,OU=Users,DC=contoso,DC=example"}}}, reclaim.OpAssign, false,
			[]string{"id-1"}, []string{""}, nil, "", "selected users left out: they do not pass --usage-location, --domain or --ou"},
		{"filters narrow a department: usage location", reclaim.Provision{SKU: "SPE_E3", Departments: []string{"Legal", "Sales"},
			Filter: reclaim.UserFilter{UsageLocations: []string{"fr"}}}, reclaim.OpAssign, false,
			[]string{"id-4"}, []string{""}, nil, "", ""},
		{"filters narrow a department: domain, exactly", reclaim.Provision{SKU: "SPE_E3", Departments: []string{"Legal", "Sales"},
			Filter: reclaim.UserFilter{Domains: []string{"CONTOSO.example"}}}, reclaim.OpAssign, false,
			[]string{"id-1"}, []string{""}, nil, "", ""},
		{"a bad filter value is named", reclaim.Provision{SKU: "SPE_E3", Filter: reclaim.UserFilter{UsageLocations: []string{"DEU"}}},
			reclaim.OpAssign, false, nil, nil, nil, `--usage-location "DEU"`, ""},
		{"unknown user", reclaim.Provision{SKU: "SPE_E3", Users: []string{"zed@contoso.example"}}, reclaim.OpAssign, false,
			nil, nil, nil, "--user zed@contoso.example: no such user", ""},
		{"bad CSV rows, each named", reclaim.Provision{SKU: "SPE_E3", CSV: badCSV}, reclaim.OpAssign, false,
			nil, nil, nil, "2 rows refused", "line 2: UsageLocation \"DEU\""},
		{"unknown SKU", reclaim.Provision{SKU: "POWER_BI_PRO", Users: []string{"id-1"}}, reclaim.OpAssign, false,
			nil, nil, nil, "--sku POWER_BI_PRO: tenant contoso has no such SKU", ""},
		{"no selection", reclaim.Provision{SKU: "SPE_E3"}, reclaim.OpAssign, false, nil, nil, nil, "select users", ""},
		{"plans disable takes holders only", reclaim.Provision{SKU: "SPE_E3", Departments: []string{"Sales"}, Plans: []string{"sway"}},
			reclaim.OpPlans, false, []string{"id-2"}, []string{""}, []string{sway}, "", "1 selected users left out: they do not hold SPE_E3"},
		{"plan not in the SKU", reclaim.Provision{SKU: "SPE_E3", Users: []string{"id-2"}, Plans: []string{"VISIO_CLIENT_SUBSCRIPTION"}},
			reclaim.OpPlans, false, nil, nil, nil, "--plan VISIO_CLIENT_SUBSCRIPTION: not a service plan of SPE_E3", ""},
		{"Exchange Foundation cannot be switched off", reclaim.Provision{SKU: "VISIOCLIENT", Users: []string{"id-2"}, Plans: []string{"exchange_s_foundation"}},
			reclaim.OpPlans, false, nil, nil, nil, "service plan EXCHANGE_S_FOUNDATION cannot be switched off", ""},
		{"nor left off in an assign", reclaim.Provision{SKU: "VISIOCLIENT", Users: []string{"id-1"}, Plans: []string{"113feb6c-3fe4-4440-bddc-54d774bf0318"}},
			reclaim.OpAssign, false, nil, nil, nil, "service plan EXCHANGE_S_FOUNDATION cannot be switched off", ""},
		{"Exchange Foundation may be switched on", reclaim.Provision{SKU: "VISIOCLIENT", Users: []string{"id-2"}, Plans: []string{"EXCHANGE_S_FOUNDATION"}},
			reclaim.OpPlans, true, []string{"id-2"}, []string{""}, []string{"113feb6c-3fe4-4440-bddc-54d774bf0318"}, "", ""},
		{"unassign one SKU from its holders", reclaim.Provision{SKU: "VISIOCLIENT", Departments: []string{"Sales", "Legal"}},
			reclaim.OpRemove, false, []string{"id-2"}, []string{""}, nil, "", "3 selected users left out: they do not hold VISIOCLIENT"},
		{"unassign every SKU a user holds", reclaim.Provision{AllSKUs: true, Users: []string{"id-2", "id-1"}},
			reclaim.OpRemove, false, []string{"id-2", "id-2"}, []string{"", ""}, nil, "", "1 selected users left out: they hold no licence"},
		{"unassign needs a SKU", reclaim.Provision{Users: []string{"id-2"}}, reclaim.OpRemove, false, nil, nil, nil, "--sku or --all-skus is required", ""},
		{"--sku and --all-skus", reclaim.Provision{SKU: "SPE_E3", AllSKUs: true, Users: []string{"id-2"}}, reclaim.OpRemove, false,
			nil, nil, nil, "--sku and --all-skus: pass one of them", ""},
		{"--all-skus outside unassign", reclaim.Provision{AllSKUs: true, Users: []string{"id-2"}}, reclaim.OpAssign, false,
			nil, nil, nil, "--all-skus: only unassign", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wh := &memWarehouse{roster: roster, reports: []load.TenantReport{{Tenant: "contoso"}},
				skus: []load.TenantSKU{{Tenant: "contoso", SkuID: e3, SkuPartNumber: "SPE_E3"},
					{Tenant: "contoso", SkuID: visio, SkuPartNumber: "VISIOCLIENT"}}}
			var stderr bytes.Buffer
			pl := reclaim.Planner{Warehouse: wh, Stderr: &stderr, Now: applyNow}
			p, err := pl.BuildProvision(context.Background(), tc.sel, tc.op, tc.enable)
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr: want %q in %q", tc.stderr, stderr.String())
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error: got %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "plan.json")
			if err := reclaim.WritePlan(path, p); err != nil {
				t.Fatal(err)
			}
			if _, err := reclaim.ReadPlan(path); err != nil {
				t.Errorf("the plan does not read back: %v", err)
			}
			var users, locs []string
			for _, it := range p.Items {
				users, locs = append(users, it.UserID), append(locs, it.UsageLocation)
				got := slices.Concat(it.DisabledPlans, it.EnablePlans, it.DisablePlans)
				if !slices.Equal(got, tc.plans) {
					t.Errorf("item %s plans: got %v, want %v", it.UserID, got, tc.plans)
				}
				if tc.op == reclaim.OpRemove && (!it.Forced || it.Reason != reclaim.ReasonUnassign) {
					t.Errorf("unassign item %s: got forced %v, reason %q; want a forced unassign row (not a candidate)", it.UserID, it.Forced, it.Reason)
				}
			}
			if !slices.Equal(users, tc.users) || !slices.Equal(locs, tc.locs) {
				t.Errorf("planned: got %v %v, want %v %v", users, locs, tc.users, tc.locs)
			}
		})
	}
}
