package reports_test

import (
	"archive/zip"
	"fmt"
	"html"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// dump renders a workbook as text: per sheet its dimension (from the
// sheet XML), panes, column widths and visibility, tables, conditional
// formats, and every cell's value, number format and emphasis; then the
// charts with their types and data references.
func dump(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	dims := sheetDimensions(t, path)
	var b strings.Builder
	for i, sh := range f.GetSheetList() {
		panes, _ := f.GetPanes(sh)
		fmt.Fprintf(&b, "== %s dimension=%s freeze=%v ysplit=%d\n", sh, dims[fmt.Sprintf("sheet%d", i+1)], panes.Freeze, panes.YSplit)
		dumpTables(&b, f, sh)
		dumpCells(&b, f, sh)
	}
	dumpCharts(t, &b, path)
	return b.String()
}

func dumpTables(b *strings.Builder, f *excelize.File, sh string) {
	tables, _ := f.GetTables(sh)
	for _, tb := range tables {
		fmt.Fprintf(b, "table %s %s style=%s\n", tb.Name, tb.Range, tb.StyleName)
	}
	cfs, _ := f.GetConditionalFormats(sh)
	refs := make([]string, 0, len(cfs))
	for ref := range cfs {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		for _, cf := range cfs[ref] {
			fill := ""
			if cf.Format != nil {
				if st, err := f.GetConditionalStyle(*cf.Format); err == nil && len(st.Fill.Color) > 0 {
					fill = st.Fill.Color[0]
				}
			}
			fmt.Fprintf(b, "highlight %s %s %q fill=%s stop=%v\n", ref, cf.Type, cf.Criteria, fill, cf.StopIfTrue)
		}
	}
}

func dumpCells(b *strings.Builder, f *excelize.File, sh string) {
	rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	for c := 1; c <= width; c++ {
		col, _ := excelize.ColumnNumberToName(c)
		w, _ := f.GetColWidth(sh, col)
		vis, _ := f.GetColVisible(sh, col)
		fmt.Fprintf(b, "col %s width=%g visible=%v\n", col, w, vis)
	}
	for r, row := range rows {
		for c := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			v, _ := f.GetCellValue(sh, cell)
			raw, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
			if v == "" && raw == "" {
				continue
			}
			sid, _ := f.GetCellStyle(sh, cell)
			st, _ := f.GetStyle(sid)
			var notes []string
			if st != nil && st.CustomNumFmt != nil {
				notes = append(notes, *st.CustomNumFmt)
			}
			if st != nil && st.Font != nil && st.Font.Bold {
				notes = append(notes, "bold")
			}
			if v != raw {
				v += " (" + raw + ")"
			}
			fmt.Fprintf(b, "%s=%q [%s]\n", cell, v, strings.Join(notes, " "))
		}
	}
}

var (
	dimRE       = regexp.MustCompile(`<dimension ref="([^"]+)"`)
	chartKindRE = regexp.MustCompile(`<(barChart|lineChart|pieChart|areaChart)><barDir val="(\w+)">|<(lineChart)>`)
	groupingRE  = regexp.MustCompile(`<grouping val="(\w+)">`)
	chartRefRE  = regexp.MustCompile(`<f>([^<]+)</f>`)
)

// sheetDimensions reads each sheet's XML and returns its <dimension ref>,
// by part name ("sheet1").
func sheetDimensions(t *testing.T, path string) map[string]string {
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
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 8192)
		n, _ := io.ReadFull(rc, head)
		rc.Close()
		key := strings.TrimSuffix(name, ".xml")
		got[key] = "none in the first 8 KiB"
		if m := dimRE.FindSubmatch(head[:n]); m != nil {
			got[key] = string(m[1])
		}
	}
	return got
}

func dumpCharts(t *testing.T, b *strings.Builder, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			names = append(names, zf.Name)
			files[zf.Name] = zf
		}
	}
	sort.Strings(names)
	for _, n := range names {
		rc, err := files[n].Open()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := io.ReadAll(rc)
		rc.Close()
		kind, grouping := "?", "?"
		if m := chartKindRE.FindSubmatch(x); m != nil {
			kind = strings.Trim(string(m[1])+" "+string(m[2])+string(m[3]), " ")
		}
		if m := groupingRE.FindSubmatch(x); m != nil {
			grouping = string(m[1])
		}
		var refs []string
		for _, m := range chartRefRE.FindAllSubmatch(x, -1) {
			refs = append(refs, html.UnescapeString(string(m[1])))
		}
		fmt.Fprintf(b, "chart %s %s %s %s\n", n, kind, grouping, strings.Join(refs, " "))
	}
}
