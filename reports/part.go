package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetPart is one worksheet being streamed: a header row, data rows, a
// table with filters over both, a frozen header and the true dimension.
type sheetPart struct {
	name string
	sw   *excelize.StreamWriter
	st   *styles
	cols []Column
	rows int // data rows expected
	next int // next row number to write (1-based)
	buf  []any
}

func newPart(f *excelize.File, st *styles, s Sheet, name string, rows int, first *bool) (*sheetPart, error) {
	if *first {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
		*first = false
	} else if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	last, _ := excelize.CoordinatesToCellName(len(s.Columns), rows+1)
	// The stream writer copies the worksheet's <dimension> when it starts:
	// set the real one first, or readers that trust it (openpyxl read-only,
	// pandas) see a single cell.
	if err := f.SetSheetDimension(name, "A1:"+last); err != nil {
		return nil, fmt.Errorf("set dimension: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	p := &sheetPart{name: name, sw: sw, st: st, cols: s.Columns, rows: rows, next: 1, buf: make([]any, len(s.Columns))}
	if err := p.setup(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *sheetPart) setup() error {
	for i, c := range p.cols {
		w := c.Width
		if w == 0 {
			w = width[c.Format]
		}
		if err := p.sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := p.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(p.cols))
	for i, c := range p.cols {
		header[i] = excelize.Cell{StyleID: p.st.header, Value: c.Header}
	}
	return p.write(header)
}

func (p *sheetPart) write(vals []any) error {
	cell, _ := excelize.CoordinatesToCellName(1, p.next)
	p.next++
	return p.sw.SetRow(cell, vals)
}

// row writes one data row, each value styled by its column's format.
func (p *sheetPart) row(vals []any) error {
	if len(vals) != len(p.cols) {
		return fmt.Errorf("row %d has %d values, want %d", p.next-1, len(vals), len(p.cols))
	}
	for i, v := range vals {
		p.buf[i] = p.cell(p.cols[i].Format, v)
	}
	return p.write(p.buf)
}

func (p *sheetPart) cell(f Format, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if x.IsZero() {
			return nil
		}
		if f == Date {
			y, m, d := x.Date()
			x = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		}
	case []byte:
		v = string(x)
	case fmt.Stringer:
		v = x.String()
	}
	if id, ok := p.st.ids[f]; ok {
		return excelize.Cell{StyleID: id, Value: v}
	}
	return v
}

// close adds the table (it needs at least one data row) and flushes.
func (p *sheetPart) close() error {
	if p.next-1 != p.rows+1 {
		return fmt.Errorf("sheet %s: wrote %d data rows, want %d", p.name, p.next-2, p.rows)
	}
	if p.rows > 0 {
		last, _ := excelize.CoordinatesToCellName(len(p.cols), p.rows+1)
		if err := p.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: tableName(p.name), StyleName: "TableStyleMedium2"}); err != nil {
			return fmt.Errorf("sheet %s: add table: %w", p.name, err)
		}
	}
	return p.sw.Flush()
}

// tableName makes a valid, workbook-unique Excel table name from a sheet
// name: "Users (2)" -> "Users_2".
func tableName(sheet string) string {
	r := strings.NewReplacer(" (", "_", ")", "", " ", "_", "-", "_")
	return r.Replace(sheet)
}
