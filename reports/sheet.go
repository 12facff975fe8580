package reports

import (
	"errors"
	"fmt"
)

// errTooManyRows stops Rows once it yields more than RowCount rows.
var errTooManyRows = errors.New("more rows than RowCount")

// sheet streams s over one or more sheet parts of at most maxDataRows
// data rows each; a subtotal block goes below the last part's table.
func (w *writer) sheet(s Sheet) error {
	if len(s.Columns) == 0 {
		return errors.New("no columns")
	}
	if s.Rows == nil {
		return errors.New("no Rows function")
	}
	if s.RowCount < 0 {
		return fmt.Errorf("RowCount %d is negative", s.RowCount)
	}
	l, err := newLayout(s.Columns)
	if err != nil {
		return err
	}
	var block *subtotals
	if s.Subtotal != nil {
		if block, err = w.addUp(s, l); err != nil {
			return fmt.Errorf("subtotals: %w", err)
		}
	}
	st := &streamState{w: w, s: s, l: l, block: block, parts: max(1, (s.RowCount+maxDataRows-1)/maxDataRows)}
	if err := st.open(); err != nil {
		return err
	}
	err = s.Rows(st.add)
	if errors.Is(err, errTooManyRows) {
		return fmt.Errorf("got more than RowCount %d rows", s.RowCount)
	}
	if err != nil {
		return err
	}
	if st.n != s.RowCount {
		return fmt.Errorf("got %d rows, want RowCount %d", st.n, s.RowCount)
	}
	return st.close()
}

// streamState is one sheet being streamed, part after part.
type streamState struct {
	w     *writer
	s     Sheet
	l     *layout
	block *subtotals
	parts int
	part  *sheetPart
	index int    // current part
	table string // its table name
	n     int    // rows seen
	// withBlock is whether the current part has room for the block.
	withBlock bool
}

// open starts part st.index. The last part carries the subtotal block
// when both fit on one sheet; otherwise close puts it on a part of its own.
func (st *streamState) open() error {
	rows := max(0, min(maxDataRows, st.s.RowCount-st.index*maxDataRows))
	spec := partSpec{name: partName(st.s.Name, st.index), rows: rows}
	st.withBlock = false
	blockOnly := st.index >= st.parts // close found no room on the last part
	if st.block != nil && (blockOnly || st.index == st.parts-1 && rows+st.block.rows() <= maxDataRows) {
		spec.extraRows, st.withBlock = st.block.rows(), true
	}
	part, err := st.w.newPart(st.s, st.l, spec)
	if err != nil {
		return err
	}
	st.part, st.table = part, st.w.tableName(spec.name)
	return nil
}

func (st *streamState) add(vals []any) error {
	if st.n%4096 == 0 {
		if err := st.w.ctx.Err(); err != nil {
			return err
		}
	}
	if st.n >= st.s.RowCount {
		return errTooManyRows
	}
	if st.n > 0 && st.n%maxDataRows == 0 {
		if err := st.part.close(st.table, nil); err != nil {
			return err
		}
		st.index++
		if err := st.open(); err != nil {
			return err
		}
	}
	st.n++
	return st.part.row(st.n, vals)
}

func (st *streamState) close() error {
	if st.withBlock || st.block == nil || st.block.rows() == 0 {
		return st.part.close(st.table, st.block)
	}
	if err := st.part.close(st.table, nil); err != nil {
		return err
	}
	st.index++
	if err := st.open(); err != nil {
		return err
	}
	return st.part.close(st.table, st.block)
}
