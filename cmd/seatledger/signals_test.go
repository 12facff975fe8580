package main

import (
	"context"
	"database/sql"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// signalTables are the raw relations of the usage-signal datasets.
var signalTables = map[string]string{
	"copilot_usage":      "raw_copilot_usage",
	"apps_usage":         "raw_apps_usage",
	"office_activations": "raw_office_activations",
	"mailbox_usage":      "raw_mailbox_usage",
}

// datasetState is a dataset's raw_dataset_status row of the latest
// snapshot and the rows its raw relation holds there.
type datasetState struct {
	ok         bool
	statusRows int64
	err        string
	tableRows  int64
}

// readDatasets reads the latest snapshot's dataset status rows, and the
// rows of each signal relation in that snapshot.
func readDatasets(t *testing.T, path string) map[string]datasetState {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", path, err)
	}
	defer w.Close()
	db := w.SQLForTests()
	const latest = "(SELECT max(snapshot_date) FROM snapshots)"
	rows, err := db.Query("SELECT dataset, ok, coalesce(rows, 0), coalesce(error, '') FROM raw_dataset_status WHERE snapshot_date = " + latest)
	if err != nil {
		t.Fatalf("read dataset status: %v", err)
	}
	defer rows.Close()
	out := map[string]datasetState{}
	for rows.Next() {
		var name string
		var s datasetState
		if err := rows.Scan(&name, &s.ok, &s.statusRows, &s.err); err != nil {
			t.Fatalf("read dataset status: %v", err)
		}
		out[name] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read dataset status: %v", err)
	}
	for name, table := range signalTables {
		s := out[name]
		if err := db.QueryRow("SELECT count(*) FROM " + table + " WHERE snapshot_date = " + latest).Scan(&s.tableRows); err != nil && err != sql.ErrNoRows {
			t.Fatalf("count %s: %v", table, err)
		}
		out[name] = s
	}
	return out
}

// countRows counts a simulated report's rows.
func countRows[R any](rows iter.Seq[R]) int64 {
	var n int64
	for range rows {
		n++
	}
	return n
}

