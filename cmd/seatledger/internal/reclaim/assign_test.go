package reclaim_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
)

const visio = "c5928f49-12ba-48f7-ada3-0d743a3601d5"

// assignEnv is an applyEnv whose contoso tenant has unlicensed users with
// and without a usage location, and VISIOCLIENT with free seats free
// (enabled + warning - consumed).
func assignEnv(t *testing.T, free int64) *applyEnv {
	e := newApplyEnv(t, nil)
	g := e.graphs["contoso"]
	g.users["n-1"] = extract.User{ID: "n-1", UsageLocation: "DE"}
	g.users["n-2"] = extract.User{ID: "n-2", UsageLocation: "GB"}
	g.users["n-noloc"] = extract.User{ID: "n-noloc"}
	g.badLocation = "XX" // Graph refuses it
	g.skus = []extract.SKU{
		{SkuID: visio, SkuPartNumber: "VISIOCLIENT", ConsumedUnits: 40, PrepaidUnits: extract.PrepaidUnits{Enabled: 38, Warning: 2 + free}},
		{SkuID: e3, SkuPartNumber: "SPE_E3", ConsumedUnits: 100, PrepaidUnits: extract.PrepaidUnits{Enabled: 200}},
	}
	return e
}

func assignItem(user, loc string) reclaim.Item {
	return reclaim.Item{Tenant: "contoso", UserID: user, SkuID: visio, SkuPartNumber: "VISIOCLIENT", Reason: "assign",
		UsageLocation: loc, DisabledPlans: []string{"plan-x"}}
}

