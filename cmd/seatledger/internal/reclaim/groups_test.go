package reclaim_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

const ems = "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"

// groupEnv is an assignEnv whose contoso tenant has licence groups:
// g-e3 gives SPE_E3 to u-group (held only through it) and to u-both (who
// also holds it directly); g-bundle gives SPE_E3 and EMS to u-bundle
// (both only through it) and to u-ems (who also holds EMS directly);
// g-vis carries nothing yet and has members n-1 and n-2.
func groupEnv(t *testing.T, free int64) *applyEnv {
	e := assignEnv(t, free)
	g := e.graphs["contoso"]
	g.groups = map[string]*fakeGroup{
		"g-e3":     {licences: []extract.AssignedLicense{{SkuID: e3}}, members: []string{"u-group", "u-both"}},
		"g-bundle": {licences: []extract.AssignedLicense{{SkuID: e3}, {SkuID: ems}}, members: []string{"u-bundle", "u-ems"}},
		"g-vis":    {members: []string{"n-1", "n-2"}},
	}
	g.users["u-group"] = extract.User{ID: "u-group", UsageLocation: "DE"}
	g.users["u-bundle"] = extract.User{ID: "u-bundle", UsageLocation: "DE"}
	g.users["u-ems"] = extract.User{ID: "u-ems", UsageLocation: "DE",
		LicenseAssignmentStates: []extract.LicenseAssignmentState{{SkuID: ems}}}
	g.users["u-both"] = extract.User{ID: "u-both", UsageLocation: "DE",
		LicenseAssignmentStates: []extract.LicenseAssignmentState{{SkuID: e3}}}
	for _, id := range []string{"u-group", "u-bundle", "u-ems", "u-both", "n-1", "n-2"} {
		g.regroup(id)
	}
	// Every group or membership change must find the undo file written,
	// naming the group or user.
	g.beforeGroup = func(id string) error {
		if !fileHolds(e.undo, id) {
			return errUndoMissing
		}
		return nil
	}
	return e
}

func groupItem(group string) reclaim.Item {
	return reclaim.Item{Tenant: "contoso", GroupID: group, SkuID: visio, SkuPartNumber: "VISIOCLIENT", Reason: "assign"}
}

