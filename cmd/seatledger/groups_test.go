package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/transform"
)

// groupPerms adds the membership write permission to assign's.
var groupPerms = append([]string{"GroupMember.ReadWrite.All"}, assignPerms...)

// groupMembers lists the simulated users whose licence states name group.
func (e *reclaimEnv) groupMembers(group string) []extract.User {
	var out []extract.User
	tn := e.srv.Tenant()
	for i := 0; i < tn.UserCount(); i++ {
		u := tn.User(i)
		if slices.ContainsFunc(u.LicenseAssignmentStates, func(s extract.LicenseAssignmentState) bool { return s.AssignedByGroup == group }) {
			out = append(out, u)
		}
	}
	return out
}

func groupCarries(g extract.Group, sku string) bool {
	return slices.ContainsFunc(g.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == sku })
}

// TestAssignGroupRoundTrip gives a SKU to a licence group through the
// real client against the simulator: the dry run changes nothing, the
// apply makes one group assignLicense call, the members take their units,
// the actions row holds the group's id; an unknown group fails with
// Graph's message; the undo takes the SKU from the group again; a hard
// limit refuses the plan, counting the members from the latest snapshot.
func TestAssignGroupRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1200, graphsim.ServerOptions{Permissions: groupPerms, Seed: 5})
	tn := e.srv.Tenant()
	var group extract.Group
	var sku extract.SKU
	var newcomers int64
	for _, g := range tn.Groups() {
		members := e.groupMembers(g.ID)
		for _, k := range tn.SKUs() {
			var n int64
			for _, u := range members {
				if !holds(u, k.SkuID) {
					n++
				}
			}
			free := k.PrepaidUnits.Enabled + k.PrepaidUnits.Warning - k.ConsumedUnits
			if group.ID == "" && k.CapabilityStatus == "Enabled" && !groupCarries(g, k.SkuID) && n > 0 && free > n {
				group, sku, newcomers = g, k, n
			}
		}
	}
	if group.ID == "" {
		t.Fatal("no licence group with members lacking an enabled SKU with free units")
	}
	before := e.consumed()[sku.SkuID]
	planPath := filepath.Join(e.dir, "group.json")
	e.mustRun(0, "assign", "plan", "--sku", sku.SkuPartNumber, "--group", group.ID, "--out", planPath)
	if p := readPlan(t, planPath); len(p.Items) != 1 || p.Items[0].GroupID != group.ID {
		t.Fatalf("assign plan: got %+v, want one item for group %s", p.Items, group.ID)
	}
	if out := e.mustRun(0, "assign", "apply", "--plan", planPath); !strings.Contains(out, "1 would_change") || e.consumed()[sku.SkuID] != before {
		t.Fatalf("dry run: want 1 would_change and no change:\n%s", out)
	}
	e.mustRun(0, "assign", "apply", "--plan", planPath, "--apply")
	if g, _ := tn.Group(group.ID); !groupCarries(g, sku.SkuID) {
		t.Errorf("group %s after the assign: does not carry %s", group.ID, sku.SkuPartNumber)
	}
	if got := e.consumed()[sku.SkuID]; got != before+newcomers {
		t.Errorf("consumed units of %s: got %d, want %d (+%d members)", sku.SkuPartNumber, got, before+newcomers, newcomers)
	}
	e.withDB(func(db *sql.DB) {
		var target, user, groups string
		if err := db.QueryRow("SELECT target, user_id, group_ids::VARCHAR FROM actions WHERE operation = 'assign' AND result = 'ok'").Scan(&target, &user, &groups); err != nil ||
			target != "group" || user != group.ID || !strings.Contains(groups, group.ID) {
			t.Errorf("actions row: got target %s, user_id %s, group_ids %s (%v), want group and the group's id in both", target, user, groups, err)
		}
	})
	if out := e.mustRun(0, "assign", "apply", "--plan", planPath, "--apply"); !strings.Contains(out, "carries this SKU already") {
		t.Errorf("second apply: want the group unchanged:\n%s", out)
	}

	// An unknown group fails with Graph's message (exit 3).
	gone := "0f0e0d0c-0b0a-4908-8706-050403020100"
	gonePlan := filepath.Join(e.dir, "gone.json")
	e.mustRun(0, "assign", "plan", "--sku", sku.SkuPartNumber, "--group", gone, "--out", gonePlan)
	if out := e.mustRun(3, "assign", "apply", "--plan", gonePlan, "--apply"); !strings.Contains(out, "read the group's licences") || !strings.Contains(out, "failed") {
		t.Errorf("unknown group: want a failure with Graph's message:\n%s", out)
	}

	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "group.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	e.mustRun(0, "assign", "undo", "--undo-file", undoFiles[0], "--apply")
	if g, _ := tn.Group(group.ID); groupCarries(g, sku.SkuID) || len(g.AssignedLicenses) != len(group.AssignedLicenses) {
		t.Errorf("group after undo: got %v, want %v", g.AssignedLicenses, group.AssignedLicenses)
	}
	if got := e.consumed()[sku.SkuID]; got != before {
		t.Errorf("consumed units after undo: got %d, want %d", got, before)
	}

	// A hard limit one seat short of the members refuses the group.
	e.mustRun(0, "run")
	limited := fmt.Sprintf("%s    limits:\n      %s: %d\n", readText(t, e.cfg), sku.SkuPartNumber, before+newcomers-1)
	if err := os.WriteFile(e.cfg, []byte(limited), 0o600); err != nil {
		t.Fatal(err)
	}
	out := e.mustRun(0, "assign", "apply", "--plan", planPath, "--apply")
	want := fmt.Sprintf("%s: %d consumed + %d to assign (%d for the members of group %s, counted from the latest snapshot) would pass",
		sku.SkuPartNumber, before, newcomers, newcomers, group.ID)
	if !strings.Contains(out, want) || e.consumed()[sku.SkuID] != before {
		t.Errorf("over the hard limit: want %q and no change:\n%s", want, out)
	}
}

