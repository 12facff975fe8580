package main

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestUnassignRoundTrip takes licences by hand through the real client
// against the simulator: every SKU of one user (--all-skus), then a SKU
// of a licence group (--group), whose member holding it only through the
// group is group_only when picked as a user. The dry run changes nothing;
// the applies free one unit per licence and record reason unassign; each
// undo gives everything back with the disabled plans it had.
func TestUnassignRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1200, graphsim.ServerOptions{Permissions: assignPerms, Seed: 5})
	tn := e.srv.Tenant()
	direct := func(u extract.User) map[string][]string { // SKU -> disabled plans, direct only
		out := map[string][]string{}
		for _, s := range u.LicenseAssignmentStates {
			if s.AssignedByGroup == "" {
				out[s.SkuID] = s.DisabledPlans
			}
		}
		return out
	}
	var user extract.User
	for i := 0; i < tn.UserCount() && user.ID == ""; i++ {
		u := tn.User(i)
		if n := len(direct(u)); n >= 2 && n == len(u.LicenseAssignmentStates) && u.UsageLocation != "" {
			user = u
		}
	}
	if user.ID == "" {
		t.Fatal("no user holding two SKUs or more, directly only, with a usage location")
	}
	held := direct(user)
	before := e.consumed()
	out := e.mustRun(0, "unassign", "--all-skus", "--user", user.UserPrincipalName, "--out", filepath.Join(e.dir, "dry.json"))
	if want := len(held); !strings.Contains(out, strconv.Itoa(want)+" would_change") || len(direct(e.user(user.ID))) != want {
		t.Fatalf("dry run: want %d would_change and nothing taken:\n%s", want, out)
	}
	e.mustRun(0, "unassign", "--all-skus", "--user", user.ID, "--out", filepath.Join(e.dir, "user.json"), "--apply")
	if got := e.user(user.ID).AssignedLicenses; len(got) != 0 {
		t.Errorf("user after unassign --all-skus: still holds %v", got)
	}
	after := e.consumed()
	for sku := range held {
		if after[sku] != before[sku]-1 {
			t.Errorf("consumed units of %s: got %d, want %d", sku, after[sku], before[sku]-1)
		}
	}
	if got := e.counts(`SELECT result, count(*) FROM actions WHERE operation = 'remove' AND reason = 'unassign' AND target = 'user' GROUP BY ALL`); got["ok"] != int64(len(held)) {
		t.Errorf("actions: got %v, want %d ok unassign rows", got, len(held))
	}

	// A group's SKU, and a member holding it only through the group.
	var group extract.Group
	var sku extract.AssignedLicense
	var member extract.User
	for _, g := range tn.Groups() {
		for _, l := range g.AssignedLicenses {
			ms := e.groupMembers(g.ID)
			i := slices.IndexFunc(ms, func(u extract.User) bool { _, d := direct(u)[l.SkuID]; return holds(u, l.SkuID) && !d })
			if group.ID == "" && i >= 0 {
				group, sku, member = g, l, ms[i]
			}
		}
	}
	if group.ID == "" {
		t.Fatal("no licence group with a member holding its SKU only through it")
	}
	part := skuOf(tn, sku.SkuID).SkuPartNumber
	before = e.consumed()
	out = e.mustRun(0, "unassign", "--sku", part, "--user", member.ID, "--group", group.ID, "--out", filepath.Join(e.dir, "group.json"), "--apply")
	if !strings.Contains(out, "1 group_only") {
		t.Errorf("the member picked as a user: want group_only:\n%s", out)
	}
	if g, _ := tn.Group(group.ID); groupCarries(g, sku.SkuID) || len(g.AssignedLicenses) != len(group.AssignedLicenses)-1 {
		t.Errorf("group after unassign: licences %v, want all but %s", g.AssignedLicenses, part)
	}
	if holds(e.user(member.ID), sku.SkuID) {
		t.Errorf("member %s after the group's unassign: still holds %s", member.ID, part)
	}
	if got := e.consumed()[sku.SkuID]; got >= before[sku.SkuID] {
		t.Errorf("consumed units of %s: got %d, want fewer than %d", part, got, before[sku.SkuID])
	}

	// Undo both: the licences come back as they were.
	for _, name := range []string{"user", "group"} {
		undo, _ := filepath.Glob(filepath.Join(e.dir, name+".undo-*.json"))
		if len(undo) != 1 {
			t.Fatalf("undo files of %s: got %v, want one", name, undo)
		}
		e.mustRun(0, "reclaim", "undo", "--undo-file", undo[0], "--apply")
	}
	if got := direct(e.user(user.ID)); len(got) != len(held) {
		t.Errorf("user after undo: got %v, want %v", got, held)
	} else {
		for k, plans := range held {
			if !samePlanSet(got[k], plans) {
				t.Errorf("user after undo: %s disabled plans %v, want %v", k, got[k], plans)
			}
		}
	}
	g, _ := tn.Group(group.ID)
	i := slices.IndexFunc(g.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == sku.SkuID })
	if i < 0 || !samePlanSet(g.AssignedLicenses[i].DisabledPlans, sku.DisabledPlans) || !holds(e.user(member.ID), sku.SkuID) {
		t.Errorf("group after undo: licences %v, want %s back with disabled plans %v, and the member holding it", g.AssignedLicenses, part, sku.DisabledPlans)
	}
}