// TestAssignGroupGuards gives each guard of a group assignment a case
// that fails without it: a group carrying the SKU already, an unknown
// group, and the free units and hard limit counting the members that
// would newly consume a unit (from the snapshot's estimate, each user
// once), or at least one when no member is known.
func TestAssignGroupGuards(t *testing.T) {
	est := func(known int64, without ...string) load.GroupMembers {
		return load.GroupMembers{Known: known, Without: without}
	}
	tests := []struct {
		name    string
		free    int64
		items   []reclaim.Item
		members load.GroupMembers // g-vis's, from the snapshot
		opts    reclaim.ApplyOptions
		results []string
		sent    []string // groups sent to assignLicense
		message string
	}{
		{"dry run", 5, []reclaim.Item{groupItem("g-vis")}, est(2, "n-1", "n-2"), reclaim.ApplyOptions{Max: 50},
			[]string{reclaim.ResultPending}, nil, ""},
		{"assigns to the group", 5, []reclaim.Item{groupItem("g-vis")}, est(2, "n-1", "n-2"), reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultOK}, []string{"g-vis"}, ""},
		{"group carries the SKU already", 5, []reclaim.Item{{Tenant: "contoso", GroupID: "g-e3", SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "assign"}},
			est(0), reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultUnchanged}, nil, "carries this SKU already"},
		{"unknown group", 5, []reclaim.Item{groupItem("g-gone"), groupItem("g-vis")}, est(2, "n-1", "n-2"), reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultFailed, reclaim.ResultOK}, []string{"g-vis"}, "Resource 'g-gone' does not exist"},
		{"free units: the members counted", 2, []reclaim.Item{groupItem("g-vis")}, est(3, "n-1", "n-2", "m-3"), reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultRefused}, nil,
			"VISIOCLIENT: 3 licences to assign (3 for the members of group g-vis, counted from the latest snapshot), 2 free units"},
		{"free units: a member listed as a user counted once", 2, []reclaim.Item{assignItem("n-1", ""), groupItem("g-vis")}, est(2, "n-1", "n-2"),
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultOK, reclaim.ResultOK}, []string{"g-vis"}, ""},
		{"hard limit: the members counted", 5, []reclaim.Item{groupItem("g-vis")}, est(2, "n-1", "n-2"),
			reclaim.ApplyOptions{Apply: true, Max: 50, Limits: map[string]map[string]int64{"contoso": {"VISIOCLIENT": 41}}},
			[]string{reclaim.ResultRefused}, nil, "40 consumed + 2 to assign (2 for the members of group g-vis, counted from the latest snapshot) would pass"},
		{"no known member, a free unit", 1, []reclaim.Item{groupItem("g-vis")}, est(0), reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultOK}, []string{"g-vis"}, ""},
		{"no known member, no free unit", 0, []reclaim.Item{groupItem("g-vis")}, est(0), reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultRefused}, nil, "group g-vis: no member known in the latest snapshot, at least 1 counted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := groupEnv(t, tc.free)
			e.wh.members = map[string]load.GroupMembers{"g-vis": tc.members}
			tc.opts.UndoFile = e.undo
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpAssign, Items: tc.items}
			err := e.applier().Apply(context.Background(), p, filepath.Join(filepath.Dir(e.undo), "plan.json"), tc.opts)
			if failed := slices.Contains(tc.results, reclaim.ResultFailed); failed != (err != nil) {
				t.Fatalf("Apply: got error %v, want one: %v\n%s", err, failed, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, tc.results) {
				t.Errorf("results: got %v, want %v\n%s", got, tc.results, e.out.String())
			}
			var sent []string
			for _, c := range e.graphs["contoso"].groupCalls {
				sent = append(sent, c.GroupID)
			}
			if !slices.Equal(sent, tc.sent) {
				t.Errorf("groups sent to assignLicense: got %v, want %v", sent, tc.sent)
			}
			if tc.message != "" && !strings.Contains(e.out.String(), tc.message) {
				t.Errorf("printed table: want %q in\n%s", tc.message, e.out.String())
			}
			if slices.Contains(tc.sent, "g-vis") && !holdsSKU(e.graphs["contoso"].users["n-2"], visio) {
				t.Errorf("member n-2 after the group assignment: does not hold VISIOCLIENT")
			}
		})
	}
}

func holdsSKU(u extract.User, sku string) bool {
	return slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == sku })
}

// TestAssignGroupUndo assigns to a group, records the group's row with
// its id as user_id and group_ids, writes the undo file before the call,
// and undoes: the SKU leaves the group (its other licences stay), and a
// second undo changes nothing.
func TestAssignGroupUndo(t *testing.T) {
	e := groupEnv(t, 5)
	g := e.graphs["contoso"]
	g.groups["g-vis"].licences = []extract.AssignedLicense{{SkuID: ems}}
	g.regroup("n-1")
	g.beforeAssign = nil
	e.wh.members = map[string]load.GroupMembers{"g-vis": {Known: 2, Without: []string{"n-1", "n-2"}}}
	ctx := context.Background()
	p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpAssign, Items: []reclaim.Item{groupItem("g-vis")}}
	if err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo}); err != nil {
		t.Fatalf("Apply: %v\n%s", err, e.out.String())
	}
	if !fileHolds(e.undo, `"group_id": "g-vis"`, visio) {
		t.Errorf("undo file: want the group and the SKU in it")
	}
	if len(e.wh.actions) != 1 || e.wh.actions[0].UserID != "g-vis" || !slices.Equal(e.wh.actions[0].GroupIDs, []string{"g-vis"}) ||
		e.wh.actions[0].Operation != reclaim.OpAssign || e.wh.actions[0].Result != reclaim.ResultOK {
		t.Errorf("actions: got %+v, want one ok assign row with user_id and group_ids g-vis", e.wh.actions)
	}
	undoTwice(t, e)
	if got := g.groups["g-vis"].licences; len(got) != 1 || got[0].SkuID != ems {
		t.Errorf("g-vis's licences after undo: got %v, want EMS only", got)
	}
	if holdsSKU(g.users["n-1"], visio) || !holdsSKU(g.users["n-1"], ems) {
		t.Errorf("member n-1 after undo: got %v, want EMS and no VISIOCLIENT", g.users["n-1"].AssignedLicenses)
	}
}

