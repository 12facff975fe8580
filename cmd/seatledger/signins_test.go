package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/transform"
)

// powerBIProSKU is Power BI Pro's skuId; spE5SKU Microsoft 365 E5's.
const (
	powerBIProSKU = "f8a1db68-be16-40ed-86d5-cb42ce701560"
	spE5SKU       = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
)

// TestSignInsLand runs `seatledger run` two nights against the simulator
// with the sign-in datasets (through its 429s at 5 requests per window)
// and inactivity_days 30, and compares with answers derived by hand from
// the simulator's own data: every idle Power BI Pro seat (no successful
// Power BI sign-in in the window: idle for the window's length; else idle
// since the last one), every e5_extras_unused row, and no suite called
// idle whose user signed in within 30 days. The second night reads only
// the logs since the first night's read, and its window chains back to the
// first read's start. A tenant without Entra ID P1/P2 gives a finding,
// not a degraded run.
func TestSignInsLand(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Second)
	gen := graphsim.GenOptions{Users: 2000, Seed: 11, Now: start}
	tenant := graphsim.Generate(gen)
	dir := t.TempDir()
	wh := filepath.Join(dir, "seatledger.duckdb")
	// One address for both nights: the users delta link of the first
	// night must reach the second night's server.
	addr := freeAddr(t)
	throttled := 0
	nights := []*graphsim.Tenant{tenant}
	for night := range 2 {
		if night > 0 {
			gen.Day, gen.Now = night, start.AddDate(0, 0, night)
			tenant = graphsim.Generate(gen)
			nights = append(nights, tenant)
		}
		srv := startTenant(t, tenant, graphsim.ServerOptions{Addr: addr, Permissions: graphsim.SignInPermissions, SignInThrottleWindow: 2 * time.Second})
		cfg, env := writeSimConfig(t, dir, srv)
		withSignals(t, cfg, "[signin_activity, powerbi_signins]")
		writeFile(t, cfg, readText(t, cfg)+"rules:\n  inactivity_days: 30\n")
		env = append(env, "SEATLEDGER_NOW="+gen.Now.Format(time.RFC3339))
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("night %d: run: exit %d\n%s\n%s", night+1, code, out, errOut)
		}
		got := readDatasets(t, wh)
		for _, name := range []string{"signin_activity", "powerbi_signins"} {
			if g := got[name]; !g.ok || g.err != "" {
				t.Fatalf("night %d: %s: got %+v, want read whole", night+1, name, g)
			}
		}
		throttled += int(srv.FaultCounts().ReportThrottled)
		srv.Close()
	}
	if throttled == 0 {
		t.Error("no sign-in request was throttled: the test proves no wait on a 429")
	}
	db := openWarehouse(t, wh)
	// The windows read: the first night the logs' 30 days, the second from
	// where the first ended; the snapshot's window chains back to the first.
	var reads []string
	rows, err := db.Query(`SELECT strftime(timezone('UTC', window_from), '%Y-%m-%dT%H:%M:%SZ') || '/' ||
		strftime(timezone('UTC', window_to), '%Y-%m-%dT%H:%M:%SZ') FROM raw_signin_log_reads_versions ORDER BY window_to`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		reads = append(reads, s)
	}
	rows.Close()
	if len(reads) != 2 {
		t.Fatalf("sign-in log reads: got %v, want two", reads)
	}
	first, second := strings.Split(reads[0], "/"), strings.Split(reads[1], "/")
	firstFrom, _ := time.Parse(time.RFC3339, first[0])
	firstTo, _ := time.Parse(time.RFC3339, first[1])
	if firstTo.Sub(firstFrom) != 30*24*time.Hour || second[0] != first[1] {
		t.Errorf("reads %v: want 30 days, then from where the first ended", reads)
	}
	until, _ := time.Parse(time.RFC3339, second[1])
	cat, err := transform.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	checkPowerBIVerdicts(t, []nightRead{{nights[0], firstFrom, firstTo}, {nights[1], firstTo, until}}, cat, wh)
	checkKeptActiveBySignIn(t, tenant, cat, wh)

	t.Run("no Entra ID P1/P2", func(t *testing.T) {
		gen := graphsim.GenOptions{Users: 300, Seed: 11, Now: start, NoEntraPremium: true}
		dir := t.TempDir()
		srv := startTenant(t, graphsim.Generate(gen), graphsim.ServerOptions{Permissions: graphsim.SignInPermissions, SignInThrottle: -1})
		cfg, env := writeSimConfig(t, dir, srv)
		withSignals(t, cfg, "[signin_activity, powerbi_signins]")
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
		}
		wh := filepath.Join(dir, "seatledger.duckdb")
		if st := readStateOf(t, wh, false); st.lastStatus != "ok" {
			t.Errorf("run status %s, want ok: a tenant without premium cannot have sign-in data", st.lastStatus)
		}
		db := openWarehouse(t, wh)
		var findings []string
		rows, err := db.Query(`SELECT severity || '|' || subject || '|' || (detail LIKE '%premium license%')::VARCHAR
			FROM mart_findings WHERE code = 'signal_unavailable' ORDER BY subject`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				t.Fatal(err)
			}
			findings = append(findings, f)
		}
		if want := []string{"info|powerbi_signins|true", "info|signin_activity|true"}; !slices.Equal(findings, want) {
			t.Errorf("findings: got %v, want %v", findings, want)
		}
	})
}

