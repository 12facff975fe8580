package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// sizedSeats reads mart_rightsizing's rows of one rule: user id and from
// SKU id, and the to SKU ("" for none).
func (e *reclaimEnv) sizedSeats(rule string) map[string]string {
	e.t.Helper()
	m := map[string]string{}
	e.withDB(func(db *sql.DB) {
		rows, err := db.Query("SELECT user_id || '/' || from_sku_id, coalesce(to_sku, '') FROM mart_rightsizing WHERE rule = ?", rule)
		if err != nil {
			e.t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k, to string
			if err := rows.Scan(&k, &to); err != nil {
				e.t.Fatal(err)
			}
			m[k] = to
		}
		if err := rows.Err(); err != nil {
			e.t.Fatal(err)
		}
	})
	return m
}

// execWrite runs statements on the warehouse opened for writing, and
// closes it.
func (e *reclaimEnv) execWrite(q string, args ...any) {
	e.t.Helper()
	w, err := load.Open(context.Background(), e.wh)
	if err != nil {
		e.t.Fatalf("open warehouse: %v", err)
	}
	defer w.Close()
	if _, err := w.SQLForTests().Exec(q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
}

// planSeats checks that a plan's items are exactly want's seats, each with
// the rule as its reason and the row's evidence, and returns the users as
// the simulator has them now, by id.
func (e *reclaimEnv) planSeats(p *reclaim.Plan, rule string, want map[string]string) map[string]extract.User {
	e.t.Helper()
	got := map[string]string{}
	users := map[string]extract.User{}
	for _, it := range p.Items {
		got[it.UserID+"/"+it.SkuID] = it.ToSkuPartNumber
		users[it.UserID] = e.user(it.UserID)
		if it.Reason != rule || it.Rule != rule || !json.Valid(it.Evidence) || !strings.Contains(string(it.Evidence), `"rule"`) {
			e.t.Errorf("plan item %s %s: reason %q, rule %q, evidence %s; want %s and the row's evidence",
				it.UserID, it.SkuPartNumber, it.Reason, it.Rule, it.Evidence, rule)
		}
	}
	if p.Source != "rightsizing" || !maps.Equal(got, want) {
		e.t.Errorf("plan of %s from %s: got %d seats, want the %d rows of mart_rightsizing", rule, p.Source, len(got), len(want))
	}
	return users
}

// sameUsers checks that every user holds the licences (and disabled
// plans) it held before.
func (e *reclaimEnv) sameUsers(when string, before map[string]extract.User) {
	e.t.Helper()
	for id, u := range before {
		if got, want := licenceSet(e.user(id)), licenceSet(u); got != want {
			e.t.Errorf("user %s %s: got %s, want %s", id, when, got, want)
		}
	}
}

// TestReclaimRightsizing acts on mart_rightsizing through the real CLI,
// credential and TLS against the simulator with the mailbox, Apps and
// activations reports read:
//   - reclaim plan --rightsizing plans the shared mailboxes' licences
//     (rows with no replacement) and points to replace for the rest; the
//     dry run changes nothing; the apply removes them (actions rows and undo
//     file carry the rule); undo gives every licence back.
//   - reclaim replace --rightsizing --rule no_desktop_apps plans the
//     ENTERPRISEPACK and SPE_E3 downgrades; the simulator's STANDARDPACK is
//     suspended, so the free-units guard refuses every one of them, with the
//     numbers, and nothing changes.
//   - a downgrade the simulator can carry out: SPE_E5 to SPE_E3, three rows
//     written by the test under rule e5_extras_unused (the mart's own rows
//     of that rule, if any, deleted first), applied in one assignLicense
//     call per user; a row gone from the mart by apply time is refused;
//     undo puts E5 back.
func TestReclaimRightsizing(t *testing.T) {
	dir := t.TempDir()
	tenant := graphsim.Generate(graphsim.GenOptions{Users: 2500, Seed: 5, Now: time.Now().UTC()})
	srv := startTenant(t, tenant, graphsim.ServerOptions{Permissions: reclaimPerms})
	cfg, env := writeSimConfig(t, dir, srv)
	withSignals(t, cfg, "[apps_usage, office_activations, mailbox_usage]")
	e := &reclaimEnv{t: t, srv: srv, cfg: cfg, env: env, wh: filepath.Join(dir, "seatledger.duckdb"), dir: dir}
	e.mustRun(0, "run")
	mailboxes, downgrades := e.sizedSeats("shared_mailbox"), e.sizedSeats("no_desktop_apps")
	if len(mailboxes) == 0 || len(downgrades) == 0 {
		t.Fatalf("rightsizing rows: %d shared_mailbox, %d no_desktop_apps; want both, or the test proves nothing", len(mailboxes), len(downgrades))
	}

	t.Run("shared mailboxes: plan, dry run, apply, undo", func(t *testing.T) {
		e.t = t
		planPath := filepath.Join(dir, "mailboxes.json")
		out := e.mustRun(0, "reclaim", "plan", "--rightsizing", "--out", planPath)
		if !strings.Contains(out, fmt.Sprintf("note: %d matching rightsizing rows replace their SKU", len(downgrades))) ||
			!strings.Contains(out, "reclaim replace --rightsizing plans them") {
			t.Errorf("plan output: want a note pointing the %d downgrades to replace:\n%s", len(downgrades), out)
		}
		p := readPlan(t, planPath)
		users := e.planSeats(p, "shared_mailbox", mailboxes)
		before := e.consumed()

		out = e.mustRun(0, "reclaim", "apply", "--plan", planPath)
		if !strings.Contains(out, "dry run of plan "+p.ID) || !sameCounts(before, e.consumed()) || len(e.actions(reclaim.OpRemove)) > 0 {
			t.Fatalf("dry run: want a dry-run line, no change and no actions rows:\n%s", out)
		}
		e.sameUsers("after the dry run", users)

		e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply", "--max", "1000")
		got := e.actions(reclaim.OpRemove)
		if got["ok"] == 0 || got["ok"]+got["group_only"]+got["refused"] != int64(len(p.Items)) {
			t.Errorf("actions after apply: got %v, want some ok of %d, the rest group_only or refused", got, len(p.Items))
		}
		if reasons := e.counts("SELECT reason, count(*) FROM actions GROUP BY ALL"); !maps.Equal(reasons, map[string]int64{"shared_mailbox": int64(len(p.Items))}) {
			t.Errorf("actions reasons: got %v, want shared_mailbox on all %d rows", reasons, len(p.Items))
		}
		t.Logf("shared_mailbox rows: %d, actions %v", len(p.Items), got)
		freed := e.freedByOK(t, users)
		if down := sum(before) - sum(e.consumed()); down != freed || freed == 0 {
			t.Errorf("simulator consumed units: down by %d, want %d freed seats", down, freed)
		}
		undoFiles, _ := filepath.Glob(filepath.Join(dir, "mailboxes.undo-*.json"))
		if len(undoFiles) != 1 {
			t.Fatalf("undo files: got %v, want one", undoFiles)
		}
		if data, err := os.ReadFile(undoFiles[0]); err != nil || !strings.Contains(string(data), `"reason": "shared_mailbox"`) {
			t.Errorf("undo file %s: want the rule shared_mailbox as reason (%v)", undoFiles[0], err)
		}
		e.mustRun(0, "reclaim", "undo", "--undo-file", undoFiles[0], "--apply")
		if got := e.consumed(); !sameCounts(before, got) {
			t.Errorf("consumed units after undo: got %v, want %v", got, before)
		}
		e.sameUsers("after undo", users)
		if undo := e.counts("SELECT reason || ' ' || result, count(*) FROM actions WHERE operation = 'undo' GROUP BY ALL"); undo["shared_mailbox ok"] != got["ok"] {
			t.Errorf("undo actions: got %v, want %d shared_mailbox ok", undo, got["ok"])
		}
	})

	t.Run("no_desktop_apps: STANDARDPACK suspended, all refused", func(t *testing.T) {
		e.t = t
		planPath := filepath.Join(dir, "downgrades.json")
		before := e.consumed()
		out := e.mustRun(0, "reclaim", "replace", "--rightsizing", "--rule", "no_desktop_apps", "--out", planPath, "--apply", "--max", "1000")
		p := readPlan(t, planPath)
		users := e.planSeats(p, "no_desktop_apps", downgrades)
		got := e.actions(reclaim.OpReplace)
		if got["refused"] == 0 || got["ok"] != 0 || got["refused"]+got["group_only"] != int64(len(p.Items)) {
			t.Errorf("replace actions: got %v, want every one of %d refused (or group_only), none ok", got, len(p.Items))
		}
		t.Logf("no_desktop_apps rows: %d, actions %v", len(p.Items), got)
		units := e.counts(`SELECT 'refused', count(*) FROM actions WHERE operation = 'replace'
			AND error_message LIKE 'STANDARDPACK: % licences to assign, 0 free units (0 enabled + 0 warning - %'`)
		if units["refused"] != got["refused"] {
			t.Errorf("replace actions: %d refused for want of STANDARDPACK units, want all %d refused", units["refused"], got["refused"])
		}
		if !strings.Contains(out, "STANDARDPACK: ") || !strings.Contains(out, " free units (0 enabled + 0 warning - ") {
			t.Errorf("replace output: want the free-units refusal naming STANDARDPACK's numbers:\n%s", out)
		}
		if !sameCounts(before, e.consumed()) {
			t.Error("a refused replace changed consumed units")
		}
		e.sameUsers("after a refused replace", users)
		if files, _ := filepath.Glob(filepath.Join(dir, "downgrades.undo-*.json")); len(files) != 0 {
			t.Errorf("undo files: got %v, want none (nothing to change)", files)
		}
	})

	t.Run("SPE_E5 to SPE_E3: apply, a row gone refused, undo", func(t *testing.T) {
		e.t = t
		const e3, e5 = "05e9a617-0261-4cee-bb44-138d3ef5d965", "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
		var ids []string
		tn := e.srv.Tenant()
		for i := 0; i < tn.UserCount() && len(ids) < 3; i++ {
			if u := tn.User(i); freedBy(u, e5) == 1 && !holds(u, e3) && u.UsageLocation != "" {
				ids = append(ids, u.ID)
			}
		}
		if len(ids) < 3 {
			t.Fatalf("E5 holders to downgrade: got %d, want 3", len(ids))
		}
		e.execWrite("DELETE FROM mart_rightsizing WHERE rule = 'e5_extras_unused'")
		e.execWrite(`INSERT INTO mart_rightsizing (tenant, as_of, user_id, user_principal_name, from_sku, to_sku, rule,
				evidence, annual_saving, reducible_from, confidence, currency, from_sku_id, display_name, department, cost_center)
			SELECT tenant, as_of, user_id, user_principal_name, sku_part_number, 'SPE_E3', 'e5_extras_unused',
				'{"rule":"e5_extras_unused","why":"written by the test"}', NULL, as_of, 'review', NULL, sku_id,
				display_name, department, cost_center
			FROM mart_user_licenses WHERE sku_id = ? AND user_id IN (?, ?, ?)`, e5, ids[0], ids[1], ids[2])
		planPath := filepath.Join(dir, "e5.json")
		before := e.consumed()
		out := e.mustRun(0, "reclaim", "replace", "--rightsizing", "--rule", "e5_extras_unused", "--out", planPath)
		if !strings.Contains(out, "3 would_change") || !sameCounts(before, e.consumed()) {
			t.Fatalf("replace dry run: want 3 would_change and no change:\n%s", out)
		}
		p := readPlan(t, planPath)
		want := map[string]string{}
		for _, id := range ids {
			want[id+"/"+e5] = "SPE_E3"
		}
		users := e.planSeats(p, "e5_extras_unused", want)
		e.execWrite("DELETE FROM mart_rightsizing WHERE user_id = ? AND rule = 'e5_extras_unused'", ids[2])

		out = e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply")
		if !strings.Contains(out, "no longer a rightsizing row (rule e5_extras_unused) in the latest snapshot") {
			t.Errorf("apply output: want the row gone from the mart refused:\n%s", out)
		}
		for i, id := range ids {
			u := e.user(id)
			if downgraded := holds(u, e3) && !holds(u, e5); downgraded != (i < 2) {
				t.Errorf("user %s after apply: %v; want downgraded %t", id, u.AssignedLicenses, i < 2)
			}
		}
		rows := e.counts(`SELECT result || ' ' || reason || ' ' || sku_part_number || '>' || to_sku_part_number, count(*)
			FROM actions WHERE operation = 'replace' AND reason = 'e5_extras_unused' GROUP BY ALL`)
		if !maps.Equal(rows, map[string]int64{"ok e5_extras_unused SPE_E5>SPE_E3": 2, "refused e5_extras_unused SPE_E5>SPE_E3": 1}) {
			t.Errorf("actions: got %v, want 2 ok and 1 refused, each with the rule", rows)
		}
		undoFiles, _ := filepath.Glob(filepath.Join(dir, "e5.undo-*.json"))
		if len(undoFiles) != 1 {
			t.Fatalf("undo files: got %v, want one", undoFiles)
		}
		e.mustRun(0, "reclaim", "undo", "--undo-file", undoFiles[0], "--apply")
		e.sameUsers("after undo", users)
		if got := e.consumed(); !sameCounts(before, got) {
			t.Errorf("consumed units after undo: got %v, want %v", got, before)
		}
	})
}