func e3Item(user string) reclaim.Item {
	return reclaim.Item{Tenant: "contoso", UserID: user, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "inactive"}
}

// TestGroupMembershipGuards: reclaim apply --group-membership takes a
// user out of the groups that give the SKU only when the SKU is held only
// through groups and no group gives the user another licence held no
// other way; without the option such a row stays group_only; a SKU also
// held directly is removed directly, the groups untouched.
func TestGroupMembershipGuards(t *testing.T) {
	tests := []struct {
		name       string
		item       reclaim.Item
		membership bool
		apply      bool
		result     string
		op         string
		removed    []string // group/user memberships removed
		message    string
	}{
		{"off by default", e3Item("u-group"), false, true, reclaim.ResultGroupOnly, reclaim.OpRemove, nil, "groups g-e3"},
		{"dry run", e3Item("u-group"), true, false, reclaim.ResultPending, reclaim.OpRemoveMembership, nil, "groups g-e3"},
		{"group-only: membership removed", e3Item("u-group"), true, true, reclaim.ResultOK, reclaim.OpRemoveMembership, []string{"g-e3/u-group"}, ""},
		{"the group gives another licence held only through it", e3Item("u-bundle"), true, true, reclaim.ResultRefused, reclaim.OpRemoveMembership, nil,
			"group g-bundle also gives the user SKU " + ems + ", held no other way"},
		{"the other licence is held directly too", e3Item("u-ems"), true, true, reclaim.ResultOK, reclaim.OpRemoveMembership, []string{"g-bundle/u-ems"}, ""},
		{"also held directly: removed directly", e3Item("u-both"), true, true, reclaim.ResultOK, reclaim.OpRemove, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := groupEnv(t, 5)
			e.wh.cands = append(e.wh.cands, load.Candidate{Tenant: "contoso", UserID: tc.item.UserID, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "inactive"})
			g := e.graphs["contoso"]
			g.beforeAssign = nil
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove, Items: []reclaim.Item{tc.item}}
			opts := reclaim.ApplyOptions{Apply: tc.apply, Max: 50, UndoFile: e.undo, GroupMembership: tc.membership}
			if err := e.applier().Apply(context.Background(), p, filepath.Join(filepath.Dir(e.undo), "plan.json"), opts); err != nil {
				t.Fatalf("Apply: %v\n%s", err, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, []string{tc.result}) {
				t.Errorf("result: got %v, want %s\n%s", got, tc.result, e.out.String())
			}
			if !strings.Contains(e.out.String(), " "+tc.op+" ") {
				t.Errorf("operation: want %s in\n%s", tc.op, e.out.String())
			}
			var removed []string
			for _, m := range g.removed {
				removed = append(removed, m.GroupID+"/"+m.UserID)
			}
			if !slices.Equal(removed, tc.removed) {
				t.Errorf("memberships removed: got %v, want %v", removed, tc.removed)
			}
			if tc.message != "" && !strings.Contains(e.out.String(), tc.message) {
				t.Errorf("printed table: want %q in\n%s", tc.message, e.out.String())
			}
			if tc.apply && tc.result == reclaim.ResultOK && tc.op == reclaim.OpRemoveMembership && holdsSKU(g.users[tc.item.UserID], e3) {
				t.Errorf("user %s still holds SPE_E3: %v", tc.item.UserID, g.users[tc.item.UserID].LicenseAssignmentStates)
			}
			if tc.apply && (len(e.wh.actions) != 1 || e.wh.actions[0].Operation != tc.op) {
				t.Errorf("actions: got %+v, want one %s row", e.wh.actions, tc.op)
			}
			if tc.name == "also held directly: removed directly" && !slices.Contains(g.groups["g-e3"].members, "u-both") {
				t.Errorf("u-both left g-e3: a user holding the SKU directly too must stay in its groups")
			}
		})
	}
}

