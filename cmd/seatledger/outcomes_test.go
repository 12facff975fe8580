package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestOutcomesOverNights follows reclaimed seats through four simulated
// nights, the binary's clock set by SEATLEDGER_NOW and every change made
// through the real client against the simulator:
//
//	night 1  run; reclaim 4 seats of SPE_E3 (remove, applied)
//	night 2  run: 4 freed, nothing realised; assign SPE_E3 to a new user
//	         (a freed seat reused) and back to one reclaimed user (given back)
//	night 3  run: 1 given back, 1 reused, 2 freed; the renewal buys 2 seats
//	         fewer
//	night 4  run: 1 given back, 2 cut at renewal, 1 reused
//
// Each night's outcomes are in mart_reclaim_outcomes_history, the latest
// in mart_reclaim_outcomes, the workbook's Outcomes sheet and the lake.
func TestOutcomesOverNights(t *testing.T) {
	srv, cfg, env, wh := simServe(t, 1500, graphsim.ServerOptions{Permissions: append(assignPerms, "GroupMember.ReadWrite.All")})
	e := &reclaimEnv{t: t, srv: srv, cfg: cfg, env: env, wh: wh, dir: filepath.Dir(cfg)}
	first := srv.Tenant().Now().UTC().Truncate(24 * time.Hour)
	at := func(night, hour int) {
		e.env = append(slices.Clone(env), "SEATLEDGER_NOW="+first.AddDate(0, 0, night-1).Add(time.Duration(hour)*time.Hour).Format(time.RFC3339))
	}
	const sku, annual = "SPE_E3", 36 * 12 // servePricing: 36 a month
	outcomes := func(night int) map[string]int64 {
		return e.counts(`SELECT outcome, count(*) FROM mart_reclaim_outcomes_history WHERE snapshot_date = ? GROUP BY ALL`,
			first.AddDate(0, 0, night-1).Format(time.DateOnly))
	}

	at(1, 3)
	e.mustRun(0, "run")
	removed := e.directCandidates(sku, 4)
	csvPath := filepath.Join(e.dir, "reclaim.csv")
	writeFile(t, csvPath, "ObjectId,SkuPartNumber\n"+strings.Join(removed, ","+sku+"\n")+","+sku+"\n")
	at(1, 10)
	planPath := filepath.Join(e.dir, "reclaim.json")
	e.mustRun(0, "reclaim", "plan", "--csv", csvPath, "--out", planPath)
	e.mustRun(0, "reclaim", "apply", "--plan", planPath, "--apply")
	if got := e.actions("remove"); got["ok"] != 4 {
		t.Fatalf("reclaim apply: actions %v, want 4 ok", got)
	}

	at(2, 3)
	e.mustRun(0, "run")
	if got := outcomes(2); fmt.Sprint(got) != "map[freed:4]" {
		t.Errorf("night 2 outcomes: got %v, want 4 freed", got)
	}
	newcomer := e.newcomer(removed)
	assignCSV := filepath.Join(e.dir, "assign.csv")
	writeFile(t, assignCSV, "ObjectId\n"+newcomer+"\n"+removed[0]+"\n")
	at(2, 10)
	assignPlan := filepath.Join(e.dir, "assign.json")
	e.mustRun(0, "assign", "plan", "--sku", sku, "--csv", assignCSV, "--out", assignPlan)
	e.mustRun(0, "assign", "apply", "--plan", assignPlan, "--apply")

	at(3, 3)
	e.mustRun(0, "run")
	if got := outcomes(3); fmt.Sprint(got) != "map[freed:2 given_back:1 reused:1]" {
		t.Errorf("night 3 outcomes: got %v, want 1 given back, 1 reused, 2 freed", got)
	}
	var units int64
	for _, k := range srv.Tenant().SKUs() {
		if k.SkuPartNumber == sku {
			units = k.PrepaidUnits.Enabled
		}
	}
	if err := srv.Tenant().Renew(sku, units-2); err != nil {
		t.Fatal(err)
	}

	at(4, 3)
	e.mustRun(0, "run")
	if got := outcomes(4); fmt.Sprint(got) != "map[cut_at_renewal:2 given_back:1 reused:1]" {
		t.Errorf("night 4 outcomes: got %v, want 1 given back, 2 cut at renewal, 1 reused", got)
	}
	realised := e.counts(`SELECT outcome || ' ' || CAST(realised_annual_savings AS VARCHAR) || ' ' || CAST(promised_annual_savings AS VARCHAR), count(*)
		FROM mart_reclaim_outcomes GROUP BY ALL`)
	want := map[string]int64{
		fmt.Sprintf("given_back 0.00 %d.00", annual):              1,
		fmt.Sprintf("cut_at_renewal %d.00 %d.00", annual, annual): 2,
		fmt.Sprintf("reused %d.00 %d.00", annual, annual):         1,
	}
	if fmt.Sprint(realised) != fmt.Sprint(want) {
		t.Errorf("latest outcomes with realised and promised savings: got %v, want %v", realised, want)
	}
	if n := e.counts(`SELECT 'nights', count(DISTINCT snapshot_date) FROM mart_reclaim_outcomes_history`)["nights"]; n != 3 {
		t.Errorf("nights with outcomes in the history: got %d, want 3 (none before the reclaim)", n)
	}

	// The workbook of night 4: four seats, and 3 × the annual price realised.
	book := filepath.Join(e.dir, "reports", "seatledger-"+first.AddDate(0, 0, 3).Format(time.DateOnly)+".xlsx")
	rows := openXLSX(t, book).rows("Outcomes")
	seats, subtotal := 0, false
	for _, r := range rows {
		switch {
		case slices.ContainsFunc(removed, func(id string) bool { return slices.Contains(r, id) }):
			seats++
		case slices.Contains(r, fmt.Sprint(3*annual)) && slices.Contains(r, fmt.Sprint(4*annual)):
			subtotal = true // realised beside promised
		}
	}
	if seats != 4 || !subtotal {
		t.Errorf("Outcomes sheet: %d seats, subtotal found %v; want 4 seats and %d realised of %d promised\n%v",
			seats, subtotal, 3*annual, 4*annual, rows)
	}

	// The lake: a partition per night, the first one without rows.
	lake := filepath.Join(e.dir, "lake")
	e.mustRun(0, "export", "--dir", lake)
	for night, want := range []int64{0, 4, 4, 4} {
		date := first.AddDate(0, 0, night).Format(time.DateOnly)
		file := filepath.Join(lake, "mart_reclaim_outcomes_history", "tenant=contoso", "snapshot_date="+date, "data_0.parquet")
		e.withDB(func(db *sql.DB) {
			var n int64
			if err := db.QueryRow("SELECT count(*) FROM read_parquet(?)", file).Scan(&n); err != nil || n != want {
				t.Errorf("lake, night %d: got %d rows (%v), want %d", night+1, n, err, want)
			}
		})
	}
	latest, _ := filepath.Glob(filepath.Join(lake, "mart_reclaim_outcomes", "tenant=contoso", "snapshot_date=*", "data_0.parquet"))
	if len(latest) != 1 || !strings.Contains(latest[0], first.AddDate(0, 0, 3).Format(time.DateOnly)) {
		t.Errorf("lake partitions of mart_reclaim_outcomes: got %v, want night 4's", latest)
	}
}

