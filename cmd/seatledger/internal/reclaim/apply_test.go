package reclaim_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

const e3 = "05e9a617-0261-4cee-bb44-138d3ef5d965"

var applyNow = time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)

// liveUsers are the users as Graph reads them: held directly with and
// without a usage location, and held only through a group.
func liveUsers() map[string]extract.User {
	direct := func(id, loc string) extract.User {
		return extract.User{ID: id, UsageLocation: loc,
			AssignedLicenses:        []extract.AssignedLicense{{SkuID: e3, DisabledPlans: []string{"plan-a"}}},
			LicenseAssignmentStates: []extract.LicenseAssignmentState{{SkuID: e3, DisabledPlans: []string{"plan-a"}}}}
	}
	return map[string]extract.User{
		"u-1": direct("u-1", "DE"), "u-2": direct("u-2", "GB"), "u-3": direct("u-3", "FR"),
		"u-noloc": direct("u-noloc", ""),
		"u-group": {ID: "u-group", UsageLocation: "DE", AssignedLicenses: []extract.AssignedLicense{{SkuID: e3}},
			LicenseAssignmentStates: []extract.LicenseAssignmentState{{SkuID: e3, AssignedByGroup: "g-1"}}},
	}
}

func item(tenant, user, reason string) reclaim.Item {
	return reclaim.Item{Tenant: tenant, UserID: user, SkuID: e3, SkuPartNumber: "SPE_E3", Reason: reason}
}

// applyEnv is an applier over an in-memory warehouse and one fake Graph
// per tenant: contoso, and fabrikam whose latest usage report conceals
// user names. Its undo file goes to undo.
type applyEnv struct {
	wh     *memWarehouse
	graphs map[string]*fakeGraph
	out    bytes.Buffer
	undo   string
}

func newApplyEnv(t *testing.T, candidates []reclaim.Item) *applyEnv {
	dir := t.TempDir()
	e := &applyEnv{
		wh: &memWarehouse{path: filepath.Join(dir, "seatledger.duckdb"),
			reports: []load.TenantReport{{Tenant: "contoso"}, {Tenant: "fabrikam", Concealed: true}}},
		graphs: map[string]*fakeGraph{"contoso": {users: liveUsers()}, "fabrikam": {users: liveUsers()}},
		undo:   filepath.Join(dir, "plan.undo.json"),
	}
	for _, it := range candidates {
		e.wh.cands = append(e.wh.cands, load.Candidate{Tenant: it.Tenant, UserID: it.UserID, SkuID: it.SkuID,
			SkuPartNumber: it.SkuPartNumber, Reason: it.Reason})
	}
	// Every assignLicense call must find the undo file written, naming
	// each user it changes.
	for _, g := range e.graphs {
		g.beforeAssign = func() error {
			var ids []string
			for _, ch := range g.calls[len(g.calls)-1] {
				ids = append(ids, `"user_id": "`+ch.UserID+`"`)
			}
			if !fileHolds(e.undo, ids...) {
				return errUndoMissing
			}
			return nil
		}
	}
	return e
}

func (e *applyEnv) applier() reclaim.Applier {
	return reclaim.Applier{
		Warehouse: e.wh,
		Connect: func(_ context.Context, tenant string) (reclaim.Graph, bool, error) {
			g, ok := e.graphs[tenant]
			if !ok {
				return nil, false, nil
			}
			return g, true, nil
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Out: &e.out,
		Now: func() time.Time { return applyNow },
	}
}

// sent lists the users of every change sent to any tenant.
func (e *applyEnv) sent() []string {
	var out []string
	for _, tenant := range []string{"contoso", "fabrikam"} {
		out = append(out, e.graphs[tenant].sentUsers()...)
	}
	return out
}

// printedResults reads the result column of the printed outcome table.
func printedResults(out string) []string {
	var res []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && (f[0] == "contoso" || f[0] == "fabrikam" || f[0] == "northwind") {
			res = append(res, f[4])
		}
	}
	return res
}