// TestGroupMembershipUndo removes a membership, then undoes: the user is
// back in the group and holds the SKU through it again; a second undo
// changes nothing.
func TestGroupMembershipUndo(t *testing.T) {
	e := groupEnv(t, 5)
	e.wh.cands = []load.Candidate{{Tenant: "contoso", UserID: "u-group", SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "inactive"}}
	g := e.graphs["contoso"]
	ctx := context.Background()
	p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove, Items: []reclaim.Item{e3Item("u-group")}}
	if err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"),
		reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo, GroupMembership: true}); err != nil {
		t.Fatalf("Apply: %v\n%s", err, e.out.String())
	}
	if !fileHolds(e.undo, `"memberships"`, `"g-e3"`, `"u-group"`) {
		t.Fatal("undo file: want the membership removed")
	}
	undoTwice(t, e)
	if !slices.Contains(g.groups["g-e3"].members, "u-group") || !holdsSKU(g.users["u-group"], e3) {
		t.Errorf("u-group after undo: want a member of g-e3 holding SPE_E3 again")
	}
	if len(g.added) != 1 {
		t.Errorf("memberships added: got %v, want one", g.added)
	}
}

// TestBuildProvisionGroups plans group items for assign and plans
// --group, alone or beside users, one per group, with the plans left off
// or switched, or to unassign; refuses a group that is not an object id,
// --group outside assign, plans and unassign, and --group with
// --all-skus.
func TestBuildProvisionGroups(t *testing.T) {
	const g1, g2 = "6c1f0a52-7e2b-4b8e-9a51-0f1d2c3b4a51", "7d2e1b63-8f3c-4c9f-8b62-1e2f3d4c5b62"
	roster := []load.RosterUser{{Tenant: "contoso", UserID: "id-1", UserPrincipalNameLower: "ann@contoso.example", AccountEnabled: true}}
	tests := []struct {
		name  string
		sel   reclaim.Provision
		op    string
		items []string // user or group:id per item
		err   string
	}{
		{"a plan that cannot be left off", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1}, Plans: []string{"EXCHANGE_S_FOUNDATION"}},
			reclaim.OpAssign, nil, "cannot be switched off"},
		{"groups alone, no plans", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1, strings.ToUpper(g2), g1}}, reclaim.OpAssign,
			[]string{"group:" + g1, "group:" + g2}, ""},
		{"groups beside users", reclaim.Provision{SKU: "VISIOCLIENT", Users: []string{"id-1"}, Groups: []string{g1}}, reclaim.OpAssign,
			[]string{"id-1", "group:" + g1}, ""},
		{"not an object id", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{"SG-LIC-Visio"}}, reclaim.OpAssign, nil,
			"--group SG-LIC-Visio: not an object id"},
		{"plans switch a group's plans", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1}, Plans: []string{"VISIO_CLIENT_SUBSCRIPTION"}},
			reclaim.OpPlans, []string{"group:" + g1}, ""},
		{"plans: a plan that cannot be switched off", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1}, Plans: []string{"EXCHANGE_S_FOUNDATION"}},
			reclaim.OpPlans, nil, "cannot be switched off"},
		{"unassign takes a SKU from groups", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1}}, reclaim.OpRemove,
			[]string{"group:" + g1}, ""},
		{"unassign: every SKU of a group is not planned", reclaim.Provision{AllSKUs: true, Groups: []string{g1}}, reclaim.OpRemove, nil,
			"--group with --all-skus: name the SKU"},
		{"replace does not take groups", reclaim.Provision{SKU: "VISIOCLIENT", Groups: []string{g1}}, reclaim.OpReplace, nil,
			"--group: only assign, plans and unassign target groups"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wh := &memWarehouse{roster: roster, reports: []load.TenantReport{{Tenant: "contoso"}},
				skus: []load.TenantSKU{{Tenant: "contoso", SkuID: visio, SkuPartNumber: "VISIOCLIENT"}}}
			var stderr strings.Builder
			p, err := reclaim.Planner{Warehouse: wh, Stderr: &stderr, Now: applyNow}.BuildProvision(context.Background(), tc.sel, tc.op, false)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error: got %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Version = 1; p.Validate() != nil {
				t.Errorf("the plan does not validate: %v", p.Validate())
			}
			var got []string
			for _, it := range p.Items {
				if it.GroupID != "" {
					got = append(got, "group:"+it.GroupID)
				} else {
					got = append(got, it.UserID)
				}
			}
			if !slices.Equal(got, tc.items) {
				t.Errorf("items: got %v, want %v", got, tc.items)
			}
			for _, it := range p.Items {
				if tc.op == reclaim.OpPlans && (len(it.DisablePlans) != 1 || it.DisabledPlans != nil || !strings.HasPrefix(it.Reason, "disable ")) {
					t.Errorf("plans item %+v: want one plan to disable, none left off", it)
				}
			}
		})
	}
}