// TestAssignGuards gives each guard of assign a case that fails without
// it: usage location first (from the row, the tenant's default, or a
// refusal), users holding the SKU already, free units and the hard limit,
// each naming both numbers, the cap and the dry run.
func TestAssignGuards(t *testing.T) {
	tests := []struct {
		name      string
		free      int64
		items     []reclaim.Item
		opts      reclaim.ApplyOptions
		results   []string
		sent      []string // users sent to assignLicense
		locations []string // user=location sent first
		message   string   // in the printed table
	}{
		{"dry run", 5, []reclaim.Item{assignItem("n-1", "")}, reclaim.ApplyOptions{Max: 50},
			[]string{reclaim.ResultPending}, nil, nil, ""},
		{"assigns with the disabled plans", 5, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultOK, reclaim.ResultOK}, []string{"n-1", "n-2"}, nil, ""},
		{"usage location from the row first", 5, []reclaim.Item{assignItem("n-noloc", "FR")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultOK}, []string{"n-noloc"}, []string{"n-noloc=FR"}, ""},
		{"usage location from the tenant's default", 5, []reclaim.Item{assignItem("n-noloc", "")},
			reclaim.ApplyOptions{Apply: true, Max: 50, DefaultLocations: map[string]string{"contoso": "DE"}},
			[]string{reclaim.ResultOK}, []string{"n-noloc"}, []string{"n-noloc=DE"}, ""},
		{"no usage location anywhere", 5, []reclaim.Item{assignItem("n-noloc", ""), assignItem("n-1", "")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultRefused, reclaim.ResultOK}, []string{"n-1"}, nil, "default_usage_location"},
		{"usage location refused by Graph", 5, []reclaim.Item{assignItem("n-noloc", "XX"), assignItem("n-1", "")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultFailed, reclaim.ResultOK}, []string{"n-1"}, []string{"n-noloc=XX"}, "set usageLocation XX first"},
		{"holds the SKU already", 5, []reclaim.Item{{Tenant: "contoso", UserID: "u-1", SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "assign"}},
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultUnchanged}, nil, nil, "holds this SKU already"},
		{"free units: exactly enough", 2, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultOK, reclaim.ResultOK}, []string{"n-1", "n-2"}, nil, ""},
		{"free units: one short", 1, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultRefused, reclaim.ResultRefused}, nil, nil, "VISIOCLIENT: 2 licences to assign, 1 free units (38 enabled + 3 warning - 40 consumed)"},
		{"free units: counted after the cap", 1, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")}, reclaim.ApplyOptions{Apply: true, Max: 1},
			[]string{reclaim.ResultOK, reclaim.ResultDeferred}, []string{"n-1"}, nil, ""},
		{"hard limit: reached, not passed", 5, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")},
			reclaim.ApplyOptions{Apply: true, Max: 50, Limits: map[string]map[string]int64{"contoso": {"VISIOCLIENT": 42}}},
			[]string{reclaim.ResultOK, reclaim.ResultOK}, []string{"n-1", "n-2"}, nil, ""},
		{"hard limit: passed", 5, []reclaim.Item{assignItem("n-1", ""), assignItem("n-2", "")},
			reclaim.ApplyOptions{Apply: true, Max: 50, Limits: map[string]map[string]int64{"contoso": {"VISIOCLIENT": 41}}},
			[]string{reclaim.ResultRefused, reclaim.ResultRefused}, nil, nil, "VISIOCLIENT: 40 consumed + 2 to assign would pass tenant contoso's hard limit of 41"},
		{"a SKU the tenant does not have", 5, []reclaim.Item{{Tenant: "contoso", UserID: "n-1", SkuID: "0000aaaa-0000-0000-0000-000000000000",
			SkuPartNumber: "NOPE", Reason: "assign"}}, reclaim.ApplyOptions{Apply: true, Max: 50},
			[]string{reclaim.ResultRefused}, nil, nil, "has no subscription to SKU"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := assignEnv(t, tc.free)
			tc.opts.UndoFile = e.undo
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpAssign, Items: tc.items}
			err := e.applier().Apply(context.Background(), p, filepath.Join(filepath.Dir(e.undo), "plan.json"), tc.opts)
			// A failed change exits 3 (partial); nothing else may fail.
			if failed := slices.Contains(tc.results, reclaim.ResultFailed); failed != (err != nil) {
				t.Fatalf("Apply: got error %v, want one: %v\n%s", err, failed, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, tc.results) {
				t.Errorf("results: got %v, want %v\n%s", got, tc.results, e.out.String())
			}
			if got := e.sent(); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to assignLicense: got %v, want %v", got, tc.sent)
			}
			var locs []string
			for _, c := range e.graphs["contoso"].locations {
				for _, ch := range c {
					locs = append(locs, ch.UserID+"="+ch.UsageLocation)
				}
			}
			if !slices.Equal(locs, tc.locations) {
				t.Errorf("usageLocation set: got %v, want %v", locs, tc.locations)
			}
			if tc.message != "" && !strings.Contains(e.out.String(), tc.message) {
				t.Errorf("printed table: want %q in\n%s", tc.message, e.out.String())
			}
			for _, id := range tc.sent {
				u := e.graphs["contoso"].users[id]
				if h := u.LicenseAssignmentStates; len(h) == 0 || !slices.Equal(h[len(h)-1].DisabledPlans, []string{"plan-x"}) {
					t.Errorf("user %s after the assign: got states %+v, want VISIOCLIENT with plan-x disabled", id, h)
				}
			}
		})
	}
}

// TestAssignUndo assigns, then undoes: the SKU added is removed again,
// the usage location set first stays, and a second undo changes nothing.
func TestAssignUndo(t *testing.T) {
	e := assignEnv(t, 5)
	p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpAssign, Items: []reclaim.Item{assignItem("n-1", ""), assignItem("n-noloc", "FR")}}
	ctx := context.Background()
	if err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo}); err != nil {
		t.Fatal(err)
	}
	u, err := reclaim.ReadUndo(e.undo)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []bool{true, false} {
		e.out.Reset()
		if err := e.applier().Undo(ctx, u, true); err != nil {
			t.Fatalf("Undo: %v\n%s", err, e.out.String())
		}
		wantResult := reclaim.ResultOK
		if !want {
			wantResult = reclaim.ResultUnchanged
		}
		if got := printedResults(e.out.String()); !slices.Equal(got, []string{wantResult, wantResult}) {
			t.Errorf("undo results: got %v, want two %s\n%s", got, wantResult, e.out.String())
		}
	}
	g := e.graphs["contoso"]
	for _, id := range []string{"n-1", "n-noloc"} {
		if n := len(g.users[id].LicenseAssignmentStates); n != 0 {
			t.Errorf("user %s after undo: %d licences, want none", id, n)
		}
	}
	if loc := g.users["n-noloc"].UsageLocation; loc != "FR" {
		t.Errorf("usage location after undo: got %q, want FR kept", loc)
	}
}

