package reclaim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/load"
)

const e5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"

// planWarehouse holds, in contoso's latest snapshot, u-1 (E3 directly, a
// candidate), u-2 (E3 directly, not a candidate) and u-3 (E3 only
// through a group, not a candidate); fabrikam has u-9, a candidate.
// Where they are (usage location, UPN domain, on-premises DN):
//
//	u-1  DE  contoso.com   CN=U1,OU=Sales,OU=Users,DC=contoso,DC=com
//	u-2  US  contoso.com   CN=U2,OU=PreSales,OU=Users,DC=contoso,DC=com
//	u-3  -   contoso.com   - (cloud-only)
//	u-9  FR  fabrikam.com  - (cloud-only)
func planWarehouse() *memWarehouse {
	where := map[string][3]string{
		"u-1": {"DE", "contoso.com", "CN=U1,OU=Sales,OU=Users,DC=contoso,DC=com"},
		"u-2": {"US", "contoso.com", "CN=U2,OU=PreSales,OU=Users,DC=contoso,DC=com"},
		"u-3": {"", "contoso.com", ""},
		"u-9": {"FR", "fabrikam.com", ""},
	}
	lic := func(tenant, id string, direct bool) load.UserLicence {
		w := where[id]
		l := load.UserLicence{Tenant: tenant, UserID: id, UserPrincipalNameLower: id + "@" + w[1], SkuID: e3,
			SkuPartNumber: "SPE_E3", Direct: direct, UsageLocation: w[0], OnPremisesDistinguishedName: w[2]}
		if !direct {
			l.AssignedByGroups = []string{"g-1"}
		}
		return l
	}
	cand := func(tenant, id, reason string) load.Candidate {
		w := where[id]
		return load.Candidate{Tenant: tenant, UserID: id, UserPrincipalName: strings.ToUpper(id[:1]) + id[1:] + "@" + strings.ToUpper(w[1]), SkuID: e3,
			SkuPartNumber: "SPE_E3", Reason: reason, Reasons: []string{reason}, Action: "remove_direct",
			UsageLocation: w[0], OnPremisesDistinguishedName: w[2]}
	}
	return &memWarehouse{
		reports:  []load.TenantReport{{Tenant: "contoso"}, {Tenant: "fabrikam"}},
		licences: []load.UserLicence{lic("contoso", "u-1", true), lic("contoso", "u-2", true), lic("contoso", "u-3", false), lic("fabrikam", "u-9", true)},
		cands:    []load.Candidate{cand("contoso", "u-1", "inactive"), cand("fabrikam", "u-9", "disabled_account")},
		skus: []load.TenantSKU{{Tenant: "contoso", SkuID: e3, SkuPartNumber: "SPE_E3"}, {Tenant: "contoso", SkuID: e5, SkuPartNumber: "SPE_E5"},
			{Tenant: "fabrikam", SkuID: e3, SkuPartNumber: "SPE_E3"}},
	}
}