// TestPlanValidateGroups: an item has exactly one of user_id and
// group_id, and replace plans have no group items.
func TestPlanValidateGroups(t *testing.T) {
	tests := []struct {
		name string
		op   string
		item reclaim.Item
		err  string
	}{
		{"group item", reclaim.OpAssign, groupItem("g-1"), ""},
		{"both", reclaim.OpAssign, reclaim.Item{Tenant: "contoso", UserID: "u-1", GroupID: "g-1", SkuID: visio}, "user_id and group_id are both set"},
		{"neither", reclaim.OpAssign, reclaim.Item{Tenant: "contoso", SkuID: visio}, "tenant, user_id and sku_id are required (group_id instead"},
		{"group in a plans plan", reclaim.OpPlans, reclaim.Item{Tenant: "contoso", GroupID: "g-1", SkuID: visio, DisablePlans: []string{"p-1"}}, ""},
		{"group in a remove plan", reclaim.OpRemove, reclaim.Item{Tenant: "contoso", GroupID: "g-1", SkuID: visio}, ""},
		{"group in a replace plan", reclaim.OpReplace, reclaim.Item{Tenant: "contoso", GroupID: "g-1", SkuID: visio, ToSkuID: e3},
			"group_id is set in a replace plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &reclaim.Plan{Version: 1, ID: "plan-1", Operation: tc.op, Items: []reclaim.Item{tc.item}}
			err := p.Validate()
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("Validate: got %v, want %q", err, tc.err)
			}
		})
	}
}