// TestPlans switches plans off and on in a direct assignment, keeping the
// other disabled plans; refuses Exchange Foundation; leaves group-only
// assignments and users without the SKU alone; and undoes to the plans as
// they were.
func TestPlans(t *testing.T) {
	const foundation = "113feb6c-3fe4-4440-bddc-54d774bf0318"
	plans := func(user string, enable, disable []string) reclaim.Item {
		return reclaim.Item{Tenant: "contoso", UserID: user, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: "plans",
			EnablePlans: enable, DisablePlans: disable}
	}
	tests := []struct {
		name    string
		item    reclaim.Item
		result  string
		after   []string // u-1's disabled plans afterwards
		message string
	}{
		{"disable one more", plans("u-1", nil, []string{"PLAN-B"}), reclaim.ResultOK, []string{"plan-a", "plan-b"}, ""},
		{"enable the disabled one", plans("u-1", []string{"plan-a"}, nil), reclaim.ResultOK, []string{}, ""},
		{"enable one and disable another", plans("u-1", []string{"plan-a"}, []string{"plan-c"}), reclaim.ResultOK, []string{"plan-c"}, ""},
		{"already so", plans("u-1", []string{"plan-z"}, []string{"plan-a"}), reclaim.ResultUnchanged, []string{"plan-a"}, "so already"},
		{"Exchange Foundation cannot be switched off", plans("u-1", nil, []string{foundation}), reclaim.ResultRefused, []string{"plan-a"}, "EXCHANGE_S_FOUNDATION"},
		{"group-only", plans("u-group", nil, []string{"plan-b"}), reclaim.ResultGroupOnly, []string{"plan-a"}, ""},
		{"not held", plans("n-1", nil, []string{"plan-b"}), reclaim.ResultNotAssigned, []string{"plan-a"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := assignEnv(t, 5)
			ctx := context.Background()
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpPlans, Items: []reclaim.Item{tc.item}}
			if err := e.applier().Apply(ctx, p, filepath.Join(filepath.Dir(e.undo), "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo}); err != nil {
				t.Fatalf("Apply: %v\n%s", err, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, []string{tc.result}) {
				t.Errorf("result: got %v, want %s\n%s", got, tc.result, e.out.String())
			}
			if tc.message != "" && !strings.Contains(e.out.String(), tc.message) {
				t.Errorf("printed table: want %q in\n%s", tc.message, e.out.String())
			}
			g := e.graphs["contoso"]
			if got := directPlans(g.users["u-1"]); !slices.Equal(got, tc.after) {
				t.Errorf("u-1's disabled plans: got %v, want %v", got, tc.after)
			}
			if tc.result != reclaim.ResultOK {
				return
			}
			u, err := reclaim.ReadUndo(e.undo)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.applier().Undo(ctx, u, true); err != nil {
				t.Fatalf("Undo: %v", err)
			}
			if got := directPlans(g.users["u-1"]); !slices.Equal(got, []string{"plan-a"}) {
				t.Errorf("u-1's disabled plans after undo: got %v, want [plan-a]", got)
			}
		})
	}
}

// directPlans are the disabled plans of u's direct E3 assignment.
func directPlans(u extract.User) []string {
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID == e3 && s.AssignedByGroup == "" {
			return s.DisabledPlans
		}
	}
	return nil
}
