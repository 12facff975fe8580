package load_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// reclaimWarehouse is a warehouse with two snapshots of contoso (the
// latest with a price for SPE_E3 and usage for every other user, so that
// annual savings and idle days are set) and one of fabrikam, whose usage
// report conceals user names; it is closed and opened again read-only,
// as reclaim opens it.
func reclaimWarehouse(t *testing.T) *load.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, path := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "r1", genUsers(0, 40))
	params := paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30}, transform.Pricing{Currency: "USD",
		Prices: []transform.Price{{SKU: "SPE_E3", UnitPrice: 36.25, Currency: "USD", Billing: "monthly", Term: "annual"}}})
	if err := w.ReplaceParams(ctx, params); err != nil {
		t.Fatal(err)
	}
	users := genUsers(0, 60)
	commit := func(tenant, runID string, users []extract.User, settings extract.ReportSettings) {
		t.Helper()
		s, err := w.BeginSnapshot(ctx, tenant, day2, runID)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Rollback()
		steps := []func() error{
			func() error { return s.AppendSKUs(testSKUs()) },
			func() error { return s.AppendUsers(users) },
			func() error { return s.SetReportSettings(settings) },
		}
		for i, u := range users {
			if i%2 == 1 {
				continue
			}
			r := extract.ActivityRow{ReportRefreshDate: day2, UserPrincipalName: u.UserPrincipalName}
			r.HasLicense[0], r.LastActivityDate[0] = true, day2.AddDate(0, 0, -(i*7)%200)
			steps = append(steps, func() error { return s.AppendActivity("D180", r) })
		}
		for _, step := range append(steps, func() error { return s.Commit("ok") }) {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	commit("contoso", "r2", users, extract.ReportSettings{})
	commit("fabrikam", "r3", genUsers(100, 30), extract.ReportSettings{DisplayConcealedNames: true})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// candidateLine prints a candidate as the reference query does.
func candidateLine(c load.Candidate) string {
	idle, savings := "-", "-"
	if c.IdleDays != nil {
		idle = fmt.Sprint(*c.IdleDays)
	}
	if c.AnnualSavings != nil {
		savings = fmt.Sprintf("%.2f", *c.AnnualSavings)
	}
	return strings.Join([]string{c.Tenant, c.UserID, c.UserPrincipalName, c.SkuID, c.SkuPartNumber, c.Reason,
		strings.Join(c.Reasons, ","), idle, c.Action, strings.Join(c.AssignedByGroups, ","), c.Currency, savings,
		c.UsageLocation, c.OnPremisesDistinguishedName}, "|")
}

// referenceLines reads the candidates matching where with SQL of its own.
func referenceLines(t *testing.T, w *load.Warehouse, where string, args ...any) []string {
	t.Helper()
	rows, err := w.SQLForTests().Query(`SELECT concat_ws('|', tenant, user_id, coalesce(user_principal_name, ''), sku_id,
			coalesce(sku_part_number, ''), coalesce(reason, ''), coalesce(array_to_string(reasons, ','), ''),
			coalesce(idle_days::VARCHAR, '-'), coalesce(action, ''), coalesce(array_to_string(assigned_by_groups, ','), ''),
			coalesce(currency, ''), coalesce(printf('%.2f', annual_savings), '-'),
			coalesce((SELECT any_value(usage_location) FROM mart_user_licenses u WHERE u.tenant = c.tenant AND u.user_id = c.user_id), ''),
			coalesce((SELECT any_value(on_premises_distinguished_name) FROM mart_user_licenses u WHERE u.tenant = c.tenant AND u.user_id = c.user_id), ''))
		FROM mart_reclamation_candidates c `+where+` ORDER BY tenant, user_id, sku_part_number`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReclaimCandidates(t *testing.T) {
	ctx := context.Background()
	w := reclaimWarehouse(t)
	tests := []struct {
		name  string
		f     load.CandidateFilter
		where string
		args  []any
	}{
		{"all", load.CandidateFilter{}, "", nil},
		{"tenant", load.CandidateFilter{Tenants: []string{"fabrikam"}}, "WHERE tenant = ?", []any{"fabrikam"}},
		{"reasons", load.CandidateFilter{Reasons: []string{"disabled_account", "redundant"}},
			"WHERE reason IN ('disabled_account', 'redundant')", nil},
		{"sku and department", load.CandidateFilter{SKUs: []string{"SPE_E3"}, Departments: []string{"Sales", "Legal"}},
			"WHERE sku_part_number = 'SPE_E3' AND department IN ('Sales', 'Legal')", nil},
		{"min idle days", load.CandidateFilter{MinIdleDays: 30}, "WHERE idle_days >= 30", nil},
		{"no such tenant", load.CandidateFilter{Tenants: []string{"nobody"}}, "WHERE false", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.ReclaimCandidates(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, c := range got {
				lines = append(lines, candidateLine(c))
			}
			want := referenceLines(t, w, tc.where, tc.args...)
			if tc.name == "all" && !covers(got) {
				t.Fatalf("the warehouse's %d candidates lack NULL and set idle days, savings and groups", len(got))
			}
			if !slices.Equal(lines, want) {
				t.Errorf("got %d candidates, want %d:\ngot  %q\nwant %q", len(lines), len(want), lines, want)
			}
		})
	}
}

// covers reports whether cs have idle days, groups and on-premises DNs
// both set and unset, and savings set.
func covers(cs []load.Candidate) bool {
	var idle, noIdle, groups, noGroups, savings bool
	for _, c := range cs {
		idle, noIdle = idle || c.IdleDays != nil, noIdle || c.IdleDays == nil
		groups, noGroups = groups || len(c.AssignedByGroups) > 0, noGroups || len(c.AssignedByGroups) == 0
		savings = savings || c.AnnualSavings != nil
	}
	var dn, noDN bool
	for _, c := range cs {
		dn, noDN = dn || c.OnPremisesDistinguishedName != "", noDN || c.OnPremisesDistinguishedName == ""
	}
	return idle && noIdle && groups && noGroups && savings && dn && noDN
}

func TestReclaimCandidatesOf(t *testing.T) {
	ctx := context.Background()
	w := reclaimWarehouse(t)
	all, err := w.ReclaimCandidates(ctx, load.CandidateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byID, byUPN := all[0], all[len(all)-1]
	tests := []struct {
		name      string
		ids, upns []string
		want      []load.Candidate
	}{
		{"by id", []string{byID.UserID}, nil, userCandidates(all, byID.UserID)},
		{"by lower-cased name", nil, []string{strings.ToLower(byUPN.UserPrincipalName)}, userCandidates(all, byUPN.UserID)},
		{"both", []string{byID.UserID}, []string{strings.ToLower(byUPN.UserPrincipalName)},
			append(userCandidates(all, byID.UserID), userCandidates(all, byUPN.UserID)...)},
		{"name not lower-cased", nil, []string{strings.ToUpper(byUPN.UserPrincipalName)}, nil},
		{"none", nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.ReclaimCandidatesOf(ctx, tc.ids, tc.upns)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := sortedLines(got), sortedLines(tc.want); !slices.Equal(g, w) {
				t.Errorf("got %q, want %q", g, w)
			}
		})
	}
}

func userCandidates(all []load.Candidate, id string) []load.Candidate {
	var out []load.Candidate
	for _, c := range all {
		if c.UserID == id {
			out = append(out, c)
		}
	}
	return out
}

func sortedLines(cs []load.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, candidateLine(c))
	}
	slices.Sort(out)
	return out
}

func TestUserLicencesOf(t *testing.T) {
	ctx := context.Background()
	w := reclaimWarehouse(t)
	u := genUsers(1, 1)[0] // k = 1: two licences, the first only through a group
	got, err := w.UserLicencesOf(ctx, nil, []string{strings.ToLower(u.UserPrincipalName)})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range got {
		lines = append(lines, fmt.Sprintf("%s|%s|%s|%s|%s|%t|%s|%s|%s", l.Tenant, l.UserID, l.UserPrincipalNameLower,
			l.SkuID, l.SkuPartNumber, l.Direct, strings.Join(l.AssignedByGroups, ","), l.UsageLocation, l.OnPremisesDistinguishedName))
	}
	slices.Sort(lines)
	rows, err := w.SQLForTests().Query(`SELECT tenant || '|' || user_id || '|' || lower(user_principal_name) || '|' || sku_id || '|' ||
			coalesce(sku_part_number, '') || '|' || assigned_direct || '|' || coalesce(array_to_string(assigned_by_groups, ','), '') || '|' ||
			coalesce(usage_location, '') || '|' || coalesce(on_premises_distinguished_name, '')
		FROM mart_user_licenses WHERE user_id = ? ORDER BY 1`, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var want []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		want = append(want, s)
	}
	if len(want) != 2 || !slices.Equal(lines, want) || !strings.HasSuffix(want[0], "|GB|CN=Firstname Lastname 000001,OU=Sales,OU=Users,DC=contoso,DC=com") {
		t.Errorf("got %q, want %q (2 licences)", lines, want)
	}
	if byID, err := w.UserLicencesOf(ctx, []string{u.ID}, nil); err != nil || len(byID) != len(got) {
		t.Errorf("by object id: got %d licences (%v), want %d", len(byID), err, len(got))
	}
}

func TestLatestSnapshotReads(t *testing.T) {
	ctx := context.Background()
	w := reclaimWarehouse(t)
	tenants, err := w.LatestTenants(ctx)
	if err != nil || fmt.Sprint(tenants) != "[contoso fabrikam]" {
		t.Errorf("LatestTenants: got %v (%v), want [contoso fabrikam]", tenants, err)
	}
	reports, err := w.LatestReports(ctx)
	slices.SortFunc(reports, func(a, b load.TenantReport) int { return strings.Compare(a.Tenant, b.Tenant) })
	if err != nil || fmt.Sprint(reports) != "[{contoso false} {fabrikam true}]" {
		t.Errorf("LatestReports: got %v (%v), want contoso not concealed, fabrikam concealed", reports, err)
	}
	tests := []struct {
		part string
		want string
	}{
		{"spe_e3", "[{contoso " + skuIDs[0] + " SPE_E3} {fabrikam " + skuIDs[0] + " SPE_E3}]"},
		{"SPE_E3", "[{contoso " + skuIDs[0] + " SPE_E3} {fabrikam " + skuIDs[0] + " SPE_E3}]"},
		{"NO_SUCH_SKU", "[]"},
	}
	for _, tc := range tests {
		got, err := w.LatestSKUs(ctx, tc.part)
		slices.SortFunc(got, func(a, b load.TenantSKU) int { return strings.Compare(a.Tenant, b.Tenant) })
		if err != nil || fmt.Sprint(got) != tc.want {
			t.Errorf("LatestSKUs(%s): got %v (%v), want %s", tc.part, got, err, tc.want)
		}
	}
	// "" reads every SKU (this warehouse's tenants have one each).
	all, err := w.LatestSKUs(ctx, "")
	if want := "[{contoso " + skuIDs[0] + " SPE_E3} {fabrikam " + skuIDs[0] + " SPE_E3}]"; err != nil || fmt.Sprint(all) != want {
		t.Errorf("LatestSKUs(\"\"): got %v (%v), want %s", all, err, want)
	}
}
