package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetPart is one worksheet being streamed: a header row, data rows, a
// table with filters over both, a frozen header, highlights and the true
// dimension, then optionally a subtotal block below the table.
type sheetPart struct {
	name   string
	sw     *excelize.StreamWriter
	st     *styles
	l      *layout
	hidden []bool
	rows   int // data rows expected
	next   int // next row number to write (1-based)
	cells  []excelize.Cell
	buf    []any
	enc    *rowEncoder
	spool  *rowSpool // the data rows' XML
}

// partSpec is what newPart needs to know beyond the sheet itself.
type partSpec struct {
	name      string
	rows      int // data rows on this part
	extraRows int // rows below the table (the subtotal block)
}

func (w *writer) newPart(s Sheet, l *layout, p partSpec) (*sheetPart, error) {
	if err := w.addSheet(p.name); err != nil {
		return nil, err
	}
	last, err := excelize.CoordinatesToCellName(len(l.cols), p.rows+1+p.extraRows)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %w", p.name, err)
	}
	// The stream writer copies the worksheet's <dimension> when it starts
	// and never updates it: set the real one first, or readers that trust
	// it (openpyxl's read-only mode, so pandas.read_excel) see one cell.
	if err := w.f.SetSheetDimension(p.name, "A1:"+last); err != nil {
		return nil, fmt.Errorf("sheet %s: set dimension: %w", p.name, err)
	}
	sw, err := w.f.NewStreamWriter(p.name)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: stream: %w", p.name, err)
	}
	enc, err := newRowEncoder(len(l.cols))
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %w", p.name, err)
	}
	sp := &sheetPart{
		name: p.name, sw: sw, st: w.st, l: l, rows: p.rows, next: 1,
		hidden: make([]bool, len(l.cols)), cells: make([]excelize.Cell, len(l.cols)), buf: make([]any, len(l.cols)),
		enc: enc, spool: &rowSpool{sheet: p.name},
	}
	w.spools = append(w.spools, sp.spool)
	for i, c := range l.cols {
		sp.hidden[i] = c.Hidden || (w.oneTenant && c.Name == "tenant" && c.Field == "")
	}
	if err := sp.setup(); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", p.name, err)
	}
	if err := w.highlight(p.name, l, s.Highlights, p.rows); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", p.name, err)
	}
	return sp, nil
}

func (p *sheetPart) setup() error {
	for i, c := range p.l.cols {
		w := c.Width
		if w == 0 {
			w = max(width[c.Format], float64(len(c.Header))+3)
		}
		if err := p.sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("column %s width: %w", c.Name, err)
		}
		if p.hidden[i] {
			if err := p.sw.SetColVisible(i+1, i+1, false); err != nil {
				return fmt.Errorf("hide column %s: %w", c.Name, err)
			}
		}
	}
	if err := p.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	for i, c := range p.l.cols {
		p.buf[i] = excelize.Cell{StyleID: p.st.header, Value: c.Header}
	}
	return p.write(p.buf)
}

func (p *sheetPart) write(vals []any) error {
	cell, err := excelize.CoordinatesToCellName(1, p.next)
	if err != nil {
		return err
	}
	p.next++
	return p.sw.SetRow(cell, vals)
}

// row writes one data row, each value converted and styled by its
// column's format, into the part's spool (the header and subtotal rows go
// through excelize's stream writer, these not). n is the row's number in
// the whole sheet, for errors.
func (p *sheetPart) row(n int, vals []any) error {
	l := p.l
	if len(vals) != l.sources() {
		return fmt.Errorf("row %d has %d values, want %d", n, len(vals), l.sources())
	}
	l.newRow()
	currency := ""
	if l.currency >= 0 {
		currency, _ = vals[l.currency].(string)
	}
	for i, c := range l.cols {
		v, err := l.field(i, vals)
		if err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		p.buf[i] = p.cell(i, c.Format, coerce(c.Format, plain(v)), currency)
	}
	if p.spool.buf == nil {
		p.spool.buf = getChunk()
	}
	buf, err := p.enc.row(p.spool.buf, p.next, p.buf)
	if err != nil {
		return fmt.Errorf("row %d: %w", n, err)
	}
	p.spool.buf = buf // encoded in place: no copy of each row's XML
	p.next++
	return p.spool.spill()
}

// cell styles value v of output column i. It reuses one excelize.Cell per
// column, passed by pointer, so a row costs no allocation here.
func (p *sheetPart) cell(i int, f Format, v any, currency string) any {
	if v == nil {
		return nil
	}
	if t, ok := v.(time.Time); ok {
		if f != Date && f != DateTime {
			f = DateTime // a time in a column not declared as one
		}
		d, present := asDate(t, f)
		if !present {
			return nil
		}
		if !d.Equal(t) || t.Location() != time.UTC {
			v = d // boxing a new time allocates: only when it changed
		}
	}
	id, styled := p.st.ids[f]
	if f == Money {
		id, styled = p.st.money(currency), true
	}
	if !styled {
		return v
	}
	p.cells[i] = excelize.Cell{StyleID: id, Value: v}
	return &p.cells[i]
}

// close adds the table (it needs at least one data row), writes the
// subtotal block when there is one, and flushes.
func (p *sheetPart) close(table string, block *subtotals) error {
	if got := p.next - 2; got != p.rows {
		return fmt.Errorf("sheet %s: wrote %d data rows, want %d", p.name, got, p.rows)
	}
	if p.rows > 0 {
		last, _ := excelize.CoordinatesToCellName(len(p.l.cols), p.rows+1)
		if err := p.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: table, StyleName: "TableStyleMedium2"}); err != nil {
			return fmt.Errorf("sheet %s: add table: %w", p.name, err)
		}
	}
	if err := p.spool.finish(); err != nil {
		return err
	}
	if block != nil {
		if err := p.subtotals(block); err != nil {
			return fmt.Errorf("sheet %s: subtotals: %w", p.name, err)
		}
	}
	if err := p.sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s: flush: %w", p.name, err)
	}
	return nil
}

// highlight adds a sheet's highlights as conditional formats over its
// data rows. The stream writer writes them out at Flush.
func (w *writer) highlight(sheet string, l *layout, hs []Highlight, rows int) error {
	if len(hs) == 0 || rows == 0 {
		return nil
	}
	last, _ := excelize.ColumnNumberToName(len(l.cols))
	ref := fmt.Sprintf("A2:%s%d", last, rows+1)
	opts := make([]excelize.ConditionalFormatOptions, 0, len(hs))
	for _, h := range hs {
		i, ok := l.column(h.Column)
		if !ok {
			return fmt.Errorf("highlight: no column %s", h.Column)
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		cond := fmt.Sprintf("AND(ISNUMBER($%s2),$%s2<=%g)", col, col, h.AtMost)
		if h.Equals != "" {
			cond = fmt.Sprintf(`$%s2="%s"`, col, strings.ReplaceAll(h.Equals, `"`, `""`))
		}
		style, err := w.st.conditional(h.Fill, h.Font)
		if err != nil {
			return fmt.Errorf("highlight %s: %w", h.Column, err)
		}
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "formula", Criteria: cond, Format: &style, StopIfTrue: true})
	}
	if err := w.f.SetConditionalFormat(sheet, ref, opts); err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	return nil
}
