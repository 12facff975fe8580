package reports_test

import (
	"archive/zip"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seatledger/seatledger/reports"
)

var update = flag.Bool("update", false, "rewrite golden files")

func rowsOf(rows [][]any) func(func([]any) error) error {
	return func(yield func([]any) error) error {
		for _, r := range rows {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func sampleWorkbook() reports.Workbook {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	inv := [][]any{
		{"contoso", day, "SPE_E3", "Microsoft 365 E3", int64(100), int64(90), int64(10), "USD", 468.0, 46800.0},
		{"contoso", day, "POWER_BI_PRO", "Power BI Pro", int64(20), int64(25), int64(0), "USD", nil, nil},
	}
	users := [][]any{
		{"contoso", "u1", "Alice@contoso.example", true, day.AddDate(0, 0, -95), int64(95)},
		{"contoso", "u2", "bob@contoso.example", false, nil, nil},
		{"contoso", "u3", "Zoë Ünicode <x>&", true, day, int64(0)},
	}
	return reports.Workbook{Sheets: []reports.Sheet{
		{Name: "Inventory", Columns: reports.ColumnsFor([]string{"tenant", "as_of", "sku_part_number", "product_name",
			"active_units", "consumed_units", "unused_units", "currency", "unit_price_annual", "annual_cost"}),
			RowCount: len(inv), Rows: rowsOf(inv)},
		{Name: "Users", Columns: reports.ColumnsFor([]string{"tenant", "user_id", "user_principal_name",
			"account_enabled", "last_activity_date", "idle_days"}), RowCount: len(users), Rows: rowsOf(users)},
	}}
}

func TestWriteGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := reports.Write(context.Background(), path, sampleWorkbook()); err != nil {
		t.Fatal(err)
	}
	got := dump(t, path)
	golden := filepath.Join("testdata", "golden", "sample.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("workbook dump differs from %s (run with -update after checking)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
}

// dump renders a workbook as text: per sheet its dimension, panes, column
// widths, tables, and every cell's value and number format.
func dump(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		dim, _ := f.GetSheetDimension(sh)
		panes, _ := f.GetPanes(sh)
		fmt.Fprintf(&b, "== %s dimension=%s freeze=%v ysplit=%d\n", sh, dim, panes.Freeze, panes.YSplit)
		tables, _ := f.GetTables(sh)
		for _, tb := range tables {
			fmt.Fprintf(&b, "table %s %s style=%s\n", tb.Name, tb.Range, tb.StyleName)
		}
		rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
		for r, row := range rows {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				v, _ := f.GetCellValue(sh, cell)
				sid, _ := f.GetCellStyle(sh, cell)
				st, _ := f.GetStyle(sid)
				nf := ""
				if st != nil && st.CustomNumFmt != nil {
					nf = *st.CustomNumFmt
				}
				if r == 0 {
					col, _ := excelize.ColumnNumberToName(c + 1)
					w, _ := f.GetColWidth(sh, col)
					nf = fmt.Sprintf("width=%g bold=%v", w, st != nil && st.Font != nil && st.Font.Bold)
				}
				fmt.Fprintf(&b, "%s=%q [%s]\n", cell, v, nf)
			}
		}
	}
	return b.String()
}

func TestContinuationSheets(t *testing.T) {
	defer reports.SetMaxDataRows(10)()
	var rows [][]any
	for i := range 25 {
		rows = append(rows, []any{fmt.Sprintf("u%02d", i), int64(i)})
	}
	wb := reports.Workbook{Sheets: []reports.Sheet{{Name: "Users", Columns: reports.ColumnsFor([]string{"user_id", "idle_days"}),
		RowCount: len(rows), Rows: rowsOf(rows)}}}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := reports.Write(context.Background(), path, wb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]int{"Users": 10, "Users (2)": 10, "Users (3)": 5}
	if got := f.GetSheetList(); strings.Join(got, ",") != "Users,Users (2),Users (3)" {
		t.Fatalf("got sheets %v, want Users, Users (2), Users (3)", got)
	}
	total := 0
	for sh, n := range want {
		r, _ := f.GetRows(sh)
		if len(r)-1 != n {
			t.Errorf("%s: got %d data rows, want %d", sh, len(r)-1, n)
		}
		if r[0][0] != "User id" {
			t.Errorf("%s: got header %q, want %q", sh, r[0][0], "User id")
		}
		tables, _ := f.GetTables(sh)
		if len(tables) != 1 {
			t.Errorf("%s: got %d tables, want 1", sh, len(tables))
		}
		total += len(r) - 1
	}
	if total != 25 {
		t.Errorf("got %d rows in all, want 25", total)
	}
	checkDimensions(t, path, map[string]string{"sheet1": "A1:B11", "sheet2": "A1:B11", "sheet3": "A1:B6"})
}

func TestRowCountMismatch(t *testing.T) {
	rows := [][]any{{"a"}, {"b"}}
	for _, n := range []int{1, 3} {
		wb := reports.Workbook{Sheets: []reports.Sheet{{Name: "S", Columns: reports.ColumnsFor([]string{"x"}), RowCount: n, Rows: rowsOf(rows)}}}
		path := filepath.Join(t.TempDir(), "x.xlsx")
		err := reports.Write(context.Background(), path, wb)
		if err == nil || !strings.Contains(err.Error(), "sheet S") {
			t.Errorf("RowCount %d: got %v, want an error naming sheet S", n, err)
		}
		if _, serr := os.Stat(path); serr == nil {
			t.Errorf("RowCount %d: a failed write left %s behind", n, path)
		}
	}
}

var dimRE = regexp.MustCompile(`<dimension ref="([^"]+)"`)

// checkDimensions reads each sheet's XML and compares its <dimension ref>.
func checkDimensions(t *testing.T, path string, want map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]string{}
	for _, zf := range zr.File {
		name, ok := strings.CutPrefix(zf.Name, "xl/worksheets/")
		if !ok || !strings.HasSuffix(name, ".xml") {
			continue
		}
		rc, _ := zf.Open()
		head := make([]byte, 8192)
		n, _ := io.ReadFull(rc, head)
		rc.Close()
		got[strings.TrimSuffix(name, ".xml")] = "no <dimension> in the first 8 KiB"
		if m := dimRE.FindSubmatch(head[:n]); m != nil {
			got[strings.TrimSuffix(name, ".xml")] = string(m[1])
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got dimension %q, want %q", k, got[k], v)
		}
	}
}

