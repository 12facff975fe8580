package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/demo"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// TestDemo runs `seatledger demo` in-process: the simulator over HTTPS,
// the real azidentity client-secret credential and msgraph-sdk-go, with
// throttling on. The warehouse's raw tables must agree with the simulated
// tenant.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	const users, seed = 700, 5
	out, _, err := runMain(t, nil, "demo", "--dir", dir, "--users", fmt.Sprint(users), "--seed", fmt.Sprint(seed), "--throttle-rate", "0.1")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	book := filepath.Join(dir, "seatledger-"+time.Now().UTC().Format(time.DateOnly)+".xlsx")
	for _, want := range []string{"demo    ok", "warehouse: " + filepath.Join(dir, "seatledger.duckdb"), "workbook:  " + book} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(book); err != nil {
		t.Errorf("workbook: %v", err)
	}
	tenant := graphsim.Generate(graphsim.GenOptions{Users: users, Seed: seed, Now: time.Now().UTC(), CopilotSeats: demo.CopilotSeats})
	db := openWarehouse(t, filepath.Join(dir, "seatledger.duckdb"))
	// Every usage-signal dataset is read whole.
	for name, g := range readDatasets(t, filepath.Join(dir, "seatledger.duckdb")) {
		if !g.ok {
			t.Errorf("dataset %s: got %+v, want read whole", name, g)
		}
	}
	if got := queryInt(t, db, "SELECT count(*) FROM raw_users"); got != int64(tenant.UserCount()) {
		t.Errorf("raw_users: got %d rows, want %d", got, tenant.UserCount())
	}
	skus := tenant.SKUs()
	if got := queryInt(t, db, "SELECT count(*) FROM raw_subscribed_skus"); got != int64(len(skus)) {
		t.Errorf("raw_subscribed_skus: got %d rows, want %d", got, len(skus))
	}
	for _, s := range skus {
		var enabled, warning, suspended, consumed int64
		err := db.QueryRow(`SELECT enabled_units, warning_units, suspended_units, consumed_units
			FROM raw_subscribed_skus WHERE sku_id = ?`, s.SkuID).Scan(&enabled, &warning, &suspended, &consumed)
		if err != nil {
			t.Errorf("SKU %s: %v", s.SkuPartNumber, err)
			continue
		}
		got := [4]int64{enabled, warning, suspended, consumed}
		want := [4]int64{s.PrepaidUnits.Enabled, s.PrepaidUnits.Warning, s.PrepaidUnits.Suspended, s.ConsumedUnits}
		if got != want {
			t.Errorf("SKU %s units (enabled, warning, suspended, consumed): got %v, want %v", s.SkuPartNumber, got, want)
		}
		assigned := queryInt(t, db, "SELECT count(*) FROM raw_user_licenses WHERE sku_id = ?", s.SkuID)
		if assigned != s.ConsumedUnits {
			t.Errorf("SKU %s: %d licence rows in raw_user_licenses, want consumed units %d", s.SkuPartNumber, assigned, s.ConsumedUnits)
		}
	}
	var status string
	var requests, throttled int64
	if err := db.QueryRow("SELECT status, graph_requests, graph_throttled FROM etl_runs").Scan(&status, &requests, &throttled); err != nil {
		t.Fatal(err)
	}
	if status != "ok" || requests == 0 {
		t.Errorf("etl_runs: got status %s, %d requests; want ok and some requests", status, requests)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM mart_license_inventory"); n != int64(len(skus)) {
		t.Errorf("mart_license_inventory: got %d rows, want %d", n, len(skus))
	}
}

