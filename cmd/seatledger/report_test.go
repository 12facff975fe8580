package main

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

// sheetMarts are the workbook's mart sheets and the mart each shows.
var sheetMarts = []struct{ sheet, mart string }{
	{"Inventory", "mart_license_inventory"},
	{"Candidates", "mart_reclamation_candidates"},
	{"Spend", "mart_spend"},
	{"Renewals", "mart_renewals"},
	{"Users", "mart_user_licenses"},
	{"Findings", "mart_findings"},
}

// needExternal skips a test whose tool is missing, except in CI, where
// .ci/run installs it and a missing tool is a failure.
func needExternal(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing (.ci/run installs it)", what)
	}
	t.Skipf("skipped: %s is missing (set CI to make this a failure)", what)
}

// demoWorkbook is the workbook the shared demo run wrote, and the counts
// of its marts.
func demoWorkbook(t *testing.T) (string, map[string]int64) {
	t.Helper()
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	books, _ := filepath.Glob(filepath.Join(filepath.Dir(wh), "seatledger-*.xlsx"))
	if len(books) != 1 {
		t.Fatalf("got workbooks %v from the demo, want one", books)
	}
	db := openWarehouse(t, wh)
	counts := map[string]int64{}
	for _, sm := range sheetMarts {
		counts[sm.sheet] = queryInt(t, db, "SELECT count(*) FROM "+sm.mart)
	}
	return books[0], counts
}

// tableRows counts a sheet's header and data rows: the rows before the
// first empty one (Spend's subtotal block follows an empty row).
func tableRows(records [][]string) int64 {
	for i, r := range records {
		if strings.Join(r, "") == "" {
			return int64(i)
		}
	}
	return int64(len(records))
}

func TestDemoWorkbookOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	needExternal(t, err == nil, "soffice (Debian libreoffice-calc-nogui)")
	book, counts := demoWorkbook(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The last filter option (-1) writes one CSV per sheet: book-Sheet.csv.
	filter := "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
	out, err := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", filepath.Join(dir, "out"), book).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to csv: %v\n%s", err, out)
	}
	base := strings.TrimSuffix(filepath.Base(book), ".xlsx")
	if _, err := os.Stat(filepath.Join(dir, "out", base+"-Summary.csv")); err != nil {
		t.Errorf("no Summary CSV from soffice: %v\n%s", err, out)
	}
	for _, sm := range sheetMarts {
		t.Run(sm.sheet, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, "out", base+"-"+sm.sheet+".csv"))
			if err != nil {
				t.Fatalf("no CSV of %s from soffice: %v\n%s", sm.sheet, err, out)
			}
			defer f.Close()
			r := csv.NewReader(f)
			r.FieldsPerRecord = -1
			records, err := r.ReadAll()
			if err != nil {
				t.Fatalf("read soffice's CSV: %v", err)
			}
			if got, want := tableRows(records), counts[sm.sheet]+1; got != want {
				t.Errorf("LibreOffice reads %d table rows, want %d (header + %s rows)", got, want, sm.mart)
			}
		})
	}
}

