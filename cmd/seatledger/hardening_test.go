package main

import (
	"archive/zip"
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// canary is a client secret that must never be found anywhere seatledger
// writes: output, logs, the warehouse, the workbook.
const canary = "CANARY~sEcReT-9f2c7e1b5a3d8c6e0f4a2b7d9e1c3a5f"

// TestSecretNeverLeaks runs with a canary secret, at debug level in both
// log formats, once successfully and once with the secret refused, and
// searches everything written for it.
func TestSecretNeverLeaks(t *testing.T) {
	srv, cfg, env, wh := simTenant(t, 300, graphsim.ServerOptions{ClientSecret: canary, ThrottleRate: 0.02, RetryAfter: time.Second})
	env = append(env, "SIM_SECRET="+canary)
	var outputs strings.Builder
	for _, format := range []string{"text", "json"} {
		out, errOut, code := runBinary(t, env, "run", "--config", cfg, "--log-level", "debug", "--log-format", format)
		if code != 0 {
			t.Fatalf("run: exit %d\n%s", code, errOut)
		}
		outputs.WriteString(out + errOut)
	}
	// A refused secret: the error path must not echo what was sent.
	srv.SetClientSecret("another-secret")
	out, errOut, code := runBinary(t, env, "run", "--config", cfg, "--log-level", "debug")
	if code == 0 {
		t.Errorf("run with a refused secret: exit 0, want a failure\n%s", errOut)
	}
	outputs.WriteString(out + errOut)
	if strings.Contains(outputs.String(), canary) {
		t.Error("the secret appears in the output or logs")
	}
	if !strings.Contains(out, "tenant contoso failed") || !strings.Contains(out, "invalid_client") {
		t.Errorf("refused secret: output %q, want the tenant failed with invalid_client", out)
	}

	db := openWarehouse(t, wh)
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE data_type NOT IN ('BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP WITH TIME ZONE')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tbl, col})
	}
	rows.Close()
	if len(cols) < 50 {
		t.Fatalf("searched %d text columns: want every table's", len(cols))
	}
	for _, c := range cols {
		q := `SELECT count(*) FROM "` + c[0] + `" WHERE CAST("` + c[1] + `" AS VARCHAR) LIKE '%' || ? || '%'`
		if n := queryInt(t, db, q, canary); n != 0 {
			t.Errorf("the secret is stored in %s.%s (%d rows)", c[0], c[1], n)
		}
	}
	if data, err := os.ReadFile(wh); err != nil || strings.Contains(string(data), canary) {
		t.Errorf("the warehouse file holds the secret (read error %v)", err)
	}
	books, _ := filepath.Glob(filepath.Join(filepath.Dir(wh), "reports", "*.xlsx"))
	if len(books) == 0 {
		t.Fatal("no workbook written")
	}
	for _, b := range books {
		if zipContains(t, b, canary) {
			t.Errorf("workbook %s holds the secret", b)
		}
		if fi, err := os.Stat(b); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("workbook %s: mode %v, want owner-only", b, fi.Mode().Perm())
		}
	}
	if fi, err := os.Stat(wh); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("warehouse: mode %v, want owner-only", fi.Mode().Perm())
	}
}

