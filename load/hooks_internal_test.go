package load

import "context"

// Columns lets this package's black-box tests read the column names of a
// query without its rows; outside load, QueryUser returns them.
func (w *Warehouse) Columns(ctx context.Context, query string) ([]string, error) {
	return w.columns(ctx, query)
}