func TestDemoWorkbookReadsWholeWithOpenpyxl(t *testing.T) {
	py := "/usr/bin/python3"
	needExternal(t, exec.Command(py, "-c", "import openpyxl").Run() == nil, py+" with openpyxl (Debian python3-openpyxl)")
	book, counts := demoWorkbook(t)
	// read_only=True is what pandas.read_excel uses: it trusts each
	// sheet's dimension, so a wrong one truncates or pads the data.
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    table = next((i for i, r in enumerate(rows) if all(v is None for v in r)), len(rows))
    print(ws.title, ws.max_row, len(rows), table, sep="\t")`
	out, err := exec.Command(py, "-c", script, book).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	got := map[string][]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		for _, s := range f[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			got[f[0]] = append(got[f[0]], n)
		}
	}
	if _, ok := got["Summary"]; !ok {
		t.Errorf("no Summary sheet in %s", out)
	}
	for _, sm := range sheetMarts {
		g := got[sm.sheet]
		if len(g) != 3 {
			t.Errorf("%s: no such sheet in openpyxl's output\n%s", sm.sheet, out)
			continue
		}
		if g[0] != g[1] {
			t.Errorf("%s: dimension says %d rows, openpyxl reads %d, want them equal", sm.sheet, g[0], g[1])
		}
		if want := counts[sm.sheet] + 1; g[2] != want {
			t.Errorf("%s: got %d table rows, want %d (header + %s rows)", sm.sheet, g[2], want, sm.mart)
		}
	}
}

// backdatedWarehouse copies the demo's warehouse and adds a snapshot days
// earlier: the same rows minus about a third of the licences, so that a
// report of that day differs from the latest.
func backdatedWarehouse(t *testing.T, days int) (string, time.Time) {
	t.Helper()
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	b, err := os.ReadFile(wh)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "seatledger.duckdb")
	writeFile(t, path, string(b))
	w, err := load.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	db := w.SQLForTests()
	var latest time.Time
	if err := db.QueryRow("SELECT max(snapshot_date) FROM snapshots").Scan(&latest); err != nil {
		t.Fatal(err)
	}
	old := latest.AddDate(0, 0, -days)
	backdate := func(list, stmt string, args ...any) {
		rows, err := db.Query(list)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, s)
		}
		rows.Close()
		for _, tb := range tables {
			if _, err := db.Exec(strings.ReplaceAll(stmt, "%t", tb), args...); err != nil {
				t.Fatalf("backdate %s: %v", tb, err)
			}
		}
	}
	// Every night-keyed table gets a copy of the latest night on the old
	// day; the versions valid since the latest day become valid since the
	// old one, but for a third of the licences, which the old day lacks.
	backdate(`SELECT table_name FROM information_schema.columns c JOIN information_schema.tables USING (table_schema, table_name)
		WHERE c.column_name = 'snapshot_date' AND table_type = 'BASE TABLE' AND table_name NOT IN ('etl_runs', 'user_delta_state')`,
		"INSERT INTO %t SELECT * REPLACE (CAST(? AS DATE) AS snapshot_date) FROM %t WHERE snapshot_date = ?", old, latest)
	backdate("SELECT table_name FROM duckdb_tables() WHERE ends_with(table_name, '_versions')",
		"UPDATE %t SET valid_from = ? WHERE valid_from = ?", old, latest)
	if _, err := db.Exec("UPDATE raw_user_licenses_versions SET valid_from = ? WHERE hash(user_id) % 3 = 0", latest); err != nil {
		t.Fatal(err)
	}
	// The copied marts still show the deleted licences: compute them anew.
	if _, _, err := w.Rebuild(context.Background(), load.RebuildOptions{From: old, To: old}); err != nil {
		t.Fatal(err)
	}
	return path, old
}

func TestReport(t *testing.T) {
	wh, old := backdatedWarehouse(t, 7)
	db := openWarehouse(t, wh)
	latestUsers := queryInt(t, db, "SELECT count(*) FROM mart_user_licenses")
	oldUsers := queryInt(t, db, "SELECT count(*) FROM mart_user_licenses_history WHERE snapshot_date = ?", old)
	latestDay := queryInt(t, db, "SELECT CAST(strftime(max(snapshot_date), '%Y%m%d') AS BIGINT) FROM snapshots")
	db.Close() // report opens it with other settings (AsOf)
	if oldUsers >= latestUsers || oldUsers == 0 {
		t.Fatalf("scenario: got %d licence rows on %s and %d latest, want fewer but some", oldUsers, old.Format(time.DateOnly), latestUsers)
	}
	day := old.Format(time.DateOnly)
	latest, _ := time.Parse("20060102", strconv.FormatInt(latestDay, 10))
	dir := t.TempDir()
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		wantBook  string
		wantUsers int64
		wantOut   string
	}{
		{"latest", nil, nil, "seatledger-" + latest.Format(time.DateOnly) + ".xlsx", latestUsers, "snapshot " + latest.Format(time.DateOnly)},
		{"as of the old snapshot", []string{"--as-of", day}, nil, "seatledger-" + day + ".xlsx", oldUsers, "tenant demo: snapshot " + day},
		{"as of a day between takes the one before", []string{"--as-of", old.AddDate(0, 0, 3).Format(time.DateOnly)}, nil,
			"seatledger-" + day + ".xlsx", oldUsers, "tenant demo: snapshot " + day},
		{"older than keep newest is kept", []string{"--as-of", day}, map[string]string{"SEATLEDGER_REPORTS_KEEP": "1"},
			"seatledger-" + day + ".xlsx", oldUsers, "kept: the workbook is older than the newest 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"report", "--warehouse", wh, "--dir", dir}, tc.args...)
			out, stderr, err := runMain(t, tc.env, args...)
			if err != nil {
				t.Fatalf("report: %v\n%s", err, stderr)
			}
			if want := "workbook:  " + filepath.Join(dir, tc.wantBook); !strings.Contains(out, want) || !strings.Contains(out, tc.wantOut) {
				t.Errorf("got output\n%s\nwant it to contain %q and %q", out, want, tc.wantOut)
			}
			if got := openXLSX(t, filepath.Join(dir, tc.wantBook)).dimensions()["Users"]; got != tc.wantUsers+1 {
				t.Errorf("Users sheet: got %d rows, want %d (header + %d licences)", got, tc.wantUsers+1, tc.wantUsers)
			}
		})
	}
	if books, _ := filepath.Glob(filepath.Join(dir, "seatledger-*.xlsx")); len(books) != 2 {
		t.Errorf("got workbooks %v, want the latest and the old one", books)
	}
	for _, tc := range []struct {
		name, asOf, want string
		code             int
	}{
		{"before every snapshot", old.AddDate(0, 0, -1).Format(time.DateOnly), "no snapshot on or before that day (the first is " + day + ")", 2},
		{"not a date", "31/10/2026", `--as-of: want a date as YYYY-MM-DD, got "31/10/2026"`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runMain(t, nil, "report", "--warehouse", wh, "--dir", dir, "--as-of", tc.asOf)
			var ec exitCoder
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ec) || ec.ExitCode() != tc.code {
				t.Errorf("got error %v, want exit %d with %q", err, tc.code, tc.want)
			}
		})
	}
}

// TestReportTenant: --tenant writes a workbook of that tenant into its own
// directory; an unknown tenant is a usage error naming those there are.
// (That every mart follows the filter is load's TestOnlyTenantsScopesEveryView.)
func TestReportTenant(t *testing.T) {
	wh, err := demoWarehouse()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, "reports:\n  dir: "+filepath.Join(dir, "reports")+"\n")
	out, errOut, err := runMain(t, nil, "report", "--config", cfg, "--warehouse", wh, "--tenant", "demo")
	if err != nil {
		t.Fatalf("report --tenant demo: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, filepath.Join(dir, "reports", "demo", "seatledger-")) {
		t.Errorf("report --tenant demo: got %q, want the workbook under reports/demo/", out)
	}
	_, _, err = runMain(t, nil, "report", "--config", cfg, "--warehouse", wh, "--tenant", "fabrikam")
	var ec exitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), "have demo") {
		t.Errorf("report --tenant fabrikam: got %v, want exit 2 naming the tenants there are", err)
	}
}