// zipContains reports whether any member of the zip file holds s.
func zipContains(t *testing.T, path, s string) bool {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

// TestTwoRunsAtOnce: a second run while one is loading refuses with a
// clear message and writes nothing; the first finishes normally.
func TestTwoRunsAtOnce(t *testing.T) {
	srv, cfg, env, wh := simTenant(t, 4000, graphsim.ServerOptions{})
	srv.SetLatency(250 * time.Millisecond)
	first := exec.Command(binary, "run", "--config", cfg, "--log-level", "debug")
	first.Env = append(os.Environ(), env...)
	stderr, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.Contains(sc.Text(), `msg="users page loaded"`) {
	}
	go io.Copy(io.Discard, stderr) //nolint:errcheck // drain so the first run never blocks on its logs

	_, errOut, code := runBinary(t, env, "run", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "a seatledger run is in progress") {
		t.Errorf("second run: exit %d, stderr %q; want a failure saying a run is in progress", code, errOut)
	}
	_, errOut, code = runBinary(t, env, "query", "--warehouse", wh, "SELECT 1")
	if code == 0 || !strings.Contains(errOut, "a seatledger run is in progress") {
		t.Errorf("query during a run: exit %d, stderr %q; want a refusal saying a run is in progress", code, errOut)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	db := openWarehouse(t, wh)
	if n := queryInt(t, db, "SELECT count(*) FROM etl_runs"); n != 1 {
		t.Errorf("etl_runs: got %d runs, want 1 (the refused run records nothing)", n)
	}
}

// TestPseudonymizedWorkbook: with reports.pseudonymize no user principal
// name, display name or mail address of the tenant reaches the workbook
// (written twice: a same-day re-run replaces it), and a missing key is a
// clear error. Pseudonym stability is transform's unit test.
func TestPseudonymizedWorkbook(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, "reports:\n  pseudonymize: true\n  pseudonym_key_env: PSEUDO_KEY\n")
	env := map[string]string{"PSEUDO_KEY": "a-key-of-32-bytes-for-the-tests!"}
	books := map[string]bool{}
	for run := range 2 {
		out, errOut, err := runMain(t, env, "demo", "--config", cfg, "--dir", filepath.Join(dir, "demo"), "--users", "200", "--throttle-rate", "0")
		if err != nil {
			t.Fatalf("demo %d: %v\n%s", run, err, errOut)
		}
		book := strings.TrimSpace(out[strings.Index(out, "workbook:")+len("workbook:"):])
		books[firstLine(book)] = true
	}
	if len(books) != 1 {
		t.Fatalf("workbooks: %v, want one (same day)", books)
	}
	var book string
	for b := range books {
		book = b
	}
	db := openWarehouse(t, filepath.Join(dir, "demo", "seatledger.duckdb"))
	rows, err := db.Query("SELECT user_principal_name, display_name, coalesce(mail, '') FROM raw_users WHERE account_enabled LIMIT 40")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var upn, name, mail string
		if err := rows.Scan(&upn, &name, &mail); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{upn, name, mail} {
			if v != "" && zipContains(t, book, v) {
				t.Errorf("the workbook holds %q", v)
			}
		}
		n++
	}
	if n == 0 || !zipContains(t, book, "@pseudonym.invalid") {
		t.Errorf("checked %d users; want pseudonyms in the workbook", n)
	}
	_, errOut, err := runMain(t, map[string]string{}, "demo", "--config", cfg, "--dir", filepath.Join(dir, "nokey"), "--users", "50")
	if err == nil || !strings.Contains(err.Error(), "PSEUDO_KEY") {
		t.Errorf("demo without the key: got %v (%s), want an error naming PSEUDO_KEY", err, errOut)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestSecretNeverInMetrics: serve with the canary secret; neither the
// scrape, the health endpoints nor the daemon's debug log show it, and
// while a separate run holds the warehouse the daemon keeps serving.
func TestSecretNeverInMetrics(t *testing.T) {
	_, cfg, env, _ := simServe(t, 200, graphsim.ServerOptions{ClientSecret: canary})
	env = append(env, "SIM_SECRET="+canary)
	p := startServe(t, env, "--config", cfg, "--log-level", "debug")
	p.waitLog(`msg="run done"`)
	var seen strings.Builder
	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		code, body := p.get(path)
		if code != 200 {
			t.Errorf("GET %s: %d", path, code)
		}
		seen.WriteString(body)
	}
	// A separate run takes the warehouse; the daemon still answers.
	if _, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
		t.Fatalf("separate run: exit %d\n%s", code, errOut)
	}
	if code, _ := p.get("/metrics"); code != 200 {
		t.Errorf("GET /metrics after a separate run: %d, want 200", code)
	}
	_, log := p.stop()
	seen.WriteString(log)
	if strings.Contains(seen.String(), canary) {
		t.Error("the secret appears in the metrics, health answers or serve's log")
	}
}
