package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRowSpool: rows beyond what a spool keeps in memory go to a temporary
// file and come back whole and in order; close removes the file.
func TestRowSpool(t *testing.T) {
	sp := &rowSpool{sheet: "Users"}
	var want bytes.Buffer
	line := []byte(strings.Repeat("x", 1000))
	for i := 0; want.Len() < 2*spoolMemory+12345; i++ {
		row := fmt.Appendf(nil, "<row r=\"%d\">%s</row>", i, line)
		want.Write(row)
		sp.buf = append(sp.buf, row...)
		if err := sp.spill(); err != nil {
			t.Fatal(err)
		}
	}
	if sp.file == nil {
		t.Fatal("no temporary file after twice the memory limit")
	}
	name := sp.file.Name()
	for range 2 { // a retried copy reads from the start again
		var got bytes.Buffer
		if err := sp.writeTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("got %d bytes back, want the %d written", got.Len(), want.Len())
		}
	}
	if err := sp.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("temporary file %s: got %v, want it removed", name, err)
	}
}

// TestSplicer: the rows go right after the first </row>, wherever the
// writes that carry the part's XML split it.
func TestSplicer(t *testing.T) {
	head := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;/row&gt;</t></is></c></row>`
	tail := `<row r="5"><c r="A5"><v>1</v></c></row></sheetData></worksheet>`
	rows := `<row r="2"/><row r="3"/>`
	for cut := 0; cut <= len(head+tail); cut++ {
		for _, step := range []int{1, 3, 7, 1 << 20} {
			sp := &rowSpool{sheet: "S", buf: []byte(rows)}
			var out bytes.Buffer
			s := &splicer{out: &out, spool: sp}
			in := head + tail
			for i := 0; i < len(in); {
				n := min(step, len(in)-i)
				if i < cut && i+n > cut {
					n = cut - i
				}
				if k, err := s.Write([]byte(in[i : i+n])); err != nil || k != n {
					t.Fatalf("cut %d step %d: write %d bytes: %d, %v", cut, step, n, k, err)
				}
				i += n
			}
			if got, want := out.String(), head+rows+tail; got != want || !sp.used {
				t.Fatalf("cut %d step %d: got %q (used %v), want %q", cut, step, got, sp.used, want)
			}
		}
	}
}

// TestSheetPath names excelize's worksheet parts by sheet id.
func TestSheetPath(t *testing.T) {
	ids := map[int]string{1: "Summary", 2: "Inventory", 7: "Users (2)"}
	for sheet, want := range map[string]string{"Summary": "xl/worksheets/sheet1.xml", "users (2)": "xl/worksheets/sheet7.xml"} {
		if got, err := sheetPath(ids, sheet); err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", sheet, got, err, want)
		}
	}
	if _, err := sheetPath(ids, "Spend"); err == nil {
		t.Error("a sheet not in the workbook: got no error")
	}
}

// TestSaveRefusesLostRows: rows whose sheet is not in the workbook, or
// whose part has no row to follow, are an error and no file, never a
// workbook without them.
func TestSaveRefusesLostRows(t *testing.T) {
	for _, tc := range []struct{ sheet, want string }{
		{"Missing", "not in the workbook"},
		{"Sheet1", "found no place in the zip"}, // a part without a header row
	} {
		f := excelize.NewFile()
		path := filepath.Join(t.TempDir(), "w.xlsx")
		err := save(f, path, []*rowSpool{{sheet: tc.sheet, buf: []byte(`<row r="2"/>`)}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.sheet, err, tc.want)
		}
		if _, serr := os.Stat(path); !os.IsNotExist(serr) {
			t.Errorf("%s: a workbook was left at %s", tc.sheet, path)
		}
		f.Close()
	}
}