// TestSignalsLand runs `seatledger run` against the simulator with Copilot
// seats and checks that every usage-signal report lands whole, through the
// real credential, SDK client and TLS: each dataset ok with as many rows
// as the simulator serves. Then a run whose report downloads are all cut
// halfway degrades: the usage report and the three signal reports served
// through a download link are dropped whole, each says why, and the roster
// and the Copilot report (served directly) stay. Without tenants[].signals
// only the Copilot report is read, and `signals: []` reads none.
func TestSignalsLand(t *testing.T) {
	tenant := graphsim.Generate(graphsim.GenOptions{Users: 2500, Seed: 5, Now: time.Now().UTC(), CopilotSeats: 0.3})
	want := map[string]int64{
		"copilot_usage":      countRows(tenant.CopilotUsageRows("D90")),
		"apps_usage":         countRows(tenant.AppsUsageRows("D180")),
		"office_activations": countRows(tenant.ActivationRows()),
		"mailbox_usage":      countRows(tenant.MailboxUsageRows("D7")),
	}
	for name, n := range want {
		if n == 0 {
			t.Fatalf("the simulated tenant serves no %s rows: the test would prove nothing", name)
		}
	}

	t.Run("clean", func(t *testing.T) {
		dir := t.TempDir()
		srv := startTenant(t, tenant, graphsim.ServerOptions{ReportNullDates: true})
		cfg, env := writeSimConfig(t, dir, srv)
		withSignals(t, cfg, "[copilot_usage, apps_usage, office_activations, mailbox_usage]")
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
		}
		got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
		for name, n := range want {
			g := got[name]
			if !g.ok || g.statusRows != n || g.tableRows != n || g.err != "" {
				t.Errorf("%s: got ok %v, %d rows recorded, %d stored, error %q; want ok and %d rows", name, g.ok, g.statusRows, g.tableRows, g.err, n)
			}
		}
		checkCopilotVerdicts(t, tenant, filepath.Join(dir, "seatledger.duckdb"))
		checkKeptActiveByApps(t, tenant, filepath.Join(dir, "seatledger.duckdb"))
		checkRightsizing(t, tenant, filepath.Join(dir, "seatledger.duckdb"))
	})

	t.Run("every download cut", func(t *testing.T) {
		dir := t.TempDir()
		srv := startTenant(t, tenant, graphsim.ServerOptions{Faults: graphsim.Faults{TruncateDownloads: 1000}})
		cfg, env := writeSimConfig(t, dir, srv)
		withSignals(t, cfg, "[copilot_usage, apps_usage, office_activations, mailbox_usage]")
		out, errOut, code := runBinary(t, env, "run", "--config", cfg)
		if code != 0 {
			t.Fatalf("run: exit %d, want 0 (optional datasets degrade the snapshot)\n%s\n%s", code, out, errOut)
		}
		if srv.FaultCounts().TruncatedDownloads == 0 {
			t.Fatal("no download was cut: the test would prove nothing")
		}
		st := readStateOf(t, filepath.Join(dir, "seatledger.duckdb"), false)
		if st.lastStatus != "degraded" || st.counts["raw_users"] != 2500 {
			t.Errorf("got run status %s with %d users, want degraded with 2500", st.lastStatus, st.counts["raw_users"])
		}
		got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
		for _, name := range []string{"usage_report", "apps_usage", "office_activations", "mailbox_usage"} {
			g := got[name]
			if g.ok || g.err == "" || g.tableRows != 0 {
				t.Errorf("%s: got ok %v, error %q, %d rows stored; want failed with a reason and no rows", name, g.ok, g.err, g.tableRows)
			}
		}
		// The Copilot report answers 200 with its CSV, no download link.
		if g := got["copilot_usage"]; !g.ok || g.tableRows != want["copilot_usage"] {
			t.Errorf("copilot_usage: got %+v, want ok with %d rows", g, want["copilot_usage"])
		}
	})

	t.Run("default and none", func(t *testing.T) {
		// Without tenants[].signals only the Copilot report is read; with
		// an empty list, none.
		for _, tc := range []struct {
			list string
			want []string
		}{{"", []string{"copilot_usage"}}, {"[]", nil}} {
			dir := t.TempDir()
			srv := startTenant(t, tenant, graphsim.ServerOptions{})
			cfg, env := writeSimConfig(t, dir, srv)
			if tc.list != "" {
				withSignals(t, cfg, tc.list)
			}
			if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
				t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
			}
			got := readDatasets(t, filepath.Join(dir, "seatledger.duckdb"))
			for name := range signalTables {
				g, read := got[name]
				read = read && g.ok
				if want := slices.Contains(tc.want, name); read != want {
					t.Errorf("signals %q: %s read %v (%+v), want %v", tc.list, name, read, g, want)
				}
			}
			s := srv.Stats()
			if n := s.Total("appsReport") + s.Total("activationsReport") + s.Total("mailboxReport"); n != 0 {
				t.Errorf("signals %q: %d requests for reports not configured", tc.list, n)
			}
		}
	})
}

// withSignals sets the tenant's signals in the configuration file cfg.
func withSignals(t *testing.T, cfg, list string) {
	t.Helper()
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, strings.Replace(string(text), "    auth:\n", "    signals: "+list+"\n    auth:\n", 1))
}

// copilotSKU is Microsoft 365 Copilot's skuId (two SKUs share the name).
const copilotSKU = "639dec6b-bb19-468b-871c-c5c441c4b0cb"

