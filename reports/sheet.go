package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// errTooManyRows stops Rows once it yields more than RowCount rows.
var errTooManyRows = errors.New("more rows than RowCount")

// openSheet checks s, adds it up when it has a subtotal, and opens every
// part it needs, in order: parts of at most maxDataRows data rows each,
// and a part of its own for the subtotal block when the block does not fit
// below the last one. Opening a part creates its sheet, so that sheets keep
// the workbook's order however their rows are streamed.
func (w *writer) openSheet(s Sheet) (*streamState, error) {
	if len(s.Columns) == 0 {
		return nil, errors.New("no columns")
	}
	if s.Rows == nil {
		return nil, errors.New("no Rows function")
	}
	if s.RowCount < 0 {
		return nil, fmt.Errorf("RowCount %d is negative", s.RowCount)
	}
	l, err := newLayout(s.Columns)
	if err != nil {
		return nil, err
	}
	st := &streamState{w: w, s: s, l: l}
	if s.Subtotal != nil {
		if st.block, err = w.addUp(s, l); err != nil {
			return nil, fmt.Errorf("subtotals: %w", err)
		}
	}
	data := max(1, (s.RowCount+maxDataRows-1)/maxDataRows)
	blockRows := 0
	if st.block != nil {
		blockRows = st.block.rows()
	}
	st.blockPart = -1
	for i := 0; i < data || st.blockPart < 0 && blockRows > 0; i++ {
		rows := max(0, min(maxDataRows, s.RowCount-i*maxDataRows))
		spec := partSpec{name: partName(s.Name, i), rows: rows}
		// The last data part carries the block when both fit on it;
		// otherwise one more part carries it alone.
		if blockRows > 0 && (i >= data || i == data-1 && rows+blockRows <= maxDataRows) {
			spec.extraRows, st.blockPart = blockRows, i
		}
		part, err := w.newPart(s, l, spec)
		if err != nil {
			return nil, err
		}
		st.parts = append(st.parts, part)
		st.tables = append(st.tables, w.tableName(spec.name))
	}
	return st, nil
}

// streamState is one sheet whose parts are open: stream writes its rows
// into them, close finishes them.
type streamState struct {
	w         *writer
	s         Sheet
	l         *layout
	block     *subtotals
	parts     []*sheetPart
	tables    []string // each part's table name
	blockPart int      // the part that carries the block, or -1
	index     int      // the part rows go to
	n         int      // rows seen
}

// stream writes the sheet's rows into its parts' spools. It touches no
// excelize state, so sheets stream side by side (see streamSheets).
func (st *streamState) stream(ctx context.Context) error {
	err := prefetch(ctx, st.s.Rows, func(vals []any) error {
		if st.n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if st.n >= st.s.RowCount {
			return errTooManyRows
		}
		if st.n > 0 && st.n%maxDataRows == 0 {
			st.index++
		}
		st.n++
		return st.parts[st.index].row(st.n, vals)
	})
	if errors.Is(err, errTooManyRows) {
		return fmt.Errorf("got more than RowCount %d rows", st.s.RowCount)
	}
	if err != nil {
		return err
	}
	if st.n != st.s.RowCount {
		return fmt.Errorf("got %d rows, want RowCount %d", st.n, st.s.RowCount)
	}
	return nil
}

// close finishes every part: its table, the block where it goes, Flush.
func (st *streamState) close() error {
	for i, p := range st.parts {
		var block *subtotals
		if i == st.blockPart {
			block = st.block
		}
		if err := p.close(st.tables[i], block); err != nil {
			return err
		}
	}
	return nil
}

// streamSheets streams the rows of every sheet, up to GOMAXPROCS sheets
// at a time (at least two), the longest first: a sheet's rows cost a
// query, its decoding and the XML, mostly on one goroutine, so the Users
// sheet no longer waits for the Candidates sheet. The first error stops
// the others and is returned with its sheet's name.
func (w *writer) streamSheets(states []*streamState) error {
	ctx, cancel := context.WithCancelCause(w.ctx)
	defer cancel(nil)
	order := slices.Clone(states)
	slices.SortStableFunc(order, func(a, b *streamState) int { return cmp.Compare(b.s.RowCount, a.s.RowCount) })
	slots := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, st := range order {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := st.stream(ctx); err != nil {
				err = fmt.Errorf("sheet %s: %w", st.s.Name, err)
				once.Do(func() { first = err })
				cancel(err)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return context.Cause(ctx)
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
