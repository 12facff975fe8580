package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

var reclaimPerms = append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)

// reclaimEnv is a simulated tenant with one snapshot in its warehouse.
type reclaimEnv struct {
	t   *testing.T
	srv *graphsim.Server
	cfg string
	env []string
	wh  string
	dir string
}

func newReclaimEnv(t *testing.T, users int, opts graphsim.ServerOptions) *reclaimEnv {
	t.Helper()
	srv, cfg, env, wh := simTenant(t, users, opts)
	e := &reclaimEnv{t: t, srv: srv, cfg: cfg, env: env, wh: wh, dir: filepath.Dir(cfg)}
	e.mustRun(0, "run")
	return e
}

// mustRun runs the binary with --config and wants exit code want.
func (e *reclaimEnv) mustRun(want int, args ...string) string {
	e.t.Helper()
	out, errOut, code := runBinary(e.t, e.env, append(args, "--config", e.cfg)...)
	if code != want {
		e.t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, out, errOut)
	}
	return out + errOut
}

// withDB runs fn on the warehouse opened read-only, and closes it: the
// next command needs the file to itself.
func (e *reclaimEnv) withDB(fn func(db *sql.DB)) {
	e.t.Helper()
	w, err := load.OpenReadOnly(context.Background(), e.wh)
	if err != nil {
		e.t.Fatalf("open warehouse: %v", err)
	}
	defer w.Close()
	fn(w.SQLForTests())
}

// consumed is the simulator's consumed units per SKU id.
func (e *reclaimEnv) consumed() map[string]int64 {
	m := map[string]int64{}
	for _, s := range e.srv.Tenant().SKUs() {
		m[s.SkuID] = s.ConsumedUnits
	}
	return m
}

// snapshotConsumed is consumed_units per SKU id in the latest snapshot.
func (e *reclaimEnv) snapshotConsumed() map[string]int64 {
	e.t.Helper()
	return e.counts("SELECT sku_id, consumed_units FROM raw_subscribed_skus")
}

func (e *reclaimEnv) user(id string) extract.User {
	e.t.Helper()
	i, ok := e.srv.Tenant().Lookup(id)
	if !ok {
		e.t.Fatalf("no user %s", id)
	}
	return e.srv.Tenant().User(i)
}

// actions reads the actions table: result counts of one operation.
func (e *reclaimEnv) actions(op string) map[string]int64 {
	e.t.Helper()
	return e.counts("SELECT result, count(*) FROM actions WHERE operation = ? GROUP BY ALL", op)
}

// counts reads a query of (key, number) rows into a map.
func (e *reclaimEnv) counts(q string, args ...any) map[string]int64 {
	e.t.Helper()
	m := map[string]int64{}
	e.withDB(func(db *sql.DB) {
		rows, err := db.Query(q, args...)
		if err != nil {
			e.t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				e.t.Fatal(err)
			}
			m[k] = n
		}
	})
	return m
}