// checkCopilotVerdicts derives from the simulator's own data, by hand,
// which Copilot seats are never_used or inactive (PRODUCT.md: in the
// Copilot report with no activity date, or idle 90 days or more; assigned
// at least 30 days before as_of, the usage report's refresh date) and
// compares them with the candidates the warehouse holds.
func checkCopilotVerdicts(t *testing.T, tenant *graphsim.Tenant, path string) {
	t.Helper()
	asOf := tenant.ReportRefreshDate()
	want := map[string]string{} // user id -> never_used or inactive
	holders := 0
	for i := range tenant.UserCount() {
		u := tenant.User(i)
		holds := false
		for _, l := range u.AssignedLicenses {
			holds = holds || strings.EqualFold(l.SkuID, copilotSKU)
		}
		if !holds {
			continue
		}
		holders++
		// The earliest lastUpdatedDateTime of the SKU's states, else the
		// user's createdDateTime.
		var assigned time.Time
		for _, s := range u.LicenseAssignmentStates {
			if strings.EqualFold(s.SkuID, copilotSKU) && !s.LastUpdatedDateTime.IsZero() &&
				(assigned.IsZero() || s.LastUpdatedDateTime.Before(assigned)) {
				assigned = s.LastUpdatedDateTime
			}
		}
		if assigned.IsZero() {
			assigned = u.CreatedDateTime
		}
		if assigned.IsZero() || days(assigned.UTC(), asOf) < 30 {
			continue // in grace: never idle
		}
		row, ok := tenant.CopilotUsage(i, "D90")
		switch {
		case !ok:
			// Not in the report: no activity reason.
		case row.LastActivityDate.IsZero():
			want[u.ID] = "never_used"
		case days(row.LastActivityDate, asOf) >= 90:
			want[u.ID] = "inactive"
		}
	}
	if holders == 0 || len(want) == 0 {
		t.Fatalf("%d Copilot holders, %d idle: the check would prove nothing", holders, len(want))
	}
	db := openWarehouse(t, path)
	rows, err := db.Query(`SELECT user_id, list_contains(reasons, 'never_used'), list_contains(reasons, 'inactive'), evidence
		FROM mart_reclamation_candidates WHERE sku_id = ?`, copilotSKU)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, evidence string
		var never, inactive bool
		if err := rows.Scan(&id, &never, &inactive, &evidence); err != nil {
			t.Fatal(err)
		}
		switch {
		case never:
			got[id] = "never_used"
		case inactive:
			got[id] = "inactive"
		default:
			continue
		}
		if !strings.Contains(evidence, `"copilot":{"last_activity":`) || !strings.Contains(evidence, "72 hours") {
			t.Errorf("user %s: evidence %s names no Copilot signal and its latency", id, evidence)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("idle Copilot seats: got %d, want %d (of %d holders)", len(got), len(want), holders)
		for id, w := range want {
			if got[id] != w {
				t.Errorf("  user %s: got %q, want %q", id, got[id], w)
			}
		}
		for id, g := range got {
			if want[id] == "" {
				t.Errorf("  user %s: got %q, want none", id, g)
			}
		}
	}
}