// TestPlansGroup switches the plans of a group's SKU (plans --group): the
// group gets the SKU again with its disabled plans switched, its members'
// states follow, and undo gives back the plans disabled before; a group
// not carrying the SKU, plans so already and an unknown group each get
// their result, and nothing is sent for them.
func TestPlansGroup(t *testing.T) {
	plans := func(group string, enable, disable []string) reclaim.Item {
		return reclaim.Item{Tenant: "contoso", GroupID: group, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "plans",
			EnablePlans: enable, DisablePlans: disable}
	}
	tests := []struct {
		name    string
		item    reclaim.Item
		result  string
		after   []string // g-e3's disabled plans of SPE_E3 afterwards
		message string
	}{
		{"disable one more", plans("g-e3", nil, []string{"PLAN-B"}), reclaim.ResultOK, []string{"plan-a", "plan-b"}, ""},
		{"enable the disabled one", plans("g-e3", []string{"plan-a"}, nil), reclaim.ResultOK, []string{}, ""},
		{"already so", plans("g-e3", []string{"plan-z"}, []string{"plan-a"}), reclaim.ResultUnchanged, []string{"plan-a"}, "so already"},
		{"group without the SKU", plans("g-vis", nil, []string{"plan-b"}), reclaim.ResultNotAssigned, []string{"plan-a"}, "does not carry this SKU"},
		{"unknown group", plans("g-gone", nil, []string{"plan-b"}), reclaim.ResultFailed, []string{"plan-a"}, "Resource 'g-gone' does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := groupEnv(t, 5)
			g := e.graphs["contoso"]
			g.groups["g-e3"].licences = []extract.AssignedLicense{{SkuID: e3, DisabledPlans: []string{"plan-a"}}, {SkuID: ems}}
			g.regroup("u-group")
			ctx := context.Background()
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpPlans, Items: []reclaim.Item{tc.item}}
			err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo})
			if (tc.result == reclaim.ResultFailed) != (err != nil) {
				t.Fatalf("Apply: got error %v\n%s", err, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, []string{tc.result}) {
				t.Errorf("result: got %v, want %s\n%s", got, tc.result, e.out.String())
			}
			if tc.message != "" && !strings.Contains(e.out.String(), tc.message) {
				t.Errorf("printed table: want %q in\n%s", tc.message, e.out.String())
			}
			if n := len(g.groupCalls); (tc.result == reclaim.ResultOK) != (n == 1) {
				t.Errorf("group calls: got %d, want one only when ok", n)
			}
			if got := groupPlans(g, "g-e3", "u-group"); !slices.Equal(got, tc.after) {
				t.Errorf("g-e3's SPE_E3 disabled plans (the group's and member u-group's): got %v, want %v", got, tc.after)
			}
			if tc.result != reclaim.ResultOK {
				return
			}
			if len(e.wh.actions) != 1 || e.wh.actions[0].UserID != "g-e3" || e.wh.actions[0].Operation != reclaim.OpPlans {
				t.Errorf("actions: got %+v, want one plans row for g-e3", e.wh.actions)
			}
			undoTwice(t, e)
			if got := groupPlans(g, "g-e3", "u-group"); !slices.Equal(got, []string{"plan-a"}) {
				t.Errorf("g-e3's disabled plans after undo: got %v, want [plan-a]", got)
			}
			if l := g.groups["g-e3"].licences; len(l) != 2 {
				t.Errorf("g-e3's licences after undo: got %v, want SPE_E3 and EMS", l)
			}
		})
	}
}

// groupPlans are the disabled plans of group's SPE_E3, checked to be
// those of member's state from the group ("mismatch" when not).
func groupPlans(g *fakeGraph, group, member string) []string {
	var plans []string
	for _, l := range g.groups[group].licences {
		if l.SkuID == e3 {
			plans = nonNil(l.DisabledPlans)
		}
	}
	for _, s := range g.users[member].LicenseAssignmentStates {
		if s.SkuID == e3 && s.AssignedByGroup == group && !slices.Equal(nonNil(s.DisabledPlans), plans) {
			return []string{"mismatch"}
		}
	}
	return plans
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// TestPlansGroupUndoLeavesAGroupWithoutTheSKU: an undo of a group's plans
// whose group no longer carries the SKU does not give the SKU back (that
// would license every member).
func TestPlansGroupUndoLeavesAGroupWithoutTheSKU(t *testing.T) {
	e := groupEnv(t, 5)
	u := &reclaim.Undo{PlanID: "plan-1", Groups: []reclaim.UndoGroup{{Tenant: "contoso", GroupID: "g-vis", PlansOnly: true,
		Restore: []reclaim.License{{SkuID: e3, SkuPartNumber: "SPE_E3", DisabledPlans: []string{"plan-a"}}}}}}
	if err := e.applier().Undo(context.Background(), u, true); err != nil {
		t.Fatalf("Undo: %v\n%s", err, e.out.String())
	}
	if got := printedResults(e.out.String()); !slices.Equal(got, []string{reclaim.ResultUnchanged}) || !strings.Contains(e.out.String(), "not given back") {
		t.Errorf("undo: got %v, want unchanged, not given back\n%s", got, e.out.String())
	}
	if n := len(e.graphs["contoso"].groupCalls); n != 0 {
		t.Errorf("group calls: got %d, want none", n)
	}
}

// TestReadUndoGroups: a group entry needs a tenant, a group and a SKU to
// remove or to restore, and the error names the entry.
func TestReadUndoGroups(t *testing.T) {
	l := []reclaim.License{{SkuID: e3}}
	tests := []struct {
		name  string
		group reclaim.UndoGroup
		err   string
	}{
		{"remove", reclaim.UndoGroup{Tenant: "contoso", GroupID: "g-1", RemoveOnUndo: l}, ""},
		{"restore", reclaim.UndoGroup{Tenant: "contoso", GroupID: "g-1", Restore: l}, ""},
		{"neither", reclaim.UndoGroup{Tenant: "contoso", GroupID: "g-1"}, "groups[0]: tenant, group_id and remove_on_undo or restore"},
		{"a restore without SKU", reclaim.UndoGroup{Tenant: "contoso", GroupID: "g-1", Restore: []reclaim.License{{}}}, "groups[0]"},
		{"no group", reclaim.UndoGroup{Tenant: "contoso", Restore: l}, "groups[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "undo.json")
			if err := reclaim.WriteUndo(path, &reclaim.Undo{PlanID: "plan-1", Groups: []reclaim.UndoGroup{tc.group}}); err != nil {
				t.Fatal(err)
			}
			_, err := reclaim.ReadUndo(path)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), path)) {
				t.Errorf("ReadUndo: got %v, want %q", err, tc.err)
			}
		})
	}
}