// TestDemoConcealed: a tenant whose report conceals names is loaded, but
// its snapshot and run are degraded and a critical finding says why.
func TestDemoConcealed(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runMain(t, nil, "demo", "--dir", dir, "--users", "200", "--throttle-rate", "0", "--concealed")
	if err != nil {
		t.Fatalf("demo --concealed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "demo    degraded") || !strings.Contains(out, "usage_report_concealed") {
		t.Errorf("demo output: want a degraded tenant with usage_report_concealed:\n%s", out)
	}
	db := openWarehouse(t, filepath.Join(dir, "seatledger.duckdb"))
	var run, snap string
	if err := db.QueryRow("SELECT r.status, s.status FROM etl_runs r JOIN snapshots s USING (tenant, snapshot_date)").Scan(&run, &snap); err != nil {
		t.Fatal(err)
	}
	if run != "degraded" || snap != "degraded" {
		t.Errorf("statuses: got run %s, snapshot %s; want degraded, degraded", run, snap)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM mart_findings WHERE code = 'usage_report_concealed'"); n != 1 {
		t.Errorf("usage_report_concealed findings: got %d, want 1", n)
	}
}

// imitationConfig is a configuration for one custom-cloud tenant.
func tenantConfig(dir, url, tenantID, clientID, secretEnv string) string {
	return fmt.Sprintf(`warehouse:
  path: %s
reports:
  dir: %s
tenants:
  - name: contoso
    tenant_id: %s
    cloud: custom
    authority_host: %s
    graph_endpoint: %s
    auth:
      method: client_secret
      client_id: %s
      client_secret_env: %s
`, filepath.Join(dir, "seatledger.duckdb"), filepath.Join(dir, "reports"), tenantID, url, url, clientID, secretEnv)
}

// TestRunAgainstImitation runs the binary against a Graph imitation that is
// not the project's simulator: custom cloud endpoints, real TLS trusted
// only through SSL_CERT_FILE, a 429 on the first users call,
// @odata.nextLink before value, an empty middle page, and the report as a
// 302 to another host serving a CSV with a BOM.
func TestRunAgainstImitation(t *testing.T) {
	f := graphtest.New(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := f.WriteCA(ca); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, tenantConfig(dir, f.URL(), graphtest.TenantID, graphtest.ClientID, "CONTOSO_SECRET"))
	withSignals(t, cfg, "[copilot_usage, apps_usage, office_activations, mailbox_usage, signin_activity, powerbi_signins]")
	// The imitation's sign-in log ends where the clock starts: the first
	// read covers the 30 days before.
	env := []string{"SSL_CERT_FILE=" + ca, "CONTOSO_SECRET=" + graphtest.ClientSecret, "SEATLEDGER_NOW=" + graphtest.SignInsUntil}
	out, errOut, code := runBinary(t, env, "run", "--config", cfg)
	if code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, graphtest.ClientSecret) || strings.Contains(out, graphtest.ClientSecret) {
		t.Error("the client secret appears in the output")
	}
	db := openWarehouse(t, filepath.Join(dir, "seatledger.duckdb"))
	for _, c := range []struct {
		query string
		want  int64
	}{
		{"SELECT count(*) FROM raw_users", 3},
		{"SELECT count(*) FROM raw_user_licenses", 3},
		{"SELECT count(*) FROM raw_subscribed_skus", 2},
		{"SELECT count(*) FROM raw_subscriptions", 1},
		{"SELECT count(*) FROM raw_usage_report", 2},
		{"SELECT count(*) FROM raw_groups", 1}, // the group without licences is left out,
		{"SELECT count(*) FROM raw_copilot_usage", 2},
		{"SELECT count(*) FROM raw_apps_usage WHERE windows AND outlook_windows AND NOT mac", 1},
		{"SELECT count(*) FROM raw_office_activations WHERE last_activated_date IS NULL AND windows = 0", 1},
		{"SELECT count(*) FROM raw_mailbox_usage WHERE recipient_type = 'Shared' AND last_activity_date IS NULL", 1},
		{"SELECT count(*) FROM raw_mailbox_usage WHERE storage_used_bytes = 3221225472", 1},
		{"SELECT count(*) FROM raw_signin_activity WHERE last_successful_date IS NULL", 2},
		{"SELECT count(*) FROM raw_signin_activity WHERE last_successful_date = DATE '2022-10-22'", 1},
		{`SELECT count(*) FROM raw_powerbi_signins WHERE user_id LIKE '%1' AND successes = 2 AND failures = 1
			AND last_success_at = TIMESTAMPTZ '2022-10-20 08:00:00+00'`, 1},
		{"SELECT count(*) FROM raw_powerbi_signins WHERE user_id LIKE '%2' AND failures = 0", 1},
		{`SELECT count(*) FROM raw_signin_log_reads WHERE NOT truncated AND window_to - window_from = INTERVAL 30 DAYS
			AND window_from BETWEEN TIMESTAMPTZ '2022-09-23 00:00:00+00' AND TIMESTAMPTZ '2022-09-23 00:01:00+00'`, 1},
		{"SELECT count(*) FROM raw_dataset_status WHERE NOT ok", 0},
		{"SELECT count(*) FROM snapshots", 1},
		{"SELECT graph_throttled FROM etl_runs", 1},
	} {
		if got := queryInt(t, db, c.query); got != c.want {
			t.Errorf("%s: got %d, want %d", c.query, got, c.want)
		}
	}
	if f.BadTokens() != 0 {
		t.Errorf("Graph saw %d calls without the bearer token", f.BadTokens())
	}
}

