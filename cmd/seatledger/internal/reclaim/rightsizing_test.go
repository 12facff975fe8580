package reclaim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// std is STANDARDPACK's skuId (Office 365 E1).
const std = "18181a46-0d4e-45cd-891e-60aabd171b4e"

// sizedRow is a rightsizing row of one user's SPE_E3: to "" is none.
func sizedRow(tenant, user, to, rule, confidence string) load.Rightsizing {
	saving := 240.0
	return load.Rightsizing{Tenant: tenant, UserID: user, UserPrincipalName: user + "@contoso.com", FromSkuID: e3,
		FromSku: "SPE_E3", ToSku: to, Rule: rule, Confidence: confidence, Evidence: `{"rule":"` + rule + `"}`,
		Currency: "USD", AnnualSaving: &saving, Direct: true}
}

// sizedWarehouse is planWarehouse with rightsizing rows, in the
// warehouse's order (tenant, user, then safe first), and STANDARDPACK
// subscribed by contoso only:
//
//	u-1  no_desktop_apps review -> STANDARDPACK, shared_mailbox safe (none); Sales
//	u-2  no_desktop_apps safe   -> STANDARDPACK
//	u-3  no_desktop_apps review -> STANDARDPACK (E3 held only through g-1)
//	u-9  fabrikam: shared_mailbox safe, no_desktop_apps safe -> STANDARDPACK
func sizedWarehouse() *memWarehouse {
	w := planWarehouse()
	where := map[string][3]string{}
	for _, l := range w.licences {
		where[l.UserID] = [3]string{l.UsageLocation, l.UserPrincipalNameLower, l.OnPremisesDistinguishedName}
	}
	rows := []load.Rightsizing{
		sizedRow("contoso", "u-1", "", "shared_mailbox", "safe"),
		sizedRow("contoso", "u-1", "STANDARDPACK", "no_desktop_apps", "review"),
		sizedRow("contoso", "u-2", "STANDARDPACK", "no_desktop_apps", "safe"),
		sizedRow("contoso", "u-3", "STANDARDPACK", "no_desktop_apps", "review"),
		sizedRow("fabrikam", "u-9", "", "shared_mailbox", "safe"),
		sizedRow("fabrikam", "u-9", "STANDARDPACK", "no_desktop_apps", "safe"),
	}
	for i := range rows {
		r := &rows[i]
		r.UsageLocation, r.UserPrincipalName, r.OnPremisesDistinguishedName = where[r.UserID][0], where[r.UserID][1], where[r.UserID][2]
		if r.UserID == "u-1" {
			r.Department = "Sales"
		}
		if r.UserID == "u-3" {
			r.Direct, r.AssignedByGroups = false, []string{"g-1"}
		}
	}
	w.sized = rows
	w.skus = append(w.skus, load.TenantSKU{Tenant: "contoso", SkuID: std, SkuPartNumber: "STANDARDPACK"})
	return w
}