// TestOpenpyxlReadOnly reads the workbook the way pandas.read_excel does:
// openpyxl in read-only mode, which trusts each sheet's dimension.
func TestOpenpyxlReadOnly(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s with openpyxl (Debian python3-openpyxl): %v", py, err)
		}
		t.Skipf("needs %s with openpyxl (apt-get install python3-openpyxl)", py)
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := reports.Write(context.Background(), path, sampleWorkbook()); err != nil {
		t.Fatal(err)
	}
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    print(ws.title, len(rows), max(len(r) for r in rows))`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(lines)
	if got, want := strings.Join(lines, "|"), "Inventory 3 10|Users 4 6"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLibreOfficeOpens converts the workbook headless, as a check that
// LibreOffice opens it cleanly.
func TestLibreOfficeOpens(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI needs soffice (Debian libreoffice-calc-nogui)")
		}
		t.Skip("needs soffice (apt-get install libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	if err := reports.Write(context.Background(), path, sampleWorkbook()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "lo"),
		"--convert-to", "csv", "--outdir", filepath.Join(dir, "out"), path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "out", "book.csv"))
	if err != nil {
		t.Fatalf("no CSV from soffice: %v\n%s", err, out)
	}
	if !strings.Contains(string(csv), "SPE_E3") {
		t.Errorf("got CSV %q, want it to contain the first sheet's rows", csv)
	}
}