// directCandidates are n users holding sku directly (and through no
// group) who are reclamation candidates for it in the latest snapshot.
func (e *reclaimEnv) directCandidates(sku string, n int) []string {
	e.t.Helper()
	var ids []string
	for key := range e.counts(`SELECT c.user_id, 1 FROM mart_reclamation_candidates c
		WHERE c.sku_part_number = ? AND c.action = 'remove_direct'`, sku) {
		if u := e.user(key); u.UsageLocation != "" {
			ids = append(ids, key)
		}
	}
	slices.Sort(ids)
	if len(ids) < n {
		e.t.Fatalf("%s: %d direct candidates with a usage location, want %d", sku, len(ids), n)
	}
	return ids[:n]
}

// newcomer is an enabled member with a usage location who holds no
// licence and is none of the users in not (reclaimed users may hold
// nothing now).
func (e *reclaimEnv) newcomer(not []string) string {
	e.t.Helper()
	tn := e.srv.Tenant()
	for i := range tn.UserCount() {
		u := tn.User(i)
		if len(u.AssignedLicenses) == 0 && u.AccountEnabled && u.UserType == "Member" && u.UsageLocation != "" && !slices.Contains(not, u.ID) {
			return u.ID
		}
	}
	e.t.Fatal("simulated tenant: no unlicensed member with a usage location")
	return ""
}
