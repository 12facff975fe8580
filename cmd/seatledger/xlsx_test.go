package main

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// xlsx reads a workbook back from its parts, as a reader that knows only
// the file format sees it (package reports is the one that uses excelize).
type xlsx struct {
	t      *testing.T
	path   string
	zr     *zip.ReadCloser
	sheets map[string]string // sheet name → its part, xl/worksheets/…
	order  []string
}

func openXLSX(t *testing.T, book string) *xlsx {
	t.Helper()
	zr, err := zip.OpenReader(book)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	x := &xlsx{t: t, path: book, zr: zr, sheets: map[string]string{}}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	x.read("xl/workbook.xml", &wb)
	x.read("xl/_rels/workbook.xml.rels", &rels)
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				x.sheets[s.Name] = path.Join("xl", strings.TrimPrefix(r.Target, "/xl/"))
				x.order = append(x.order, s.Name)
			}
		}
	}
	return x
}

func (x *xlsx) read(name string, v any) {
	x.t.Helper()
	f, err := x.zr.Open(name)
	if err != nil {
		x.t.Fatalf("%s in %s: %v", name, x.path, err)
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		x.t.Fatalf("%s in %s: %v", name, x.path, err)
	}
}

func (x *xlsx) part(sheet string) string {
	x.t.Helper()
	p, ok := x.sheets[sheet]
	if !ok {
		x.t.Fatalf("%s: no sheet %q (sheets: %v)", x.path, sheet, x.order)
	}
	return p
}

// dimensions are each sheet's last row from its <dimension>, what pandas
// trusts.
func (x *xlsx) dimensions() map[string]int64 {
	out := map[string]int64{}
	for _, name := range x.order {
		var ws struct {
			Dim struct {
				Ref string `xml:"ref,attr"`
			} `xml:"dimension"`
		}
		x.read(x.part(name), &ws)
		ref := ws.Dim.Ref[strings.LastIndexByte(ws.Dim.Ref, ':')+1:]
		n, _ := strconv.ParseInt(strings.TrimLeft(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 10, 64)
		out[name] = n
	}
	return out
}

// rows are a sheet's cells, values raw as stored (numbers as written,
// shared and inline strings resolved), one slice a row without the empty
// cells' positions kept: enough to find values in a row.
func (x *xlsx) rows(sheet string) [][]string {
	x.t.Helper()
	var out [][]string
	for _, r := range x.grid(sheet) {
		if r != nil { // written
			out = append(out, slices.DeleteFunc(r, func(v string) bool { return v == "" }))
		}
	}
	return out
}

// grid is like rows, but each row holds its cells at their column's
// index (A is 0), the empty ones "", and rows not written are there,
// empty.
func (x *xlsx) grid(sheet string) [][]string {
	x.t.Helper()
	var shared []string
	if _, err := x.zr.Open("xl/sharedStrings.xml"); err == nil {
		var sst struct {
			SI []struct {
				T string   `xml:"t"`
				R []string `xml:"r>t"`
			} `xml:"si"`
		}
		x.read("xl/sharedStrings.xml", &sst)
		for _, si := range sst.SI {
			shared = append(shared, si.T+strings.Join(si.R, ""))
		}
	}
	var ws struct {
		Rows []struct {
			R     int `xml:"r,attr"`
			Cells []struct {
				Ref    string `xml:"r,attr"`
				Type   string `xml:"t,attr"`
				V      string `xml:"v"`
				Inline string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	x.read(x.part(sheet), &ws)
	out := make([][]string, 0, len(ws.Rows))
	for _, r := range ws.Rows {
		for r.R > len(out)+1 { // rows not written are empty
			out = append(out, nil)
		}
		row := []string{} // written, even without a cell
		for _, c := range r.Cells {
			col := 0
			for _, ch := range strings.TrimRight(c.Ref, "0123456789") {
				col = col*26 + int(ch-'A'+1)
			}
			if col == 0 { // no reference: the next column
				col = len(row) + 1
			}
			for len(row) < col {
				row = append(row, "")
			}
			switch c.Type {
			case "s":
				i, err := strconv.Atoi(c.V)
				if err != nil || i < 0 || i >= len(shared) {
					x.t.Fatalf("%s sheet %s: shared string %q of %d", x.path, sheet, c.V, len(shared))
				}
				row[col-1] = shared[i]
			case "inlineStr":
				row[col-1] = c.Inline
			default:
				row[col-1] = c.V
			}
		}
		out = append(out, row)
	}
	return out
}