// days is the whole days from a's UTC date to b.
func days(a, b time.Time) int {
	a = time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// reportActivity is user i's latest activity over the Office 365 usage
// report's six workloads (zero: none); ok is false when the user is not
// in the report.
func reportActivity(tenant *graphsim.Tenant, i int) (time.Time, bool) {
	a, ok := tenant.Activity(i)
	if !ok {
		return time.Time{}, false
	}
	var last time.Time
	for _, d := range a.LastActivityDate {
		if d.After(last) {
			last = d
		}
	}
	return last, true
}

// checkNoneIdle runs query (user id, SKU part number of the idle
// candidates a signal judged) on the warehouse at path and fails for each
// row of a user in active, saying why the user is not idle.
func checkNoneIdle(t *testing.T, path, query string, active map[string]bool, why string) {
	t.Helper()
	db := openWarehouse(t, path)
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sku string
		if err := rows.Scan(&id, &sku); err != nil {
			t.Fatal(err)
		}
		if active[id] {
			t.Errorf("user %s: %s called idle though %s", id, sku, why)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// checkKeptActiveByApps checks that no suite carrying the Apps desktop
// suite is called idle (never_used, inactive) for a user whose Apps usage
// report shows activity within inactivity_days (90), and that some of
// them would have been idle on the usage report's six workloads alone.
func checkKeptActiveByApps(t *testing.T, tenant *graphsim.Tenant, path string) {
	t.Helper()
	asOf := tenant.ReportRefreshDate()
	active := map[string]bool{} // user id: Apps activity within 90 days
	rescued := 0
	for i := range tenant.UserCount() {
		row, ok := tenant.AppsUsage(i, "D180")
		if !ok || row.LastActivityDate.IsZero() || days(row.LastActivityDate, asOf) >= 90 {
			continue
		}
		id := tenant.User(i).ID
		active[id] = true
		if last, ok := reportActivity(tenant, i); ok && (last.IsZero() || days(last, asOf) >= 90) {
			rescued++
		}
	}
	if len(active) == 0 || rescued == 0 {
		t.Fatalf("%d users active in the Apps report, %d of them idle on the six workloads: the check would prove nothing", len(active), rescued)
	}
	checkNoneIdle(t, path, `SELECT user_id, sku_part_number FROM mart_reclamation_candidates
		WHERE list_has_any(reasons, ['never_used', 'inactive']) AND evidence LIKE '%"apps":{%'`,
		active, "the Apps report shows activity within 90 days")
	db := openWarehouse(t, path)
	var suites int64
	if err := db.QueryRow(`SELECT count(*) FROM mart_user_licenses WHERE list_contains(workloads, 'Apps')`).Scan(&suites); err != nil || suites == 0 {
		t.Errorf("licence rows judged by the Apps signal: got %d (%v), want some", suites, err)
	}
	t.Logf("%d users active in the Apps report, %d of them idle on the six workloads alone", len(active), rescued)
}

// checkRightsizing derives mart_rightsizing's rows by hand from the
// simulator's data, as PRODUCT.md states the rules, and compares:
// shared_mailbox (Recipient Type shared, at most 50 GB, no archive: every
// licensed SKU with an enabled Exchange plan, safe; a plan the tenant lists
// as Disabled is not enabled) and no_desktop_apps
// (no Windows or Mac use of the five desktop apps in D180 and no Apps
// activation: ENTERPRISEPACK to STANDARDPACK, safe with a mailbox of 50 GB
// or less; SPE_E3 to STANDARDPACK, review).
func checkRightsizing(t *testing.T, tenant *graphsim.Tenant, path string) {
	t.Helper()
	const limit = 50 << 30
	plans := map[string][]extract.ServicePlan{} // skuId -> plans
	parts := map[string]string{}                // skuId -> part number
	for _, k := range tenant.SKUs() {
		plans[strings.ToLower(k.SkuID)], parts[strings.ToLower(k.SkuID)] = k.ServicePlans, k.SkuPartNumber
	}
	ignored := map[string]bool{}
	for _, p := range config.DefaultIgnoreSKUs() {
		ignored[strings.ToUpper(p)] = true
	}
	want := map[string]bool{} // user id|from|rule|confidence
	for i := range tenant.UserCount() {
		u := tenant.User(i)
		mb, hasMailbox := tenant.MailboxUsage(i, "D7")
		small := hasMailbox && mb.StorageUsedBytes.Known && mb.StorageUsedBytes.N <= limit
		shared := hasMailbox && !mb.IsDeleted && strings.Contains(strings.ToLower(mb.RecipientType), "shared") &&
			small && mb.HasArchive == extract.No
		apps, hasApps := tenant.AppsUsage(i, "D180")
		noDesktop := hasApps
		for a := range 5 { // Outlook, Word, Excel, PowerPoint, OneNote
			for _, p := range []int{0, 1} { // Windows, Mac
				noDesktop = noDesktop && apps.AppPlatform[a][p] == extract.No
			}
		}
		for _, x := range tenant.Activations(i) {
			pt := strings.ToUpper(x.ProductType)
			if strings.Contains(pt, "365 APPS") && (!x.LastActivatedDate.IsZero() ||
				x.Windows.N+x.Mac.N+x.Windows10Mobile.N+x.IOS.N+x.Android.N > 0) {
				noDesktop = false
			}
		}
		for _, l := range u.AssignedLicenses {
			id := strings.ToLower(l.SkuID)
			part := parts[id]
			if ignored[strings.ToUpper(part)] {
				continue
			}
			exchange := false
			for _, p := range plans[id] {
				// A plan the tenant's SKU lists as Disabled (a suspended
				// subscription) or for the company carries no mailbox.
				if p.ProvisioningStatus == "Disabled" || p.AppliesTo == "Company" {
					continue
				}
				if slices.Contains(transform.WorkloadsOf(p.ServicePlanName), "Exchange") &&
					!slices.ContainsFunc(l.DisabledPlans, func(d string) bool { return strings.EqualFold(d, p.ServicePlanID) }) {
					exchange = true
				}
			}
			if shared && exchange {
				want[u.ID+"|"+part+"|shared_mailbox|safe"] = true
			}
			if noDesktop && (part == "ENTERPRISEPACK" || part == "SPE_E3") {
				confidence := "review"
				if part == "ENTERPRISEPACK" && small {
					confidence = "safe"
				}
				want[u.ID+"|"+part+"|no_desktop_apps|"+confidence] = true
			}
		}
	}
	db := openWarehouse(t, path)
	rows, err := db.Query(`SELECT user_id || '|' || from_sku || '|' || rule || '|' || confidence, coalesce(to_sku, '')
		FROM mart_rightsizing`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var key, to string
		if err := rows.Scan(&key, &to); err != nil {
			t.Fatal(err)
		}
		got[key] = true
		if rule := strings.Split(key, "|")[2]; (rule == "shared_mailbox") != (to == "") {
			t.Errorf("%s: to %q, want none for shared_mailbox and STANDARDPACK otherwise", key, to)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for k := range want {
		rules[strings.SplitN(k, "|", 3)[2]]++
	}
	if len(rules) < 3 {
		t.Fatalf("hand-derived rows by rule and confidence: %v; want shared mailboxes and both confidences of no_desktop_apps, or the check proves little", rules)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing rightsizing row %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected rightsizing row %s", k)
		}
	}
	t.Logf("rightsizing rows: %d, by rule and confidence %v", len(got), rules)
}
