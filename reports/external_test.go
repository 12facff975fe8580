package reports_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/seatledger/seatledger/reports"
)

// needTool skips a test whose tool is missing, except in CI, where .ci/run
// installs it and a missing tool is a failure.
func needTool(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI needs %s", what)
	}
	t.Skipf("needs %s", what)
}

// sheetSizes is each sheet's "title rows columns", as excelize reads it.
func sheetSizes(t *testing.T, path string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		out = append(out, fmt.Sprintf("%s %d %d", sh, len(rows), cols))
	}
	sort.Strings(out)
	return out
}

// TestOpenpyxlReadOnly reads every sheet the way pandas.read_excel does:
// openpyxl in read-only mode, which trusts each sheet's dimension.
func TestOpenpyxlReadOnly(t *testing.T) {
	py := "/usr/bin/python3"
	needTool(t, exec.Command(py, "-c", "import openpyxl").Run() == nil, py+" with openpyxl (Debian python3-openpyxl)")
	defer reports.SetMaxDataRows(2)() // Users continues on "Users (2)"
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := reports.Write(context.Background(), path, marts()); err != nil {
		t.Fatal(err)
	}
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    cols = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    print(ws.title, len(rows), cols)`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(got)
	want := sheetSizes(t, path)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("openpyxl read-only got sheets (title rows cols)\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(out), "Users (2) ") {
		t.Errorf("got %q, want a Users (2) sheet", out)
	}
}

// TestLibreOfficeOpens converts every sheet to CSV headless, as a check
// that LibreOffice opens the workbook cleanly and reads the data.
func TestLibreOfficeOpens(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	needTool(t, err == nil, "soffice (Debian libreoffice-calc-nogui)")
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	if err := reports.Write(context.Background(), path, marts()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The last filter option (-1) writes one CSV per sheet.
	filter := "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", filepath.Join(dir, "out"), path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, tc := range []struct{ sheet, want string }{
		{"Summary", "All tenants,USD,134,120,14,10"},
		{"Inventory", "fabrikam,2026-11-20,SPE_E3,Microsoft 365 E3,50,45,5,EUR"},
		{"Candidates", "2026-08-22,,2026-08-01,2026-08-22"},
		{"Spend", "contoso,,SPE_E3,,,USD,110,"},
		{"Renewals", "contoso,s1,SPE_E3,Enabled,FALSE,124,2024-11-20,2026-12-15,25,"},
		{"Users", "Zoë Ünicode <x>&"},
		{"Findings", "fabrikam,2026-11-20,info,missing_price,FLOW_FREE,no price"},
	} {
		t.Run(tc.sheet, func(t *testing.T) {
			csv, err := os.ReadFile(filepath.Join(dir, "out", "book-"+tc.sheet+".csv"))
			if err != nil {
				t.Fatalf("no CSV of %s from soffice: %v\n%s", tc.sheet, err, out)
			}
			if !strings.Contains(string(csv), tc.want) {
				t.Errorf("got CSV\n%s\nwant it to contain %q", csv, tc.want)
			}
		})
	}
}

// TestLibreOfficeKeepsCharts converts the workbook to ODS and counts the
// charts LibreOffice found on the Summary sheet, with their data ranges.
func TestLibreOfficeKeepsCharts(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	needTool(t, err == nil, "soffice (Debian libreoffice-calc-nogui)")
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	if err := reports.Write(context.Background(), path, marts()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "ods", "--outdir", dir, path).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "book.ods"))
	if err != nil {
		t.Fatalf("no ODS from soffice: %v\n%s", err, out)
	}
	defer zr.Close()
	var got []string
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "Object ") || !strings.HasSuffix(zf.Name, "/content.xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := io.ReadAll(rc)
		rc.Close()
		if i := strings.Index(string(x), `chart:values-cell-range-address="`); i >= 0 {
			rest := string(x)[i+len(`chart:values-cell-range-address="`):]
			got = append(got, rest[:strings.IndexByte(rest, '"')])
		}
	}
	sort.Strings(got)
	want := []string{"Summary.B24:Summary.B25", "Summary.B30:Summary.B31", "Summary.D18:Summary.D19"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got charts with first series %v, want %v", got, want)
	}
}
