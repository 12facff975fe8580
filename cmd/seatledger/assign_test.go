package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// assignPerms adds the write permissions assign needs.
var assignPerms = append([]string{"LicenseAssignment.ReadWrite.All", "User.ReadWrite.All"}, graphsim.DefaultPermissions...)

// unlicensed finds enabled members of the simulated tenant that hold no
// licence: n with a usage location and n without.
func (e *reclaimEnv) unlicensed(n int) (located, unlocated []extract.User) {
	e.t.Helper()
	tn := e.srv.Tenant()
	for i := 0; i < tn.UserCount() && (len(located) < n || len(unlocated) < n); i++ {
		u := tn.User(i)
		if len(u.AssignedLicenses) > 0 || !u.AccountEnabled || u.UserType != "Member" {
			continue
		}
		if u.UsageLocation == "" && len(unlocated) < n {
			unlocated = append(unlocated, u)
		} else if u.UsageLocation != "" && len(located) < n {
			located = append(located, u)
		}
	}
	if len(located) < n || len(unlocated) < n {
		e.t.Fatalf("simulated tenant: %d unlicensed users with a usage location and %d without, want %d each", len(located), len(unlocated), n)
	}
	return located, unlocated
}

// freeSKU is an enabled SKU of the simulator with at least n free units.
func (e *reclaimEnv) freeSKU(n int64) extract.SKU {
	e.t.Helper()
	for _, k := range e.srv.Tenant().SKUs() {
		if k.CapabilityStatus == "Enabled" && k.PrepaidUnits.Enabled+k.PrepaidUnits.Warning-k.ConsumedUnits >= n {
			return k
		}
	}
	e.t.Fatalf("no SKU with %d free units", n)
	return extract.SKU{}
}