// simTenant starts the simulator with opts and writes a configuration
// for it; it returns the configuration path and the environment to run
// the binary with.
func simTenant(t *testing.T, users int, opts graphsim.ServerOptions) (*graphsim.Server, string, []string, string) {
	t.Helper()
	dir := t.TempDir()
	opts.Dir = dir
	srv, err := graphsim.NewServer(graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 11, Now: time.Now().UTC()}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, tenantConfig(dir, srv.URL(), srv.TenantID(), srv.ClientID(), "SIM_SECRET"))
	env := []string{"SSL_CERT_FILE=" + srv.CAFile(), "SIM_SECRET=" + srv.ClientSecret()}
	return srv, cfg, env, filepath.Join(dir, "seatledger.duckdb")
}

// TestRunKilledDuringLoad kills `seatledger run` with SIGKILL while it
// loads users: the previous snapshot stays as it was and readable, and the
// next run succeeds and records the killed run as aborted.
func TestRunKilledDuringLoad(t *testing.T) {
	const users = 12000
	srv, cfg, env, wh := simTenant(t, users, graphsim.ServerOptions{})
	if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	before := snapshotDigest(t, wh)

	srv.SetLatency(300 * time.Millisecond) // pages now take a while: time to kill mid-load
	cmd := exec.Command(binary, "run", "--config", cfg, "--log-level", "debug")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), `msg="users page loaded"`) && strings.Contains(sc.Text(), "page=3 ") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatal("the run ended before its third users page: nothing was killed")
	}
	if got := snapshotDigest(t, wh); got != before {
		t.Errorf("snapshot after the kill: got %s, want it unchanged: %s", got, before)
	}

	srv.SetLatency(0)
	if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
		t.Fatalf("run after the kill: exit %d\n%s\n%s", code, out, errOut)
	}
	db := openWarehouse(t, wh)
	if got := queryInt(t, db, "SELECT count(*) FROM raw_users"); got != users {
		t.Errorf("raw_users after the next run: got %d, want %d", got, users)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM etl_runs WHERE status = 'aborted'"); got != 1 {
		t.Errorf("aborted runs: got %d, want 1 (the killed one)", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM etl_runs WHERE status = 'ok'"); got != 2 {
		t.Errorf("ok runs: got %d, want 2", got)
	}
}

// snapshotDigest describes the stored snapshot: its run and row counts.
func snapshotDigest(t *testing.T, path string) string {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", path, err)
	}
	defer w.Close() // the next run needs the file to itself
	db := w.SQLForTests()
	var run string
	if err := db.QueryRow("SELECT run_id FROM snapshots").Scan(&run); err != nil {
		t.Fatal(err)
	}
	users := queryInt(t, db, "SELECT count(*) FROM raw_users")
	lic := queryInt(t, db, "SELECT count(*) FROM raw_user_licenses")
	act := queryInt(t, db, "SELECT count(*) FROM raw_usage_report")
	stale := queryInt(t, db, "SELECT count(*) FROM raw_users WHERE run_id <> ?", run)
	return fmt.Sprintf("run %s: %d users (%d of other runs), %d licences, %d report rows", run, users, stale, lic, act)
}