// TestApplyGuards gives each guard of reclaim apply a case that fails
// without it, and, where a guard has an exception, a case for that.
func TestApplyGuards(t *testing.T) {
	tests := []struct {
		name    string
		items   []reclaim.Item
		gone    []string // users whose item is no candidate any more
		opts    reclaim.ApplyOptions
		results []string // per item, as printed
		sent    []string // users sent to assignLicense
		err     string
	}{
		{"dry run unless --apply", []reclaim.Item{item("contoso", "u-1", "inactive")}, nil,
			reclaim.ApplyOptions{Max: 50}, []string{reclaim.ResultPending}, nil, ""},
		{"with --apply", []reclaim.Item{item("contoso", "u-1", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultOK}, []string{"u-1"}, ""},
		{"group-only assignment", []reclaim.Item{item("contoso", "u-group", "redundant"), item("contoso", "u-1", "redundant")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultGroupOnly, reclaim.ResultOK}, []string{"u-1"}, ""},
		{"no usageLocation", []reclaim.Item{item("contoso", "u-noloc", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultRefused}, nil, ""},
		{"no usageLocation, allowed", []reclaim.Item{item("contoso", "u-noloc", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50, AllowNoLocation: true}, []string{reclaim.ResultOK}, []string{"u-noloc"}, ""},
		{"concealed report: activity reasons", []reclaim.Item{item("fabrikam", "u-1", "inactive"), item("fabrikam", "u-2", "never_used")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultRefused, reclaim.ResultRefused}, nil, ""},
		{"concealed report: other reasons", []reclaim.Item{item("fabrikam", "u-1", "disabled_account")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultOK}, []string{"u-1"}, ""},
		{"no longer a candidate", []reclaim.Item{item("contoso", "u-1", "inactive"), item("contoso", "u-2", "inactive")}, []string{"u-1"},
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultRefused, reclaim.ResultOK}, []string{"u-2"}, ""},
		{"listed with --force-listed", []reclaim.Item{{Tenant: "contoso", UserID: "u-1", SkuID: e3, SkuPartNumber: "SPE_E3",
			Reason: reclaim.ReasonListed, Forced: true}}, []string{"u-1"},
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultOK}, []string{"u-1"}, ""},
		{"--max caps the changes", []reclaim.Item{item("contoso", "u-group", "inactive"), item("contoso", "u-1", "inactive"),
			item("contoso", "u-2", "inactive"), item("contoso", "u-3", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 2},
			[]string{reclaim.ResultGroupOnly, reclaim.ResultOK, reclaim.ResultOK, reclaim.ResultDeferred}, []string{"u-1", "u-2"}, ""},
		{"--max in a dry run", []reclaim.Item{item("contoso", "u-1", "inactive"), item("contoso", "u-2", "inactive")}, nil,
			reclaim.ApplyOptions{Max: 1}, []string{reclaim.ResultPending, reclaim.ResultDeferred}, nil, ""},
		{"--max below 1", []reclaim.Item{item("contoso", "u-1", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 0}, nil, nil, "--max: must be at least 1"},
		{"undo file before the first change", []reclaim.Item{item("contoso", "u-1", "inactive"), item("contoso", "u-2", "inactive"),
			item("contoso", "u-3", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultOK, reclaim.ResultOK, reclaim.ResultOK}, []string{"u-1", "u-2", "u-3"}, ""},
		{"tenant not configured", []reclaim.Item{item("northwind", "u-1", "inactive")}, nil,
			reclaim.ApplyOptions{Apply: true, Max: 50}, []string{reclaim.ResultRefused}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cands []reclaim.Item
			for _, it := range tc.items {
				if !slices.Contains(tc.gone, it.UserID) {
					cands = append(cands, it)
				}
			}
			e := newApplyEnv(t, cands)
			tc.opts.UndoFile = e.undo
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove, Items: tc.items}
			err := e.applier().Apply(context.Background(), p, filepath.Join(filepath.Dir(e.undo), "plan.json"), tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error: got %v, want %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatalf("Apply: %v\n%s", err, e.out.String())
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, tc.results) {
				t.Errorf("results: got %v, want %v\n%s", got, tc.results, e.out.String())
			}
			if got := e.sent(); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to assignLicense: got %v, want %v", got, tc.sent)
			}
			var recorded []string
			for _, a := range e.wh.actions {
				recorded = append(recorded, a.Result)
			}
			if !tc.opts.Apply || tc.err != "" {
				if len(recorded) > 0 {
					t.Errorf("actions recorded without --apply or on error: %v", recorded)
				}
				if _, err := os.Stat(e.undo); !os.IsNotExist(err) {
					t.Errorf("undo file: got %v, want none written", err)
				}
			} else if !slices.Equal(recorded, tc.results) {
				t.Errorf("actions: got %v, want %v", recorded, tc.results)
			}
		})
	}
}

// TestApplyStopsBeforeAnyChange: when the undo file cannot be written or
// the warehouse cannot record the actions, nothing is sent.
func TestApplyStopsBeforeAnyChange(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *applyEnv)
		err   string
	}{
		{"undo file cannot be written", func(e *applyEnv) {
			if err := os.WriteFile(e.undo, []byte("{}"), 0o600); err != nil {
				panic(err)
			}
		}, "write the undo file (nothing was changed)"},
		{"warehouse not writable", func(e *applyEnv) { e.wh.writeErr = load.ErrBusy },
			"the warehouse must be writable to record the actions (nothing was changed)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items := []reclaim.Item{item("contoso", "u-1", "inactive"), item("contoso", "u-2", "inactive")}
			e := newApplyEnv(t, items)
			tc.setup(e)
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove, Items: items}
			err := e.applier().Apply(context.Background(), p, "plan.json", reclaim.ApplyOptions{Apply: true, Max: 50, UndoFile: e.undo})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error: got %v, want %q", err, tc.err)
			}
			if got := e.sent(); len(got) > 0 {
				t.Errorf("sent to assignLicense: got %v, want nothing", got)
			}
		})
	}
}