// TestAssignRoundTrip assigns a SKU to users listed in a CSV, through the
// real client against the simulator: the users without a usage location
// get the CSV's or the tenant's default first; the next snapshot counts
// the seats; the undo takes them back. A hard limit and a SKU without
// enough free units refuse the plan with both numbers, changing nothing.
func TestAssignRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1200, graphsim.ServerOptions{Permissions: assignPerms, ThrottleRate: 0.05, Seed: 5})
	e.env = append(e.env, "SEATLEDGER_TENANTS_CONTOSO_DEFAULT_USAGE_LOCATION=DE")
	located, unlocated := e.unlicensed(2)
	sku := e.freeSKU(10)
	csvPath := filepath.Join(e.dir, "users.csv")
	csv := "\ufeffUserPrincipalName,UsageLocation\r\n" +
		located[0].UserPrincipalName + ",\r\n" + located[1].UserPrincipalName + ",\r\n" +
		unlocated[0].UserPrincipalName + ",fr\r\n" + unlocated[1].UserPrincipalName + ",\r\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	before := e.consumed()[sku.SkuID]
	planPath := filepath.Join(e.dir, "assign.json")
	e.mustRun(0, "assign", "plan", "--sku", sku.SkuPartNumber, "--csv", csvPath, "--out", planPath)
	if p := readPlan(t, planPath); len(p.Items) != 4 || p.Operation != reclaim.OpAssign {
		t.Fatalf("assign plan: got %d items (%s), want 4 assign items", len(p.Items), p.Operation)
	}
	if out := e.mustRun(0, "assign", "apply", "--plan", planPath); !strings.Contains(out, "4 would_change") || e.consumed()[sku.SkuID] != before {
		t.Fatalf("dry run: want 4 would_change and no change:\n%s", out)
	}
	e.mustRun(0, "assign", "apply", "--plan", planPath, "--apply")
	if got := e.consumed()[sku.SkuID]; got != before+4 {
		t.Errorf("consumed units of %s: got %d, want %d", sku.SkuPartNumber, got, before+4)
	}
	for i, u := range append(located, unlocated...) {
		got := e.user(u.ID)
		if !holds(got, sku.SkuID) {
			t.Errorf("user %s: does not hold %s after the assign", u.ID, sku.SkuPartNumber)
		}
		want := u.UsageLocation
		switch i {
		case 2:
			want = "FR" // the CSV's
		case 3:
			want = "DE" // the tenant's default
		}
		if got.UsageLocation != want {
			t.Errorf("user %s usage location: got %q, want %q", u.ID, got.UsageLocation, want)
		}
	}
	if got := e.actions(reclaim.OpAssign); got["ok"] != 4 {
		t.Errorf("actions: got %v, want 4 ok", got)
	}
	e.mustRun(0, "run")
	if got := e.snapshotConsumed()[sku.SkuID]; got != before+4 {
		t.Errorf("next snapshot consumed units: got %d, want %d", got, before+4)
	}

	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "assign.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	e.mustRun(0, "assign", "undo", "--undo-file", undoFiles[0], "--apply")
	if got := e.consumed()[sku.SkuID]; got != before {
		t.Errorf("consumed units after undo: got %d, want %d", got, before)
	}
	if loc := e.user(unlocated[1].ID).UsageLocation; loc != "DE" {
		t.Errorf("usage location after undo: got %q, want DE kept", loc)
	}

	// A hard limit one seat short refuses every row, naming both numbers.
	e.mustRun(0, "run")
	limited := fmt.Sprintf("%s    limits:\n      %s: %d\n", readText(t, e.cfg), sku.SkuPartNumber, before+1)
	if err := os.WriteFile(e.cfg, []byte(limited), 0o600); err != nil {
		t.Fatal(err)
	}
	out := e.mustRun(0, "assign", "apply", "--plan", planPath, "--apply")
	want := fmt.Sprintf("%s: %d consumed + 4 to assign would pass tenant contoso's hard limit of %d", sku.SkuPartNumber, before, before+1)
	if !strings.Contains(out, want) || e.consumed()[sku.SkuID] != before {
		t.Errorf("over the hard limit: want %q and no change:\n%s", want, out)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPlansRoundTrip switches a service plan off and on again for a user
// holding SPE_E3 directly, through the simulator, keeping the plans
// already disabled; Exchange Foundation is refused before any plan is
// written; each undo puts back the plans as they were before its apply.
func TestPlansRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 600, graphsim.ServerOptions{Permissions: assignPerms, Seed: 7})
	const e3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"
	const sway = "a23b959c-7ce8-4e57-9140-b90eb88a9e97"
	var user extract.User
	tn := e.srv.Tenant()
	for i := 0; i < tn.UserCount() && user.ID == ""; i++ {
		u := tn.User(i)
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == e3 && s.AssignedByGroup == "" && len(u.LicenseAssignmentStates) == 1 && u.UsageLocation != "" &&
				!slices.Contains(s.DisabledPlans, sway) {
				user = u
			}
		}
	}
	if user.ID == "" {
		t.Fatal("no user holding only SPE_E3, directly")
	}
	before := directDisabled(user, e3)
	e.mustRun(0, "plans", "disable", "--sku", "SPE_E3", "--plan", "SWAY", "--user", user.UserPrincipalName,
		"--out", filepath.Join(e.dir, "plans.json"), "--apply")
	after := directDisabled(e.user(user.ID), e3)
	if want := append(slices.Clone(before), sway); !samePlanSet(after, want) {
		t.Errorf("disabled plans after plans disable: got %v, want %v", after, want)
	}
	// Re-enabled: the plans as they were, one more plans row.
	e.mustRun(0, "plans", "enable", "--sku", "SPE_E3", "--plan", "sway", "--user", user.ID,
		"--out", filepath.Join(e.dir, "plans-enable.json"), "--apply")
	if got := directDisabled(e.user(user.ID), e3); !samePlanSet(got, before) {
		t.Errorf("disabled plans after plans enable: got %v, want %v", got, before)
	}
	out := e.mustRun(2, "plans", "disable", "--sku", "SPE_E3", "--plan", "EXCHANGE_S_FOUNDATION", "--user", user.UserPrincipalName, "--apply")
	if !strings.Contains(out, "service plan EXCHANGE_S_FOUNDATION cannot be switched off") {
		t.Errorf("Exchange Foundation: want a refusal naming it:\n%s", out)
	}
	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "plans.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	// The enable's undo switches SWAY off again; the disable's undo then
	// puts the plans back as they were before it.
	enableUndo, _ := filepath.Glob(filepath.Join(e.dir, "plans-enable.undo-*.json"))
	if len(enableUndo) != 1 {
		t.Fatalf("undo files of the enable: got %v, want one", enableUndo)
	}
	e.mustRun(0, "assign", "undo", "--undo-file", enableUndo[0], "--apply")
	if got, want := directDisabled(e.user(user.ID), e3), append(slices.Clone(before), sway); !samePlanSet(got, want) {
		t.Errorf("disabled plans after the enable's undo: got %v, want %v", got, want)
	}
	e.mustRun(0, "assign", "undo", "--undo-file", undoFiles[0], "--apply")
	if got := directDisabled(e.user(user.ID), e3); !samePlanSet(got, before) {
		t.Errorf("disabled plans after undo: got %v, want %v", got, before)
	}
	if got := e.actions(reclaim.OpPlans); got["ok"] != 2 {
		t.Errorf("plans actions: got %v, want 2 ok (disable, enable)", got)
	}
}

func directDisabled(u extract.User, sku string) []string {
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID == sku && s.AssignedByGroup == "" {
			return s.DisabledPlans
		}
	}
	return nil
}

func samePlanSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