// TestReclaimGroupMembershipRoundTrip takes users holding a SKU only
// through a licence group out of the group (reclaim apply
// --group-membership) through the simulator: off by default the rows stay
// group_only; a group that also gives another licence held no other way
// is refused; the others lose the membership and the seat; the undo puts
// them back.
func TestReclaimGroupMembershipRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1500, graphsim.ServerOptions{Permissions: groupPerms, Seed: 3})
	planPath := filepath.Join(e.dir, "all.json")
	e.mustRun(0, "reclaim", "plan", "--reason", "disabled_account,redundant,inactive,never_used", "--out", planPath)
	all := readPlan(t, planPath)
	p := *all
	p.Items = nil
	for _, it := range all.Items {
		if it.Action == "remove_from_group" && len(it.AssignedByGroups) == 1 {
			p.Items = append(p.Items, it)
		}
	}
	if len(p.Items) < 4 {
		t.Fatalf("plan: %d group-only items, want at least 4", len(p.Items))
	}
	// One item's group gets a second SKU its members hold no other way:
	// taking them out would take that licence too.
	tn := e.srv.Tenant()
	bundled := p.Items[0].AssignedByGroups[0]
	g, _ := tn.Group(bundled)
	var extra extract.SKU
	for _, k := range tn.SKUs() {
		if extra.SkuID == "" && k.CapabilityStatus == "Enabled" && !groupCarries(g, k.SkuID) && !holds(e.user(p.Items[0].UserID), k.SkuID) {
			extra = k
		}
	}
	if _, err := tn.AssignGroupLicense(bundled, []extract.AssignedLicense{{SkuID: extra.SkuID}}, nil); err != nil {
		t.Fatal(err)
	}
	users := map[string]extract.User{}
	refused := map[string]bool{} // user/SKU whose group gives another licence held no other way
	for _, it := range p.Items {
		u := e.user(it.UserID)
		users[it.UserID] = u
		if bundles(u, it.AssignedByGroups[0], it.SkuID) {
			refused[it.UserID+"/"+it.SkuID] = true
		}
	}
	if !refused[p.Items[0].UserID+"/"+p.Items[0].SkuID] {
		t.Fatalf("user %s: the extra SKU of group %s does not bundle", p.Items[0].UserID, bundled)
	}
	p.ID += "-groups"
	groupPlan := filepath.Join(e.dir, "groups.json")
	if err := reclaim.WritePlan(groupPlan, &p); err != nil {
		t.Fatal(err)
	}
	before := e.consumed()

	if out := e.mustRun(0, "reclaim", "apply", "--plan", groupPlan, "--apply"); !strings.Contains(out, fmt.Sprintf("%d group_only", len(p.Items))) {
		t.Fatalf("without --group-membership: want every row group_only:\n%s", out)
	}
	out := e.mustRun(0, "reclaim", "apply", "--plan", groupPlan, "--apply", "--group-membership", "--max", "500")
	got := e.actions(reclaim.OpRemoveMembership)
	if got["ok"] != int64(len(p.Items)-len(refused)) || got["refused"] != int64(len(refused)) {
		t.Errorf("remove_membership actions: got %v, want %d ok and %d refused", got, len(p.Items)-len(refused), len(refused))
	}
	if !strings.Contains(out, "also gives the user SKU "+extra.SkuID) {
		t.Errorf("apply output: want the refusal naming the other SKU:\n%s", out)
	}
	var freed int64
	for _, it := range p.Items {
		u := e.user(it.UserID)
		if refused[it.UserID+"/"+it.SkuID] {
			if !holds(u, it.SkuID) {
				t.Errorf("user %s: lost %s though refused: before %v, after %v", it.UserID, it.SkuPartNumber,
					users[it.UserID].LicenseAssignmentStates, u.LicenseAssignmentStates)
			}
			continue
		}
		if holds(u, it.SkuID) {
			t.Errorf("user %s still holds %s after leaving group %s", it.UserID, it.SkuPartNumber, it.AssignedByGroups[0])
		}
		freed++
	}
	if down := sum(before) - sum(e.consumed()); down != freed {
		t.Errorf("consumed units: down by %d, want %d", down, freed)
	}

	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "groups.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	e.mustRun(0, "reclaim", "undo", "--undo-file", undoFiles[0], "--apply")
	if got := e.consumed(); !sameCounts(before, got) {
		t.Errorf("consumed units after undo: got %v, want %v", got, before)
	}
	for id, u := range users {
		if got, want := licenceSet(e.user(id)), licenceSet(u); got != want {
			t.Errorf("user %s after undo: got %s, want %s", id, got, want)
		}
	}
	if got := e.actions(reclaim.OpUndo); got["ok"] != freed {
		t.Errorf("undo actions: got %v, want %d ok", got, freed)
	}
}