func readPlan(t *testing.T, path string) *reclaim.Plan {
	t.Helper()
	p, err := reclaim.ReadPlan(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// freedByOK counts the seats the ok removals in actions free (users: each
// user as planned) and checks that each removal that frees one left the
// user without the SKU in the simulator.
func (e *reclaimEnv) freedByOK(t *testing.T, users map[string]extract.User) int64 {
	t.Helper()
	var freed int64
	for key := range e.counts("SELECT user_id || '/' || sku_id, 1 FROM actions WHERE result = 'ok'") {
		id, sku, _ := strings.Cut(key, "/")
		freed += freedBy(users[id], sku)
		if holds(e.user(id), sku) && freedBy(users[id], sku) == 1 {
			t.Errorf("user %s still holds %s after an ok removal", id, sku)
		}
	}
	return freed
}

// freedBy counts the seats a removal frees: held directly and through no
// group.
func freedBy(u extract.User, sku string) int64 {
	direct, group := false, false
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID == sku {
			direct, group = direct || s.AssignedByGroup == "", group || s.AssignedByGroup != ""
		}
	}
	if direct && !group {
		return 1
	}
	return 0
}

// TestReclaimRoundTrip plans from the candidates, dry-runs, applies with
// a cap, checks the simulator's seats, the next snapshot, the actions
// table and the undo file; then undoes and checks every seat and every
// disabled plan is back.
func TestReclaimRoundTrip(t *testing.T) {
	e := newReclaimEnv(t, 1500, graphsim.ServerOptions{Permissions: reclaimPerms, ThrottleRate: 0.05, Seed: 3})
	before, snapBefore := e.consumed(), e.snapshotConsumed()
	// Only SKUs with seats to spare: Graph re-assigns no licence of a
	// suspended or over-assigned subscription, so their undo would fail.
	var skus []string
	for _, k := range e.srv.Tenant().SKUs() {
		if (k.CapabilityStatus == "Enabled" || k.CapabilityStatus == "Warning") && k.ConsumedUnits <= k.PrepaidUnits.Enabled+k.PrepaidUnits.Warning {
			skus = append(skus, k.SkuPartNumber)
		}
	}
	planPath := filepath.Join(e.dir, "plan.json")
	e.mustRun(0, "reclaim", "plan", "--reason", "disabled_account,redundant", "--sku", strings.Join(skus, ","), "--out", planPath)
	p := readPlan(t, planPath)
	if info, err := os.Stat(planPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode: got %v (%v), want 0600", info.Mode().Perm(), err)
	}
	groupItems := 0
	users := map[string]extract.User{}
	for _, it := range p.Items {
		if it.Reason != "disabled_account" && it.Reason != "redundant" {
			t.Errorf("plan item %s %s: reason %s outside --reason", it.UserID, it.SkuPartNumber, it.Reason)
		}
		if it.Action == "remove_from_group" {
			groupItems++
		}
		users[it.UserID] = e.user(it.UserID)
	}
	if len(p.Items) < 40 || groupItems == 0 {
		t.Fatalf("plan: %d items, %d group-only; want at least 40 with some group-only", len(p.Items), groupItems)
	}

	out := e.mustRun(0, "reclaim", "apply", "--plan", planPath)
	if !strings.Contains(out, "dry run of plan "+p.ID) || !sameCounts(before, e.consumed()) {
		t.Fatalf("dry run: want no change and a dry-run line:\n%s", out)
	}

	const max = 30
	out = e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply", "--max", fmt.Sprint(max))
	got := e.actions(reclaim.OpRemove)
	if got["ok"] != max || got["group_only"] != int64(groupItems) || got["ok"]+got["group_only"]+got["deferred"]+got["refused"] != int64(len(p.Items)) {
		t.Errorf("actions after apply: got %v, want %d ok, %d group_only and the rest deferred or refused of %d", got, max, groupItems, len(p.Items))
	}
	if !strings.Contains(out, "no usageLocation") && got["refused"] > 0 {
		t.Errorf("apply output: want refusals to name the missing usageLocation:\n%s", out)
	}
	if !strings.Contains(out, "group_only") || !strings.Contains(out, "groups ") {
		t.Errorf("apply output: want group-only rows naming their groups:\n%s", out)
	}
	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "plan.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	freed := e.freedByOK(t, users)
	after := e.consumed()
	if sum(before)-sum(after) != freed || freed == 0 {
		t.Errorf("simulator consumed units: down by %d, want %d freed seats", sum(before)-sum(after), freed)
	}
	e.mustRun(0, "run")
	if snap := e.snapshotConsumed(); sum(snapBefore)-sum(snap) != freed {
		t.Errorf("next snapshot consumed units: down by %d, want %d", sum(snapBefore)-sum(snap), freed)
	}

	out = e.mustRun(0, "reclaim", "undo", "--undo-file", undoFiles[0])
	if !strings.Contains(out, fmt.Sprintf("%d would_change", max)) {
		t.Errorf("undo dry run: want %d would_change:\n%s", max, out)
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
	if got := e.actions(reclaim.OpUndo); got["ok"] != max {
		t.Errorf("undo actions: got %v, want %d ok", got, max)
	}
	e.mustRun(0, "run")
	if snap := e.snapshotConsumed(); !sameCounts(snapBefore, snap) {
		t.Errorf("snapshot after undo: got %v, want %v", snap, snapBefore)
	}
	if st := e.srv.Stats(); st.Count("assignLicense", 429) == 0 {
		t.Logf("no assignLicense item was throttled this time (seeded rate 5%%): %v", st.Requests["assignLicense"])
	}
}

// licenceSet prints a user's licences and disabled plans in SKU order.
func licenceSet(u extract.User) string {
	l := slices.Clone(u.AssignedLicenses)
	slices.SortFunc(l, func(a, b extract.AssignedLicense) int { return strings.Compare(a.SkuID, b.SkuID) })
	return fmt.Sprint(l)
}

func holds(u extract.User, sku string) bool {
	return slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == sku })
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func sameCounts(a, b map[string]int64) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// TestReclaimReplaceCSV replaces E3 with E5 for two users listed by
// ObjectId in a CSV with a BOM and CRLF (the simulator has spare E5
// seats; a downgrade is the same call): one user has a usage location and
// is replaced, the other has none and Graph refuses the add. The apply is a partial failure (exit 3)
// and both rows are in the actions table.
func TestReclaimReplaceCSV(t *testing.T) {
	e := newReclaimEnv(t, 1500, graphsim.ServerOptions{Permissions: reclaimPerms})
	const e3, e5 = "05e9a617-0261-4cee-bb44-138d3ef5d965", "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
	var located, unlocated extract.User
	tn := e.srv.Tenant()
	for i := 0; i < tn.UserCount(); i++ {
		u := tn.User(i)
		if freedBy(u, e3) == 0 || holds(u, e5) {
			continue
		}
		if u.UsageLocation == "" && unlocated.ID == "" {
			unlocated = u
		} else if u.UsageLocation != "" && located.ID == "" {
			located = u
		}
	}
	if located.ID == "" || unlocated.ID == "" {
		t.Fatal("the tenant lacks E3 holders with and without a usage location")
	}
	csvPath := filepath.Join(e.dir, "users.csv")
	writeFile(t, csvPath, "\ufeffObjectId,SkuPartNumber\r\n"+located.ID+",SPE_E3\r\n"+unlocated.ID+",spe_e3\r\n")
	out, _, code := runBinary(t, e.env, "reclaim", "replace", "--config", e.cfg, "--from", "SPE_E3", "--to", "SPE_E5", "--csv", csvPath)
	if code != 2 {
		t.Fatalf("replace of non-candidates without --force-listed: exit %d, want 2\n%s", code, out)
	}
	planPath := filepath.Join(e.dir, "replace.json")
	out = e.mustRun(3, "reclaim", "replace", "--from", "SPE_E3", "--to", "SPE_E5", "--csv", csvPath,
		"--force-listed", "--out", planPath, "--apply")
	if !strings.Contains(out, "usage location") {
		t.Errorf("replace output: want the usage location error:\n%s", out)
	}
	if u := e.user(located.ID); !holds(u, e5) || holds(u, e3) {
		t.Errorf("located user after replace: got %v, want E5 and no E3", u.AssignedLicenses)
	}
	if u := e.user(unlocated.ID); holds(u, e5) || !holds(u, e3) {
		t.Errorf("user without usage location: got %v, want E3 kept and no E5", u.AssignedLicenses)
	}
	if got := e.actions(reclaim.OpReplace); got["ok"] != 1 || got["failed"] != 1 {
		t.Errorf("replace actions: got %v, want 1 ok and 1 failed", got)
	}
	e.withDB(func(db *sql.DB) {
		var code, msg string
		if err := db.QueryRow("SELECT error_code, error_message FROM actions WHERE result = 'failed'").Scan(&code, &msg); err != nil ||
			code != "Request_BadRequest" || !strings.Contains(msg, "usage location") {
			t.Errorf("failed row: got %s %q (%v), want Request_BadRequest about the usage location", code, msg, err)
		}
	})
	undoFiles, _ := filepath.Glob(filepath.Join(e.dir, "replace.undo-*.json"))
	if len(undoFiles) != 1 {
		t.Fatalf("undo files: got %v, want one", undoFiles)
	}
	var undo reclaim.Undo
	data, _ := os.ReadFile(undoFiles[0])
	if err := json.Unmarshal(data, &undo); err != nil || len(undo.Users) != 2 {
		t.Fatalf("undo file: got %d users (%v), want 2 (written before both calls)", len(undo.Users), err)
	}
	e.mustRun(0, "reclaim", "undo", "--undo-file", undoFiles[0], "--apply")
	if u := e.user(located.ID); holds(u, e5) || !holds(u, e3) {
		t.Errorf("located user after undo: got %v, want E3 back and no E5", u.AssignedLicenses)
	}
}

// TestReclaimConcealedRefused: a plan of activity-based reasons is not
// acted on once the tenant's latest report conceals user names.
func TestReclaimConcealedRefused(t *testing.T) {
	e := newReclaimEnv(t, 800, graphsim.ServerOptions{Permissions: reclaimPerms})
	planPath := filepath.Join(e.dir, "plan.json")
	e.mustRun(0, "reclaim", "plan", "--reason", "inactive,never_used", "--out", planPath)
	n := len(readPlan(t, planPath).Items)
	e.srv.Tenant().SetReportSettings(extract.ReportSettings{DisplayConcealedNames: true})
	e.mustRun(0, "run")
	before := e.consumed()
	out := e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply")
	if !strings.Contains(out, fmt.Sprintf("%d refused", n)) || !strings.Contains(out, "conceals user names") {
		t.Errorf("apply on a concealed tenant: want all %d refused for concealment:\n%s", n, out)
	}
	if !sameCounts(before, e.consumed()) {
		t.Error("apply on a concealed tenant changed licences")
	}
	if got := e.actions(reclaim.OpRemove); got["refused"] != int64(n) {
		t.Errorf("actions: got %v, want %d refused", got, n)
	}
}

// TestReclaimCSVProblems: every bad row is named with its line number and
// no plan is written.
func TestReclaimCSVProblems(t *testing.T) {
	e := newReclaimEnv(t, 300, graphsim.ServerOptions{})
	var u extract.User
	for i := 0; u.ID == ""; i++ {
		if v := e.srv.Tenant().User(i); len(v.AssignedLicenses) > 0 {
			u = v
		}
	}
	csvPath := filepath.Join(e.dir, "bad.csv")
	writeFile(t, csvPath, "UserPrincipalName,SkuPartNumber\r\n"+u.UserPrincipalName+",NO_SUCH_SKU\r\n,SPE_E3\r\nnobody@example.com,SPE_E3\r\n")
	out, errOut, code := runBinary(t, e.env, "reclaim", "plan", "--config", e.cfg, "--csv", csvPath, "--out", filepath.Join(e.dir, "p.json"))
	if code != 2 {
		t.Fatalf("plan: exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"line 2: user " + u.ID + " does not hold NO_SUCH_SKU", "line 3: no UserPrincipalName or ObjectId", "line 4: UserPrincipalName: no licensed user"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "nobody@example.com") {
		t.Error("a user principal name appears in the error output")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "p.json")); !os.IsNotExist(err) {
		t.Errorf("plan file: got %v, want none written", err)
	}
}
