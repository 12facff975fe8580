package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// subtotals is a Subtotal added up: one group per distinct By values.
type subtotals struct {
	title   string
	by, sum []int // output columns
	groups  []*group
}

type group struct {
	key  []any // plain By values
	text []string
	sums []float64
	seen []bool
}

// addUp reads all rows once and adds up the Sum columns per group.
func (w *writer) addUp(s Sheet, l *layout) (*subtotals, error) {
	b := &subtotals{title: s.Subtotal.Title}
	for _, names := range []struct {
		list []string
		into *[]int
	}{{s.Subtotal.By, &b.by}, {s.Subtotal.Sum, &b.sum}} {
		for _, n := range names.list {
			i, ok := l.column(n)
			if !ok {
				return nil, fmt.Errorf("no column %s", n)
			}
			*names.into = append(*names.into, i)
		}
	}
	if len(b.by) == 0 || len(b.sum) == 0 {
		return nil, fmt.Errorf("got %d By and %d Sum columns, want at least one of each", len(b.by), len(b.sum))
	}
	index := map[string]*group{}
	n := 0
	err := s.Rows(func(vals []any) error {
		if n%4096 == 0 && w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		n++
		if len(vals) != l.sources() {
			return fmt.Errorf("row %d has %d values, want %d", n, len(vals), l.sources())
		}
		return b.add(l, index, n, vals)
	})
	if err != nil {
		return nil, err
	}
	if n != s.RowCount {
		return nil, fmt.Errorf("got %d rows, want RowCount %d", n, s.RowCount)
	}
	if b.rows() > excelRows-1 {
		return nil, fmt.Errorf("%d groups do not fit on a sheet", len(b.groups))
	}
	slices.SortFunc(b.groups, func(x, y *group) int { return slices.Compare(x.text, y.text) })
	return b, nil
}

func (b *subtotals) add(l *layout, index map[string]*group, n int, vals []any) error {
	key := make([]any, len(b.by))
	text := make([]string, len(b.by))
	for j, i := range b.by {
		key[j] = plain(vals[l.src[i]])
		if key[j] != nil {
			text[j] = fmt.Sprint(key[j])
		}
	}
	k := strings.Join(text, "\x00")
	g, ok := index[k]
	if !ok {
		g = &group{key: key, text: text, sums: make([]float64, len(b.sum)), seen: make([]bool, len(b.sum))}
		index[k] = g
		b.groups = append(b.groups, g)
	}
	for j, i := range b.sum {
		v := plain(vals[l.src[i]])
		if v == nil {
			continue
		}
		f, ok := number(v)
		if !ok {
			return fmt.Errorf("row %d: column %s: got %T, want a number", n, l.cols[i].Name, v)
		}
		g.sums[j] += f
		g.seen[j] = true
	}
	return nil
}

// rows is how many rows the block takes below the table: a blank row,
// the title, the header and one row per group; none without groups.
func (b *subtotals) rows() int {
	if len(b.groups) == 0 {
		return 0
	}
	return 3 + len(b.groups)
}

// subtotals writes the block below the table, each value under its own
// table column, so the block lines up with the table and its widths.
func (p *sheetPart) subtotals(b *subtotals) error {
	if len(b.groups) == 0 {
		return nil
	}
	p.next++ // a blank row between the table and the block
	if err := p.write([]any{excelize.Cell{StyleID: p.st.header, Value: b.title}}); err != nil {
		return err
	}
	row := make([]any, len(p.l.cols))
	for _, i := range append(slices.Clone(b.by), b.sum...) {
		row[i] = excelize.Cell{StyleID: p.st.header, Value: p.l.cols[i].Header}
	}
	if err := p.write(row); err != nil {
		return err
	}
	currency := -1
	for j, i := range b.by {
		if p.l.cols[i].Name == "currency" {
			currency = j
		}
	}
	for _, g := range b.groups {
		cur := ""
		if currency >= 0 {
			cur = g.text[currency]
		}
		for j, i := range b.by {
			row[i] = p.blockCell(p.l.cols[i].Format, g.key[j], cur)
		}
		for j, i := range b.sum {
			row[i] = nil
			if g.seen[j] {
				row[i] = p.blockCell(p.l.cols[i].Format, total(p.l.cols[i].Format, g.sums[j]), cur)
			}
		}
		if err := p.write(row); err != nil {
			return err
		}
	}
	return nil
}

// blockCell is like cell but returns a fresh cell (the block is small).
func (p *sheetPart) blockCell(f Format, v any, currency string) any {
	c := p.cell(0, f, v, currency)
	if pc, ok := c.(*excelize.Cell); ok {
		return *pc
	}
	return c
}

// total shows an integer column's sum as an integer.
func total(f Format, v float64) any {
	if f == Integer && math.Abs(v) < 1<<53 {
		return int64(math.Round(v))
	}
	return v
}