// checkPowerBIVerdicts derives by hand, from the simulator's sign-in log
// as each night's read saw it,
// which Power BI Pro seats are inactive (with inactivity_days 30 and grace
// 30: no successful Power BI sign-in between the first read's start and
// the last read's end makes a seat idle for the window's length, from its
// start's UTC day to the snapshot's; a sign-in makes it idle since that
// day, up to as_of), and which E5 seats are e5_extras_unused (no Power BI
// sign-in in the window through any licence), and compares both with the
// warehouse. No Power BI Pro seat may be never_used.
func checkPowerBIVerdicts(t *testing.T, reads []nightRead, cat *transform.SKUCatalog, path string) {
	t.Helper()
	tenant := reads[len(reads)-1].tenant
	asOf := tenant.ReportRefreshDate()
	windowDays := days(reads[0].from, utcDay(reads[len(reads)-1].until))
	wantIdle := map[string]int{} // user id -> idle days
	wantE5 := map[string]bool{}
	holders, signedIn := 0, 0
	for i := range tenant.UserCount() {
		u := tenant.User(i)
		last, found := lastPowerBISignIn(reads, i)
		for _, l := range u.AssignedLicenses {
			switch {
			case strings.EqualFold(l.SkuID, spE5SKU):
				if !found {
					wantE5[u.ID] = true
				}
			case strings.EqualFold(l.SkuID, powerBIProSKU) && carries(cat, l, transform.PowerBI):
				holders++
				if assigned := assignedAt(u, powerBIProSKU); assigned.IsZero() || days(assigned, asOf) < 30 {
					continue // in grace
				}
				idle := windowDays
				if found {
					signedIn++
					idle = max(days(last.CreatedDateTime, asOf), 0)
				}
				if idle >= 30 {
					wantIdle[u.ID] = idle
				}
			}
		}
	}
	if holders == 0 || len(wantIdle) == 0 || signedIn == 0 || len(wantE5) == 0 {
		t.Fatalf("%d Power BI Pro holders, %d idle, %d signed in, %d E5 rows: the check would prove nothing",
			holders, len(wantIdle), signedIn, len(wantE5))
	}
	db := openWarehouse(t, path)
	gotIdle := map[string]int{}
	rows, err := db.Query(`SELECT user_id, list_contains(reasons, 'inactive'), list_contains(reasons, 'never_used'),
		coalesce(idle_days, -1), evidence FROM mart_reclamation_candidates WHERE sku_id = ?`, powerBIProSKU)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, evidence string
		var inactive, never bool
		var idle int
		if err := rows.Scan(&id, &inactive, &never, &idle, &evidence); err != nil {
			t.Fatal(err)
		}
		if never {
			t.Errorf("user %s: a Power BI Pro seat is never_used on sign-in logs alone", id)
		}
		if inactive {
			gotIdle[id] = idle
			if !strings.Contains(evidence, `"powerbi":{"last_sign_in":`) {
				t.Errorf("user %s: evidence %s names no Power BI signal", id, evidence)
			}
		}
	}
	rows.Close()
	if !maps.Equal(gotIdle, wantIdle) {
		t.Errorf("idle Power BI Pro seats: got %d, want %d (of %d holders, window %d days)", len(gotIdle), len(wantIdle), holders, windowDays)
		for id, w := range wantIdle {
			if g, ok := gotIdle[id]; !ok || g != w {
				t.Errorf("  user %s: got %d (%v), want idle %d", id, g, ok, w)
			}
		}
		for id, g := range gotIdle {
			if _, ok := wantIdle[id]; !ok {
				t.Errorf("  user %s: got idle %d, want not inactive", id, g)
			}
		}
	}
	gotE5 := map[string]bool{}
	rows, err = db.Query(`SELECT user_id, to_sku, confidence FROM mart_rightsizing WHERE rule = 'e5_extras_unused'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, to, confidence string
		if err := rows.Scan(&id, &to, &confidence); err != nil {
			t.Fatal(err)
		}
		gotE5[id] = true
		if to != "SPE_E3" || confidence != "review" {
			t.Errorf("user %s: e5_extras_unused to %s, %s; want SPE_E3, review", id, to, confidence)
		}
	}
	if !maps.Equal(gotE5, wantE5) {
		t.Errorf("e5_extras_unused rows: got %d, want %d", len(gotE5), len(wantE5))
	}
}

// nightRead is what one night's read of the sign-in logs could see: the
// tenant as the simulator served it that night, and the window read.
type nightRead struct {
	tenant      *graphsim.Tenant
	from, until time.Time
}

// lastPowerBISignIn is user i's latest successful Power BI sign-in over
// the nights' reads, each as its night's simulator served it (a user whose
// licences churned may have a history that differs from night to night).
func lastPowerBISignIn(reads []nightRead, i int) (graphsim.SignInEvent, bool) {
	var last graphsim.SignInEvent
	found := false
	for _, r := range reads {
		if i >= r.tenant.UserCount() {
			continue
		}
		if e, ok := r.tenant.LastSignIn(i, extract.PowerBIAppID, r.from, r.until); ok && (!found || e.CreatedDateTime.After(last.CreatedDateTime)) {
			last, found = e, true
		}
	}
	return last, found
}

// assignedAt is when user u was given sku: the earliest lastUpdatedDateTime
// of its assignment states, else the user's creation.
func assignedAt(u extract.User, sku string) time.Time {
	var at time.Time
	for _, s := range u.LicenseAssignmentStates {
		if strings.EqualFold(s.SkuID, sku) && !s.LastUpdatedDateTime.IsZero() && (at.IsZero() || s.LastUpdatedDateTime.Before(at)) {
			at = s.LastUpdatedDateTime
		}
	}
	if at.IsZero() {
		at = u.CreatedDateTime
	}
	return at.UTC()
}

// checkKeptActiveBySignIn checks that no licence carrying the SignIn signal
// is called idle (never_used, inactive) for a user whose signInActivity
// shows a sign-in within 30 days (inactivity_days) of as_of, and that some
// of those would have been idle on the usage report's six workloads alone.
func checkKeptActiveBySignIn(t *testing.T, tenant *graphsim.Tenant, cat *transform.SKUCatalog, path string) {
	t.Helper()
	asOf := tenant.ReportRefreshDate()
	active := map[string]bool{}
	rescued := 0
	for i := range tenant.UserCount() {
		a, ok := tenant.SignInActivity(i)
		if !ok {
			continue
		}
		last := a.LastSuccessful
		if last.IsZero() {
			last = a.LastSignIn
			if a.LastNonInteractive.After(last) {
				last = a.LastNonInteractive
			}
		}
		if last.IsZero() || days(last, asOf) >= 30 {
			continue
		}
		u := tenant.User(i)
		if !slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return carries(cat, l, transform.SignIn) }) {
			continue
		}
		active[u.ID] = true
		if latest, ok := reportActivity(tenant, i); ok && (latest.IsZero() || days(latest, asOf) >= 30) {
			rescued++
		}
	}
	if len(active) == 0 || rescued == 0 {
		t.Fatalf("%d licensed users signed in within 30 days, %d of them idle on the six workloads: the check would prove nothing", len(active), rescued)
	}
	checkNoneIdle(t, path, `SELECT c.user_id, c.sku_part_number FROM mart_reclamation_candidates c
		JOIN mart_user_licenses l USING (tenant, user_id, sku_id)
		WHERE list_contains(l.workloads, 'SignIn') AND list_has_any(c.reasons, ['never_used', 'inactive'])`,
		active, "signed in within 30 days")
}

// utcDay is t's UTC date at midnight.
func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// carries reports whether licence l of user u carries a service plan with
// the signal, not disabled.
func carries(cat *transform.SKUCatalog, l extract.AssignedLicense, signal string) bool {
	s, ok := cat.ByID(l.SkuID)
	if !ok {
		return false
	}
	for _, p := range s.Plans {
		if slices.ContainsFunc(l.DisabledPlans, func(d string) bool { return strings.EqualFold(d, p.ID) }) {
			continue
		}
		if slices.Contains(transform.WorkloadsOf(p.Name), signal) {
			return true
		}
	}
	return false
}