// bundles reports whether group gives u a SKU other than sku that u holds
// no other way.
func bundles(u extract.User, group, sku string) bool {
	for _, s := range u.LicenseAssignmentStates {
		if s.AssignedByGroup != group || s.SkuID == sku {
			continue
		}
		if !slices.ContainsFunc(u.LicenseAssignmentStates, func(t extract.LicenseAssignmentState) bool {
			return t.SkuID == s.SkuID && t.AssignedByGroup != group
		}) {
			return true
		}
	}
	return false
}

// TestPlansGroupRoundTrip switches a service plan off in a licence
// group's SKU (plans disable --group) through the real client against the
// simulator: a member holding the SKU only through the group, planned
// beside it, is group_only and pointed at --group; the dry run changes
// nothing; the apply makes one group assignLicense call, the group and
// its members show the plan disabled, the others as they were; the undo
// gives the group back its disabled plans.
func TestPlansGroupRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1200, graphsim.ServerOptions{Permissions: assignPerms, Seed: 5})
	tn := e.srv.Tenant()
	var group extract.Group
	var sku extract.SKU
	var plan extract.ServicePlan
	var member extract.User
	for _, g := range tn.Groups() {
		for _, l := range g.AssignedLicenses {
			k := skuOf(tn, l.SkuID)
			i := slices.IndexFunc(e.groupMembers(g.ID), func(u extract.User) bool { return directDisabled(u, l.SkuID) == nil && holds(u, l.SkuID) })
			j := slices.IndexFunc(k.ServicePlans, func(p extract.ServicePlan) bool {
				_, fixed := transform.FixedPlan(p.ServicePlanName)
				return p.AppliesTo == "User" && !fixed && !slices.Contains(l.DisabledPlans, p.ServicePlanID)
			})
			if group.ID == "" && i >= 0 && j >= 0 {
				group, sku, plan, member = g, k, k.ServicePlans[j], e.groupMembers(g.ID)[i]
			}
		}
	}
	if group.ID == "" {
		t.Fatal("no licence group carrying a SKU with a plan to switch off and a member holding it only through the group")
	}
	disabled := func(g extract.Group) []string {
		for _, l := range g.AssignedLicenses {
			if l.SkuID == sku.SkuID {
				return l.DisabledPlans
			}
		}
		return []string{"(not carried)"}
	}
	memberDisabled := func(u extract.User) []string {
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == sku.SkuID && s.AssignedByGroup == group.ID {
				return s.DisabledPlans
			}
		}
		return []string{"(not from the group)"}
	}
	before := disabled(group)
	planPath := filepath.Join(e.dir, "plans-group.json")
	out := e.mustRun(0, "plans", "disable", "--sku", sku.SkuPartNumber, "--plan", plan.ServicePlanName,
		"--group", group.ID, "--user", member.ID, "--out", planPath)
	if !strings.Contains(out, "1 would_change") || !strings.Contains(out, "1 group_only") || !strings.Contains(out, "plans --group") {
		t.Errorf("dry run: want the group to change and the member group_only, pointed at --group:\n%s", out)
	}
	if g, _ := tn.Group(group.ID); !samePlanSet(disabled(g), before) {
		t.Errorf("group after the dry run: disabled plans %v, want %v", disabled(g), before)
	}
	if p := readPlan(t, planPath); len(p.Items) != 2 || p.Items[1].GroupID != group.ID || !slices.Equal(p.Items[1].DisablePlans, []string{plan.ServicePlanID}) {
		t.Errorf("plan items: got %+v, want the member and the group, %s to disable", p.Items, plan.ServicePlanID)
	}
	e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply")
	want := append(slices.Clone(before), plan.ServicePlanID)
	if g, _ := tn.Group(group.ID); !samePlanSet(disabled(g), want) || len(g.AssignedLicenses) != len(group.AssignedLicenses) {
		t.Errorf("group after the apply: licences %v, want %s with %v disabled, the others as they were", g.AssignedLicenses, sku.SkuPartNumber, want)
	}
	if got := memberDisabled(e.user(member.ID)); !samePlanSet(got, want) {
		t.Errorf("member %s after the apply: disabled plans from the group %v, want %v", member.ID, got, want)
	}
	e.withDB(func(db *sql.DB) {
		var target, id, result string
		if err := db.QueryRow("SELECT target, user_id, result FROM actions WHERE operation = 'plans' AND target = 'group'").Scan(&target, &id, &result); err != nil ||
			id != group.ID || result != "ok" {
			t.Errorf("actions row: got %s %s %s (%v), want group %s ok", target, id, result, err, group.ID)
		}
	})
	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "plans-group.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	e.mustRun(0, "assign", "undo", "--undo-file", undoFiles[0], "--apply")
	if g, _ := tn.Group(group.ID); !samePlanSet(disabled(g), before) {
		t.Errorf("group after undo: disabled plans %v, want %v", disabled(g), before)
	}
	if got := memberDisabled(e.user(member.ID)); !samePlanSet(got, before) {
		t.Errorf("member after undo: disabled plans %v, want %v", got, before)
	}
}

func skuOf(tn *graphsim.Tenant, id string) extract.SKU {
	for _, k := range tn.SKUs() {
		if k.SkuID == id {
			return k
		}
	}
	return extract.SKU{}
}
