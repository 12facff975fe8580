package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestRowEncoderMatchesExcelize writes the same rows with excelize's
// StreamWriter.SetRow and with rowEncoder and wants the same sheetData
// XML, byte for byte, for every kind of value a sheet part writes.
func TestRowEncoderMatchesExcelize(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"", "a", "alice@contoso.example", "Sales & Marketing", `say "hi"`, "it's", "<b>", "a > b",
		" leading", "trailing ", "\ttab", "line\nbreak", "cr\r", "mid\tdle", "Zoë Ødegård", "日本語",
		"emoji 😀", "_x0041_", "a_x005F_b", "_x005F_x0041_", "_xD800_", "_x12g4_", "x_", "_x",
		"ctrl\x01char", "bad utf8 \xff", strings.Repeat("é", 40000), strings.Repeat("😀", 20000),
		strings.Repeat("a", 32767), strings.Repeat("a", 32768),
	}
	floats := []float64{0, 1, -1, 0.1, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 57.5999999999999, 979.199999999999,
		123456789012345678, 1e20, 1e-7, -1e-300, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.NaN(), math.Inf(1), math.Inf(-1), 468.00, 90720.5}
	times := []time.Time{
		time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 13, 45, 30, 123456789, time.UTC),
		time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 1, 20, 0, 0, 0, ny), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	var rows [][]any
	for _, s := range texts {
		rows = append(rows, []any{s, excelize.Cell{StyleID: 2, Value: s}, []byte(s), nil})
	}
	for _, f := range floats {
		rows = append(rows, []any{f, float32(f), &excelize.Cell{StyleID: 3, Value: f}, nil, excelize.Cell{StyleID: 3}})
	}
	rows = append(rows,
		[]any{int64(-5), int(7), int8(-8), int16(16), int32(-32), uint(1), uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64)},
		[]any{true, false, excelize.Cell{StyleID: 4, Value: true}, nil, nil, int64(math.MinInt64)},
		[]any{struct{ A int }{1}, time.Month(3), errors.New("x")},
	)
	for _, tm := range times {
		rows = append(rows, []any{excelize.Cell{StyleID: 5, Value: tm}, &excelize.Cell{StyleID: 6, Value: tm}})
	}

	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatalf("excelize row %d: %v", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	want := sheetData(t, buf.Bytes(), "xl/worksheets/sheet1.xml")

	e, err := newRowEncoder(10)
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for i, r := range rows {
		if got, err = e.row(got, i+1, r); err != nil {
			t.Fatalf("encoder row %d: %v", i+1, err)
		}
	}
	wantRows := strings.SplitAfter(want, "</row>")
	gotRows := strings.SplitAfter(string(got), "</row>")
	if len(gotRows) != len(wantRows) {
		t.Fatalf("got %d rows, want %d", len(gotRows), len(wantRows))
	}
	for i := range wantRows {
		if gotRows[i] != wantRows[i] {
			t.Errorf("row %d:\n got %.300q\nwant %.300q", i+1, gotRows[i], wantRows[i])
		}
	}
}

// TestRowEncoderRefuses: what the encoder cannot write as excelize would
// is an error naming the cell, not a different workbook.
func TestRowEncoderRefuses(t *testing.T) {
	e, err := newRowEncoder(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), // a date excelize would give a style of its own
		time.Hour,
		excelize.Cell{Formula: "=1+1"},
		(*excelize.Cell)(nil),
		[]excelize.RichTextRun{{Text: "x"}},
	} {
		if _, err := e.row(nil, 3, []any{nil, v}); err == nil || !strings.Contains(err.Error(), "cell B3") {
			t.Errorf("%T: got %v, want an error naming cell B3", v, err)
		}
	}
	if _, err := e.row(nil, 1, []any{1, 2, 3}); err == nil {
		t.Error("three cells in a two-column row: got no error")
	}
}

// sheetData is the XML inside a worksheet's <sheetData>.
func sheetData(t *testing.T, xlsx []byte, part string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(part)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
	if i < 0 || j < i {
		t.Fatalf("%s: no sheetData in %.200q", part, s)
	}
	return s[i+len("<sheetData>") : j]
}