// TestPlannerBuild: the plan takes the current candidates matching the
// selection, or CSV rows that the latest snapshot shows held (and that
// are candidates unless ForceListed); every refused row is named by line.
func TestPlannerBuild(t *testing.T) {
	tests := []struct {
		name     string
		sel      reclaim.Selection
		csv      string
		op       string
		from, to string
		items    string   // tenant/user/reason/action/target, by item
		stderr   []string // lines printed for refused CSV rows
		err      string
		usage    bool // an error of exit code 2
	}{
		{name: "candidates", op: reclaim.OpRemove, items: "contoso/u-1/inactive/remove_direct/ fabrikam/u-9/disabled_account/remove_direct/"},
		{name: "candidates of a tenant", sel: reclaim.Selection{Tenants: []string{"fabrikam"}}, op: reclaim.OpRemove,
			items: "fabrikam/u-9/disabled_account/remove_direct/"},
		{name: "nothing matches", sel: reclaim.Selection{Reasons: []string{"guest_licensed"}}, op: reclaim.OpRemove,
			err: "nothing to plan"},
		{name: "csv of a candidate", sel: reclaim.Selection{Tenants: []string{"contoso"}}, op: reclaim.OpRemove,
			csv: "UserPrincipalName,SkuPartNumber\nU-1@Contoso.com,spe_e3\n", items: "contoso/u-1/inactive/remove_direct/"},
		{name: "csv rows that are not candidates", sel: reclaim.Selection{Tenants: []string{"contoso"}}, op: reclaim.OpRemove,
			csv:    "ObjectId,SkuPartNumber\nu-2,SPE_E3\nu-3,SPE_E3\n",
			stderr: []string{"csv: line 2: user u-2 SPE_E3: not a current reclamation candidate", "csv: line 3: user u-3 SPE_E3: not a current"},
			err:    "2 rows refused", usage: true},
		{name: "csv rows listed with ForceListed", sel: reclaim.Selection{Tenants: []string{"contoso"}, ForceListed: true}, op: reclaim.OpRemove,
			csv: "ObjectId,SkuPartNumber\nu-2,SPE_E3\nu-3,SPE_E3\n", items: "contoso/u-2/listed/remove_direct/ contoso/u-3/listed/remove_from_group/"},
		{name: "csv without a tenant in a warehouse of several", op: reclaim.OpRemove,
			csv: "ObjectId,SkuPartNumber\nu-1,SPE_E3\n", stderr: []string{"csv: line 2: the warehouse holds several tenants"},
			err: "1 rows refused", usage: true},
		{name: "csv problems, all named", op: reclaim.OpRemove,
			csv: "ObjectId,SkuPartNumber,Tenant\nu-1,SPE_E5,contoso\nnobody,SPE_E3,contoso\nu-1,SPE_E3,contoso\nu-1,spe_e3,contoso\n,SPE_E3,contoso\n",
			stderr: []string{"csv: line 2: user u-1 does not hold SPE_E5", "csv: line 3: ObjectId nobody: no licensed user in tenant contoso's latest snapshot",
				"csv: line 5: same user and SKU as line 4", "csv: line 6: no UserPrincipalName or ObjectId"},
			err: "4 rows refused", usage: true},
		{name: "replace", op: reclaim.OpReplace, from: "SPE_E3", to: "spe_e5", sel: reclaim.Selection{Tenants: []string{"contoso"}},
			items: "contoso/u-1/inactive/remove_direct/SPE_E5"},
		{name: "replace to a SKU a tenant lacks", op: reclaim.OpReplace, from: "SPE_E3", to: "SPE_E5",
			err: "--to SPE_E5: tenant fabrikam has no such SKU", usage: true},
		{name: "replace to the same SKU", op: reclaim.OpReplace, from: "SPE_E3", to: "SPE_E3",
			err: "the same SKU as --from", usage: true},

		// Filters by where users are (each kind is pinned by TestUserFilter).
		{name: "usage location, any case", sel: reclaim.Selection{Users: reclaim.UserFilter{UsageLocations: []string{"de"}}}, op: reclaim.OpRemove,
			items: "contoso/u-1/inactive/remove_direct/"},
		{name: "usage locations: OR within the flag", sel: reclaim.Selection{Users: reclaim.UserFilter{UsageLocations: []string{"DE", "FR"}}}, op: reclaim.OpRemove,
			items: "contoso/u-1/inactive/remove_direct/ fabrikam/u-9/disabled_account/remove_direct/"},
		{name: "usage location nobody has", sel: reclaim.Selection{Users: reclaim.UserFilter{UsageLocations: []string{"JP"}}}, op: reclaim.OpRemove,
			err: "nothing to plan"},
		{name: "domain, any case", sel: reclaim.Selection{Users: reclaim.UserFilter{Domains: []string{"fabrikam.COM"}}}, op: reclaim.OpRemove,
			items: "fabrikam/u-9/disabled_account/remove_direct/"},
		{name: "domain is exact, not a suffix", sel: reclaim.Selection{Users: reclaim.UserFilter{Domains: []string{"com", "kam.com"}}}, op: reclaim.OpRemove,
			err: "nothing to plan"},
		{name: "ou", sel: reclaim.Selection{Users: reclaim.UserFilter{OUs: []string{"ou=users,dc=contoso,dc=com"}}}, op: reclaim.OpRemove,
			items: "contoso/u-1/inactive/remove_direct/"},
		{name: "filters of two kinds: AND", sel: reclaim.Selection{Users: reclaim.UserFilter{UsageLocations: []string{"DE", "FR"}, Domains: []string{"fabrikam.com"}}},
			op: reclaim.OpRemove, items: "fabrikam/u-9/disabled_account/remove_direct/"},
		{name: "ou where no candidate has a DN", sel: reclaim.Selection{Tenants: []string{"fabrikam"}, Users: reclaim.UserFilter{OUs: []string{"DC=fabrikam,DC=com"}}},
			op: reclaim.OpRemove, stderr: []string{"note: --ou: no candidate has an on-premises distinguished name"}, err: "nothing to plan"},
		{name: "bad filter values, all named", sel: reclaim.Selection{Users: reclaim.UserFilter{UsageLocations: []string{"USA"}, Domains: []string{"@contoso.com"}, OUs: []string{"Sales"}}},
			op: reclaim.OpRemove, err: `--usage-location "USA": want a two-letter ISO 3166 country code such as DE` + "\n" +
				`--domain "@contoso.com": want a domain such as contoso.com` + " (no @, no leading or trailing dot)\n" +
				`--ou "Sales": want a distinguished name such as OU=Sales,OU=Users,DC=contoso,DC=com`, usage: true},
		{name: "csv rows the filters refuse", sel: reclaim.Selection{Tenants: []string{"contoso"}, ForceListed: true,
			Users: reclaim.UserFilter{UsageLocations: []string{"DE", "US"}, OUs: []string{"OU=Sales,OU=Users,DC=contoso,DC=com"}}}, op: reclaim.OpRemove,
			csv: "ObjectId,SkuPartNumber\nu-1,SPE_E3\nu-2,SPE_E3\nu-3,SPE_E3\n",
			stderr: []string{"csv: line 3: user u-2: not in or below --ou OU=Sales,OU=Users,DC=contoso,DC=com",
				"csv: line 4: user u-3: no usage location, not --usage-location DE,US"},
			err: "2 rows refused", usage: true},
		{name: "csv rows the filters let through", sel: reclaim.Selection{Tenants: []string{"contoso"}, ForceListed: true,
			Users: reclaim.UserFilter{Domains: []string{"contoso.com"}, OUs: []string{"OU=Users,DC=contoso,DC=com"}}}, op: reclaim.OpRemove,
			csv: "ObjectId,SkuPartNumber\nu-1,SPE_E3\nu-2,SPE_E3\n", items: "contoso/u-1/inactive/remove_direct/ contoso/u-2/listed/remove_direct/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.csv != "" {
				tc.sel.CSV = filepath.Join(t.TempDir(), "rows.csv")
				if err := os.WriteFile(tc.sel.CSV, []byte(tc.csv), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stderr bytes.Buffer
			pl := reclaim.Planner{Warehouse: planWarehouse(), Stderr: &stderr, Now: applyNow}
			p := buildChecked(t, pl, &stderr, tc.sel, tc.op, tc.from, tc.to, tc.stderr, tc.err, tc.usage)
			if p == nil {
				return
			}
			var got []string
			for _, it := range p.Items {
				got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s", it.Tenant, it.UserID, it.Reason, it.Action, it.ToSkuPartNumber))
			}
			if strings.Join(got, " ") != tc.items {
				t.Errorf("items: got %q, want %q", strings.Join(got, " "), tc.items)
			}
			if u := tc.sel.Users; len(u.OUs) > 0 && p.Filters["ou"] != strings.Join(u.OUs, " | ") {
				t.Errorf("plan filters: got %v, want ou %q", p.Filters, strings.Join(u.OUs, " | "))
			}
			if p.Operation != tc.op || !strings.HasPrefix(p.ID, "20261123T101500Z-") {
				t.Errorf("plan: operation %s, id %s; want %s and an id of the time", p.Operation, p.ID, tc.op)
			}
		})
	}
}

// buildChecked runs pl.Build, checks that stderr (pl's) holds each of
// wantStderr and that the error matches wantErr (usage: an exit 2 usage
// error); it returns the plan, or nil when the error was wanted.
func buildChecked(t *testing.T, pl reclaim.Planner, stderr *bytes.Buffer, sel reclaim.Selection, op, from, to string,
	wantStderr []string, wantErr string, usage bool) *reclaim.Plan {
	t.Helper()
	p, err := pl.Build(context.Background(), sel, op, from, to)
	for _, want := range wantStderr {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if wantErr != "" {
		var ee exit.Error
		if err == nil || !strings.Contains(err.Error(), wantErr) || errors.As(err, &ee) != usage || (usage && ee.Code != 2) {
			t.Fatalf("error: got %v, want %q (usage error: %t)", err, wantErr, usage)
		}
		return nil
	}
	if err != nil {
		t.Fatalf("Build: %v\n%s", err, stderr.String())
	}
	return p
}