// TestPlannerRightsizing: --rightsizing plans the current rightsizing rows
// of the command's kind (plan: no replacement; replace: a replacement,
// each its own target), narrowed by every filter; the other kind and the
// rows whose target a tenant lacks are counted on stderr; bad
// combinations of flags are usage errors naming each.
func TestPlannerRightsizing(t *testing.T) {
	tests := []struct {
		name     string
		sel      reclaim.Selection
		op       string
		from, to string
		extra    []load.Rightsizing // appended to sizedWarehouse's rows
		items    string             // tenant/user/reason/action/target/confidence, by item
		stderr   []string
		err      string
		usage    bool
	}{
		{name: "plan: the rows with no replacement", op: reclaim.OpRemove, sel: reclaim.Selection{Rightsizing: true},
			items:  "contoso/u-1/shared_mailbox/remove_direct//safe fabrikam/u-9/shared_mailbox/remove_direct//safe",
			stderr: []string{"note: 4 matching rightsizing rows replace their SKU with a cheaper one (no_desktop_apps 4): reclaim replace --rightsizing plans them"}},
		{name: "replace: the rows with a replacement", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true},
			items: "contoso/u-1/no_desktop_apps/remove_direct/STANDARDPACK/review contoso/u-2/no_desktop_apps/remove_direct/STANDARDPACK/safe " +
				"contoso/u-3/no_desktop_apps/remove_from_group/STANDARDPACK/review",
			stderr: []string{"note: 1 rightsizing rows left out: tenant fabrikam has no STANDARDPACK in its latest snapshot to replace with",
				"note: 2 matching rightsizing rows remove their SKU with no replacement (shared_mailbox 2): reclaim plan --rightsizing plans them"}},
		{name: "confidence, any case", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true, Confidences: []string{"SAFE"}, Tenants: []string{"contoso"}},
			items: "contoso/u-2/no_desktop_apps/remove_direct/STANDARDPACK/safe"},
		{name: "--from and --to narrow the rows", op: reclaim.OpReplace, from: "spe_e3", to: "standardpack",
			sel: reclaim.Selection{Rightsizing: true, Rules: []string{"no_desktop_apps"}, Tenants: []string{"contoso"}},
			items: "contoso/u-1/no_desktop_apps/remove_direct/STANDARDPACK/review contoso/u-2/no_desktop_apps/remove_direct/STANDARDPACK/safe " +
				"contoso/u-3/no_desktop_apps/remove_from_group/STANDARDPACK/review"},
		{name: "a --to no row has", op: reclaim.OpReplace, to: "SPE_E5", sel: reclaim.Selection{Rightsizing: true}, err: "nothing to plan"},
		{name: "--sku is the from SKU", op: reclaim.OpRemove, sel: reclaim.Selection{Rightsizing: true, SKUs: []string{"SPE_E5"}}, err: "nothing to plan"},
		{name: "department", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true, Departments: []string{"Sales"}},
			items: "contoso/u-1/no_desktop_apps/remove_direct/STANDARDPACK/review"},
		{name: "user filters", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true,
			Users: reclaim.UserFilter{UsageLocations: []string{"us"}, OUs: []string{"OU=Users,DC=contoso,DC=com"}}},
			items: "contoso/u-2/no_desktop_apps/remove_direct/STANDARDPACK/safe"},
		{name: "a seat with two rows of one kind: its first", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true, Tenants: []string{"contoso"}},
			extra: []load.Rightsizing{sizedRow("contoso", "u-2", "SPE_E5", "e5_extras_unused", "review")},
			items: "contoso/u-1/no_desktop_apps/remove_direct/STANDARDPACK/review contoso/u-2/no_desktop_apps/remove_direct/STANDARDPACK/safe " +
				"contoso/u-3/no_desktop_apps/remove_from_group/STANDARDPACK/review"},
		{name: "plan: only rows with a replacement match", op: reclaim.OpRemove, sel: reclaim.Selection{Rightsizing: true, Rules: []string{"no_desktop_apps"}},
			err:   "no matching rightsizing row removes a SKU with no replacement; 4 matching rightsizing rows replace their SKU with a cheaper one (no_desktop_apps 4): reclaim replace --rightsizing plans them",
			usage: true},
		{name: "replace: only rows with no replacement match", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true, Rules: []string{"shared_mailbox"}},
			err:   "no matching rightsizing row replaces a SKU with a cheaper one; 2 matching rightsizing rows remove their SKU with no replacement (shared_mailbox 2): reclaim plan --rightsizing plans them",
			usage: true},
		{name: "replace: every target missing", op: reclaim.OpReplace, sel: reclaim.Selection{Rightsizing: true, Tenants: []string{"fabrikam"}},
			stderr: []string{"tenant fabrikam has no STANDARDPACK"}, err: "nothing to plan"},
		{name: "with --csv, --reason and --min-idle-days", op: reclaim.OpRemove,
			sel: reclaim.Selection{Rightsizing: true, CSV: "rows.csv", Reasons: []string{"inactive"}, MinIdleDays: 90},
			err: "--rightsizing and --csv are two sources of a plan: choose one\n" +
				"--reason and --min-idle-days select candidates: with --rightsizing use --rule and --confidence", usage: true},
		{name: "--rule and --confidence without --rightsizing", op: reclaim.OpRemove, sel: reclaim.Selection{Rules: []string{"shared_mailbox"}},
			err: "--rule and --confidence select rightsizing rows: add --rightsizing", usage: true},
		{name: "bad --rule and --confidence, all named", op: reclaim.OpReplace,
			sel: reclaim.Selection{Rightsizing: true, Rules: []string{"no_desktop_apps", "shared"}, Confidences: []string{"sure"}},
			err: `--rule "shared": want shared_mailbox, no_desktop_apps, e5_extras_unused` + "\n" + `--confidence "sure": want safe or review`, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			w := sizedWarehouse()
			w.sized = append(w.sized, tc.extra...)
			slices.SortStableFunc(w.sized, func(a, b load.Rightsizing) int {
				return strings.Compare(a.Tenant+"/"+a.UserID, b.Tenant+"/"+b.UserID)
			})
			pl := reclaim.Planner{Warehouse: w, Stderr: &stderr, Now: applyNow}
			p := buildChecked(t, pl, &stderr, tc.sel, tc.op, tc.from, tc.to, tc.stderr, tc.err, tc.usage)
			if p == nil {
				return
			}
			var got []string
			for _, it := range p.Items {
				got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s/%s", it.Tenant, it.UserID, it.Reason, it.Action, it.ToSkuPartNumber, it.Confidence))
				if it.Rule != it.Reason || string(it.Evidence) != `{"rule":"`+it.Rule+`"}` || it.AnnualSavings == nil || *it.AnnualSavings != 240 {
					t.Errorf("item %s: rule %q, evidence %s, savings %v; want the rule as reason, its evidence and saving", it.UserID, it.Rule, it.Evidence, it.AnnualSavings)
				}
			}
			if strings.Join(got, " ") != tc.items {
				t.Errorf("items: got %q, want %q", strings.Join(got, " "), tc.items)
			}
			if p.Source != "rightsizing" || p.Filters["rule"] != strings.Join(tc.sel.Rules, ",") || p.Filters["to"] != tc.to {
				t.Errorf("plan: source %q, filters %v; want rightsizing and the flags given", p.Source, p.Filters)
			}
			// The plan file keeps all of it and reads back valid.
			path := filepath.Join(t.TempDir(), "plan.json")
			if err := reclaim.WritePlan(path, p); err != nil {
				t.Fatal(err)
			}
			back, err := reclaim.ReadPlan(path)
			if err != nil || back.Items[0].Rule != p.Items[0].Rule || !json.Valid(back.Items[0].Evidence) {
				t.Errorf("plan file: got %+v (%v), want the rule and evidence back", back, err)
			}
		})
	}
}

