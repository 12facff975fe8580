package reports

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// unzip reads the one entry of a zip written by parallelZip back with
// archive/zip, which checks its CRC and sizes against the data.
func unzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 1 {
		t.Fatalf("zip holds %d entries, want 1", len(r.File))
	}
	rc, err := r.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc) // fails on a CRC or size mismatch
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// spliced writes head+tail as a worksheet entry through a splicer that
// puts sp's rows after the first </row>, in writes of step bytes (and a
// cut at cut), and returns the zip.
func spliced(t *testing.T, sp *rowSpool, head, tail string, cut, step int) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := newParallelZip(&buf)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := &splicer{out: w.(*zipEntry), spool: sp}
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
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRowSpool: rows are deflated as they come; beyond what a spool keeps
// in memory they go to a temporary file; spliced into an entry they come
// back whole and in order, with the entry's CRC and sizes right; close
// removes the file.
func TestRowSpool(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name  string
		noise bool // incompressible rows: past spoolMemory deflated
		size  int
	}{
		{"a few rows", false, 100},
		{"chunks of XML", false, 3*zipChunk + 12345},
		{"past the memory", true, spoolMemory*3/2 + 777}, // base64 deflates to about 3/4
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := &rowSpool{sheet: "Users", buf: getChunk()}
			var want bytes.Buffer
			for i := 0; want.Len() < tc.size; i++ {
				line := strings.Repeat("x", 1000)
				if tc.noise {
					b := make([]byte, 750)
					for j := range b {
						b[j] = byte(rng.Uint32())
					}
					line = base64.StdEncoding.EncodeToString(b)
				}
				row := fmt.Appendf(nil, "<row r=\"%d\">%s</row>", i, line)
				want.Write(row)
				sp.buf = append(sp.buf, row...)
				if err := sp.spill(); err != nil {
					t.Fatal(err)
				}
			}
			if err := sp.finish(); err != nil {
				t.Fatal(err)
			}
			if (sp.file != nil) != tc.noise {
				t.Fatalf("temporary file: got %v, want one only past spoolMemory deflated bytes (%d held)", sp.file != nil, sp.size)
			}
			var name string
			if sp.file != nil {
				name = sp.file.Name()
			}
			head, tail := `<worksheet><sheetData><row r="0"></row>`, `</sheetData></worksheet>`
			for range 2 { // a retried copy reads from the start again
				sp.used = false
				got := unzip(t, spliced(t, sp, head, tail, 0, 1<<20))
				if w := head + want.String() + tail; string(got) != w {
					t.Fatalf("got %d bytes back, want the %d written", len(got), len(w))
				}
			}
			if err := sp.close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(name); name != "" && !os.IsNotExist(err) {
				t.Errorf("temporary file %s: got %v, want it removed", name, err)
			}
		})
	}
}

// TestSplicer: the rows go right after the first </row>, wherever the
// writes that carry the part's XML split it, and before and after a
// chunk boundary of the entry.
func TestSplicer(t *testing.T) {
	head := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;/row&gt;</t></is></c></row>`
	tail := `<row r="5"><c r="A5"><v>1</v></c></row></sheetData></worksheet>`
	rows := `<row r="2"/><row r="3"/>`
	long := strings.Repeat(`<col min="1" max="1" width="9"/>`, zipChunk/32+5) // the entry passes a chunk first
	for _, pre := range []string{"", long} {
		for cut := 0; cut <= len(head+tail); cut++ {
			for _, step := range []int{1, 3, 7, 1 << 20} {
				if pre != "" && step < 7 {
					continue // a megabyte a byte at a time proves nothing more
				}
				sp := &rowSpool{sheet: "S", buf: append(getChunk(), rows...)}
				got := unzip(t, spliced(t, sp, pre+head, tail, len(pre)+cut, step))
				if want := pre + head + rows + tail; string(got) != want || !sp.used {
					t.Fatalf("pre %d cut %d step %d: got %d bytes (used %v), want %d", len(pre), cut, step, len(got), sp.used, len(want))
				}
			}
		}
	}
}

// TestCRC32Combine: the CRC of two parts combined is the CRC of the
// whole, for empty, short and long second parts.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {100, 3}, {3, 100_000}, {zipChunk, zipChunk + 17}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), uint64(len(b)))
		if want := crc32.ChecksumIEEE(append(a, b...)); got != want {
			t.Errorf("lengths %v: got %08x, want %08x", n, got, want)
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