// TestUndoGuards: an undo is a dry run unless apply, and leaves alone a
// licence the user holds directly again.
func TestUndoGuards(t *testing.T) {
	restore := func(id string) reclaim.UndoUser {
		return reclaim.UndoUser{Tenant: "contoso", UserID: id, UsageLocation: "DE",
			Restore: []reclaim.License{{SkuID: e3, SkuPartNumber: "SPE_E3", DisabledPlans: []string{"plan-a"}}}}
	}
	tests := []struct {
		name    string
		apply   bool
		results []string
		sent    []string
	}{
		{"dry run unless --apply", false, []string{reclaim.ResultUnchanged, reclaim.ResultPending}, nil},
		{"with --apply", true, []string{reclaim.ResultUnchanged, reclaim.ResultOK}, []string{"u-gone"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newApplyEnv(t, nil)
			g := e.graphs["contoso"]
			g.beforeAssign = nil
			g.users["u-gone"] = extract.User{ID: "u-gone", UsageLocation: "DE"} // its E3 was removed
			u := &reclaim.Undo{PlanID: "plan-1", ApplyID: "apply-1", Operation: reclaim.OpRemove,
				Users: []reclaim.UndoUser{restore("u-1"), restore("u-gone")}}
			if err := e.applier().Undo(context.Background(), u, tc.apply); err != nil {
				t.Fatal(err)
			}
			if got := printedResults(e.out.String()); !slices.Equal(got, tc.results) {
				t.Errorf("results: got %v, want %v\n%s", got, tc.results, e.out.String())
			}
			if got := e.sent(); !slices.Equal(got, tc.sent) {
				t.Errorf("sent to assignLicense: got %v, want %v", got, tc.sent)
			}
			if got := fmt.Sprint(g.users["u-gone"].AssignedLicenses); tc.apply && got != "[{"+e3+" [plan-a]}]" {
				t.Errorf("u-gone after undo: got %s, want E3 with plan-a disabled", got)
			}
			if len(e.wh.actions) > 0 != tc.apply {
				t.Errorf("actions recorded: got %d, want them only with apply", len(e.wh.actions))
			}
		})
	}
}