// sizedItem is a plan item of a rightsizing row of user's SPE_E3: to ""
// is a removal.
func sizedItem(user, to, rule, confidence string) reclaim.Item {
	it := reclaim.Item{Tenant: "contoso", UserID: user, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: rule,
		Rule: rule, Confidence: confidence, Evidence: json.RawMessage(`{"rule":"` + rule + `"}`)}
	if to != "" {
		it.ToSkuID, it.ToSkuPartNumber = std, to
	}
	return it
}

// TestApplyRightsizing: a rightsizing item is acted on only while its row
// is current as planned (same rule and target; a safe row still safe); a
// downgrade needs free units of the SKU added, read live (none free, or
// the SKU suspended: every row of it refused); the rule is the actions
// rows' reason and the undo entry's, and undo puts every licence back.
func TestApplyRightsizing(t *testing.T) {
	free := extract.SKU{SkuID: std, SkuPartNumber: "STANDARDPACK", CapabilityStatus: "Enabled",
		PrepaidUnits: extract.PrepaidUnits{Enabled: 10}, ConsumedUnits: 8}
	full, suspended := free, free
	full.ConsumedUnits = 10
	suspended.CapabilityStatus, suspended.PrepaidUnits = "Suspended", extract.PrepaidUnits{Suspended: 10}
	tests := []struct {
		name    string
		op      string
		items   []reclaim.Item
		rows    []load.Rightsizing // the latest snapshot's
		sku     extract.SKU        // STANDARDPACK, read live
		results []string
		msg     string // in the output
		sent    []string
	}{
		{"downgrades", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe"), sizedItem("u-2", "STANDARDPACK", "no_desktop_apps", "review")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "STANDARDPACK", "no_desktop_apps", "safe"), sizedRow("contoso", "u-2", "STANDARDPACK", "no_desktop_apps", "review")},
			free, []string{reclaim.ResultOK, reclaim.ResultOK}, "", []string{"u-1", "u-2"}},
		{"a removal (shared_mailbox)", reclaim.OpRemove,
			[]reclaim.Item{sizedItem("u-1", "", "shared_mailbox", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "", "shared_mailbox", "safe")},
			free, []string{reclaim.ResultOK}, "", []string{"u-1"}},
		{"no longer a rightsizing row", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe"), sizedItem("u-2", "STANDARDPACK", "no_desktop_apps", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-2", "STANDARDPACK", "no_desktop_apps", "safe"), sizedRow("contoso", "u-1", "", "shared_mailbox", "safe")},
			free, []string{reclaim.ResultRefused, reclaim.ResultOK}, "no longer a rightsizing row (rule no_desktop_apps) in the latest snapshot", []string{"u-2"}},
		{"the row's target changed", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "EXCHANGESTANDARD", "no_desktop_apps", "safe")},
			free, []string{reclaim.ResultRefused}, "rule no_desktop_apps now says EXCHANGESTANDARD in the latest snapshot, the plan STANDARDPACK", nil},
		{"a removal whose row now has a replacement", reclaim.OpRemove,
			[]reclaim.Item{sizedItem("u-1", "", "shared_mailbox", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "STANDARDPACK", "shared_mailbox", "safe")},
			free, []string{reclaim.ResultRefused}, "now says STANDARDPACK in the latest snapshot, the plan no replacement", nil},
		{"safe when planned, review now", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "STANDARDPACK", "no_desktop_apps", "review")},
			free, []string{reclaim.ResultRefused}, "rule no_desktop_apps was safe when planned and is review in the latest snapshot", nil},
		{"the SKU added is full", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe"), sizedItem("u-2", "STANDARDPACK", "no_desktop_apps", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "STANDARDPACK", "no_desktop_apps", "safe"), sizedRow("contoso", "u-2", "STANDARDPACK", "no_desktop_apps", "safe")},
			full, []string{reclaim.ResultRefused, reclaim.ResultRefused}, "STANDARDPACK: 2 licences to assign, 0 free units (10 enabled + 0 warning - 10 consumed)", nil},
		{"the SKU added is suspended", reclaim.OpReplace,
			[]reclaim.Item{sizedItem("u-1", "STANDARDPACK", "no_desktop_apps", "safe")},
			[]load.Rightsizing{sizedRow("contoso", "u-1", "STANDARDPACK", "no_desktop_apps", "safe")},
			suspended, []string{reclaim.ResultRefused}, "STANDARDPACK: 1 licences to assign, 0 free units (0 enabled + 0 warning - 8 consumed)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newApplyEnv(t, nil)
			e.wh.sized = tc.rows
			g := e.graphs["contoso"]
			g.skus = []extract.SKU{tc.sku}
			before := fmt.Sprint(g.users)
			p := &reclaim.Plan{Version: 1, ID: "plan-1", Operation: tc.op, Source: "rightsizing", Items: tc.items}
			if err := p.Validate(); err != nil {
				t.Fatalf("plan: %v", err)
			}
			if err := e.applier().Apply(context.Background(), p, "plan.json", reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo}); err != nil {
				t.Fatalf("Apply: %v\n%s", err, e.out.String())
			}
			if got := printedResultsOf(e.out.String()); !slices.Equal(got, tc.results) {
				t.Errorf("results: got %v, want %v\n%s", got, tc.results, e.out.String())
			}
			if !strings.Contains(e.out.String(), tc.msg) {
				t.Errorf("output lacks %q:\n%s", tc.msg, e.out.String())
			}
			if got := e.sent(); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to assignLicense: got %v, want %v", got, tc.sent)
			}
			for _, a := range e.wh.actions {
				if a.Reason != tc.items[0].Rule || a.Operation != tc.op {
					t.Errorf("actions row %s: reason %q, operation %s; want the rule and %s", a.UserID, a.Reason, a.Operation, tc.op)
				}
			}
			if len(tc.sent) == 0 {
				return
			}
			for _, id := range tc.sent {
				u := g.users[id]
				if holds := slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == e3 }); holds ||
					(tc.op == reclaim.OpReplace) != slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == std }) {
					t.Errorf("user %s after apply: %v; want no E3, and STANDARDPACK for a downgrade", id, u.AssignedLicenses)
				}
			}
			if !fileHolds(e.undo, `"reason": "`+tc.items[0].Rule+`"`) {
				t.Errorf("undo file: want the rule %s as reason", tc.items[0].Rule)
			}
			u, err := reclaim.ReadUndo(e.undo)
			if err != nil {
				t.Fatal(err)
			}
			g.beforeAssign = nil
			if err := e.applier().Undo(context.Background(), u, true); err != nil {
				t.Fatalf("Undo: %v\n%s", err, e.out.String())
			}
			if got := fmt.Sprint(g.users); got != before {
				t.Errorf("users after undo:\n got %s\nwant %s", got, before)
			}
		})
	}
}

// printedResultsOf reads the result column of the printed outcome table,
// whose SKU column may read "FROM -> TO".
func printedResultsOf(out string) []string {
	var res []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if i := slices.IndexFunc(f, func(s string) bool { return s == reclaim.OpRemove || s == reclaim.OpReplace }); i > 0 && i+1 < len(f) && f[0] == "contoso" {
			res = append(res, f[i+1])
		}
	}
	return res
}
