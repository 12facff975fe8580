package load_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// planRightsizing writes rightsizing rows about real licence rows (SPE_E3
// of contoso's users 0, 1 and 2 and fabrikam's user 500), so that the
// join with mart_user_licenses has something to find: user 0 has a safe
// shared_mailbox row and a review no_desktop_apps row for the same seat,
// user 1 holds E3 only through a group, user 2's row has no saving.
const planRightsizing = `INSERT INTO mart_rightsizing
    (tenant, as_of, user_id, user_principal_name, from_sku, to_sku, rule, evidence, annual_saving,
     reducible_from, confidence, currency, from_sku_id, display_name, department, cost_center)
SELECT u.tenant, u.as_of, u.user_id, u.user_principal_name, u.sku_part_number, r.to_sku, r.rule,
    '{"rule":"' || r.rule || '"}', r.saving, u.as_of, r.confidence, 'USD', u.sku_id, u.display_name,
    u.department, u.cost_center
FROM mart_user_licenses u
JOIN (VALUES (?, 'shared_mailbox', NULL, 'safe', 435.00), (?, 'no_desktop_apps', 'STANDARDPACK', 'review', 300.00),
    (?, 'no_desktop_apps', 'STANDARDPACK', 'safe', 300.00), (?, 'no_desktop_apps', 'STANDARDPACK', 'review', NULL),
    (?, 'shared_mailbox', NULL, 'safe', 435.00))
    AS r(user_id, rule, to_sku, confidence, saving) USING (user_id)
WHERE u.sku_part_number = 'SPE_E3'`

// TestRightsizingRows reads rightsizing rows of a real warehouse, opened
// read-only as reclaim opens it: every filter (SKUs, rules and
// confidences in any case; "" as the to SKU selects the removals), the
// order (per seat, safe and the larger saving first), the licence row
// joined (held directly or through a group, usage location, DN), the
// rows of given users, and a warehouse before migration 0013 (no rows).
func TestRightsizingRows(t *testing.T) {
	u := func(k int) string { return guid(1, k) }
	line := func(r load.Rightsizing) string {
		saving := "-"
		if r.AnnualSaving != nil {
			saving = fmt.Sprintf("%.2f", *r.AnnualSaving)
		}
		return fmt.Sprintf("%s %s %s>%s %s %s %s direct=%t groups=%d %s dn=%t %s", r.Tenant, r.UserID, r.FromSku, r.ToSku,
			r.Rule, r.Confidence, saving, r.Direct, len(r.AssignedByGroups), r.UsageLocation,
			r.OnPremisesDistinguishedName != "", r.Evidence)
	}
	var (
		u0mail   = "contoso " + u(0) + " SPE_E3> shared_mailbox safe 435.00 direct=true groups=0 GB dn=true {\"rule\":\"shared_mailbox\"}"
		u0apps   = "contoso " + u(0) + " SPE_E3>STANDARDPACK no_desktop_apps review 300.00 direct=true groups=0 GB dn=true {\"rule\":\"no_desktop_apps\"}"
		u1apps   = "contoso " + u(1) + " SPE_E3>STANDARDPACK no_desktop_apps safe 300.00 direct=false groups=1 GB dn=true {\"rule\":\"no_desktop_apps\"}"
		u2apps   = "contoso " + u(2) + " SPE_E3>STANDARDPACK no_desktop_apps review - direct=true groups=0 GB dn=true {\"rule\":\"no_desktop_apps\"}"
		u500mail = "fabrikam " + u(500) + " SPE_E3> shared_mailbox safe 435.00 direct=true groups=0 GB dn=true {\"rule\":\"shared_mailbox\"}"
	)
	// The rows of the contoso users come ordered by user id.
	contoso := []string{u0mail, u0apps, u1apps, u2apps}
	slices.SortStableFunc(contoso, func(a, b string) int { return strings.Compare(a[:len("contoso ")+36], b[:len("contoso ")+36]) })
	tests := []struct {
		name   string
		drop   bool
		filter load.RightsizingFilter
		of     []string // RightsizingOf these users instead
		want   []string
	}{
		{name: "every row", want: append(slices.Clone(contoso), u500mail)},
		{name: "a tenant", filter: load.RightsizingFilter{Tenants: []string{"fabrikam"}}, want: []string{u500mail}},
		{name: "rules and confidence, any case", filter: load.RightsizingFilter{Rules: []string{"No_Desktop_Apps"}, Confidences: []string{"SAFE"}},
			want: []string{u1apps}},
		{name: "from SKU, any case", filter: load.RightsizingFilter{FromSKUs: []string{"spe_e3"}, Tenants: []string{"fabrikam"}}, want: []string{u500mail}},
		{name: "no replacement", filter: load.RightsizingFilter{ToSKUs: []string{""}}, want: []string{u0mail, u500mail}},
		{name: "to SKU", filter: load.RightsizingFilter{ToSKUs: []string{"standardpack"}, Departments: []string{"Sales"}}, want: []string{u1apps}},
		{name: "nothing matches", filter: load.RightsizingFilter{Rules: []string{"e5_extras_unused"}}},
		{name: "rows of users", of: []string{u(0), u(500), "nobody"}, want: []string{u0mail, u0apps, u500mail}},
		{name: "before migration 0013", drop: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			w, path := mustOpen(t)
			writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))
			writeSnapshot(t, w, "fabrikam", day1, "run-2", genUsers(500, 3))
			stmts := []string{planRightsizing}
			args := []any{u(0), u(0), u(1), u(2), u(500)}
			if tc.drop {
				stmts, args = dropRightsizing, nil
			}
			for _, q := range stmts {
				if _, err := w.SQLForTests().Exec(q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			ro := mustOpenReadOnly(t, path)
			var rows []load.Rightsizing
			var err error
			if tc.of != nil {
				rows, err = ro.RightsizingOf(ctx, tc.of)
			} else {
				rows, err = ro.RightsizingRows(ctx, tc.filter)
			}
			if err != nil {
				t.Fatalf("read: got %v, want no error", err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, line(r))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tc.want, "\n     "))
			}
		})
	}
}