// TestUnassignGroup takes SPE_E3 from a licence group (unassign --group):
// the member holding it only through the group loses it, the group and
// the member keep the group's other licence; a group
// without the SKU is not_assigned; the undo gives the SKU back to the
// group with its disabled plans, and a second undo changes nothing.
func TestUnassignGroup(t *testing.T) {
	e := groupEnv(t, 5)
	g := e.graphs["contoso"]
	g.groups["g-bundle"].licences = []extract.AssignedLicense{{SkuID: e3, DisabledPlans: []string{"plan-a"}}, {SkuID: ems}}
	for _, m := range g.groups["g-bundle"].members {
		g.regroup(m)
	}
	unassign := func(group string) reclaim.Item {
		return reclaim.Item{Tenant: "contoso", GroupID: group, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: reclaim.ReasonUnassign, Forced: true}
	}
	ctx := context.Background()
	p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove, Items: []reclaim.Item{unassign("g-bundle"), unassign("g-vis")}}
	if err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo}); err != nil {
		t.Fatalf("Apply: %v\n%s", err, e.out.String())
	}
	if got := printedResults(e.out.String()); !slices.Equal(got, []string{reclaim.ResultOK, reclaim.ResultNotAssigned}) {
		t.Errorf("results: got %v, want ok, not_assigned\n%s", got, e.out.String())
	}
	if got := g.groups["g-bundle"].licences; len(got) != 1 || got[0].SkuID != ems {
		t.Errorf("g-bundle's licences: got %v, want EMS only", got)
	}
	if holdsSKU(g.users["u-bundle"], e3) || !holdsSKU(g.users["u-bundle"], ems) {
		t.Errorf("member u-bundle: got %v, want EMS and no SPE_E3", g.users["u-bundle"].AssignedLicenses)
	}
	if len(e.wh.actions) != 2 || e.wh.actions[0].UserID != "g-bundle" || e.wh.actions[0].Operation != reclaim.OpRemove {
		t.Errorf("actions: got %+v, want a remove row for g-bundle first", e.wh.actions)
	}
	undoTwice(t, e)
	if got := groupPlans(g, "g-bundle", "u-bundle"); !slices.Equal(got, []string{"plan-a"}) || !holdsSKU(g.users["u-bundle"], e3) {
		t.Errorf("g-bundle after undo: SPE_E3 with disabled plans %v, member holds it: %v; want [plan-a], true", got, holdsSKU(g.users["u-bundle"], e3))
	}
}

// undoTwice carries out e's undo file twice: the first undo changes the
// one entry back (ok), the second finds nothing left to do (unchanged).
func undoTwice(t *testing.T, e *applyEnv) {
	t.Helper()
	u, err := reclaim.ReadUndo(e.undo)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{reclaim.ResultOK, reclaim.ResultUnchanged} {
		e.out.Reset()
		if err := e.applier().Undo(context.Background(), u, true); err != nil {
			t.Fatalf("Undo: %v\n%s", err, e.out.String())
		}
		if got := printedResults(e.out.String()); !slices.Equal(got, []string{want}) {
			t.Errorf("undo results: got %v, want %s\n%s", got, want, e.out.String())
		}
	}
}
