package reports

import (
	"context"
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
	err = prefetch(w.ctx, s.Rows, st.add)
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

// prefetchBatch is how many rows prefetch hands over at a time.
const prefetchBatch = 512

// prefetch calls rows on a goroutine of its own and yield with each row on
// the caller's, in order, so that fetching and decoding rows (the
// warehouse's query) overlaps writing them (the sheet's XML). Rows travel
// in batches, copied, since a row source may reuse its slice; the batches
// go round between the two, so the copies cost no allocation after the
// first few. An error of either side stops both and is returned.
func prefetch(ctx context.Context, rows func(func([]any) error) error, yield func([]any) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	full := make(chan [][]any, 2)
	free := make(chan [][]any, 3)
	done := make(chan error, 1)
	go func() {
		defer close(full)
		var batch [][]any
		send := func() error {
			select {
			case full <- batch:
				batch = nil
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		err := rows(func(vals []any) error {
			if batch == nil {
				select {
				case batch = <-free:
					batch = batch[:0]
				default:
					batch = make([][]any, 0, prefetchBatch)
				}
			}
			n := len(batch)
			if n < cap(batch) && cap(batch[:n+1][n]) >= len(vals) {
				batch = batch[:n+1]
				batch[n] = append(batch[n][:0], vals...)
			} else {
				batch = append(batch, append(make([]any, 0, len(vals)), vals...))
			}
			if len(batch) == prefetchBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		done <- err
	}()
	for batch := range full {
		for _, vals := range batch {
			if err := yield(vals); err != nil {
				cancel(err)
				for range full { // let the producer see the cancel and end
				}
				if perr := <-done; perr != nil && !errors.Is(perr, err) {
					return errors.Join(err, perr)
				}
				return err
			}
		}
		select {
		case free <- batch:
		default:
		}
	}
	return <-done
}
