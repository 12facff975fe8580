package load

import (
	"context"
)

// QueryUser runs SQL a user wrote (seatledger query) and calls row for
// every result row, in order, with values as stream documents; it returns
// the result's column names, also when there is no row. It is the one
// read of this package whose SQL comes from outside it: every other read
// is a typed method. Open the warehouse with OpenReadOnly and
// ConfineFiles for it: only a single SELECT then runs, it reads no file
// but the warehouse's own and those under the readable directories, and
// refusals wrap ErrConfined.
func (w *Warehouse) QueryUser(ctx context.Context, query string, row func(vals []any) error) ([]string, error) {
	var cols []string
	err := w.stream(ctx, query, nil, func(c []string, v []any) error {
		cols = c
		return row(v)
	})
	if err != nil {
		return nil, err
	}
	if cols == nil { // no rows: the columns still name the result
		return w.columns(ctx, query)
	}
	return cols, nil
}
