package load

import "context"

// Columns lets this package's black-box tests read the column names of a
// query without its rows; outside load, QueryUser returns them.
func (w *Warehouse) Columns(ctx context.Context, query string) ([]string, error) {
	return w.columns(ctx, query)
}

// Stream lets this package's black-box tests run any query and read plain
// values; outside load, reads are typed methods (and QueryUser).
func (w *Warehouse) Stream(ctx context.Context, query string, args []any, row func(cols []string, vals []any) error) error {
	return w.stream(ctx, query, args, row)
}
