package load

import (
	"context"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// stream runs query with args and calls row for every result row, in
// order, without holding the result. cols is the same slice for every
// call and must not be modified; vals is new for every row. Values are
// plain Go types: string, bool, int32/int64, float64 (DECIMAL columns too),
// time.Time (DATE, TIMESTAMP, TIMESTAMPTZ), []any (lists), *big.Int
// (HUGEINT), string (UUID), []byte (BLOB), nil (NULL). An error from row stops the stream and is
// returned wrapped.
//
// On a warehouse opened with ConfineFiles, query must be a single SELECT.
func (w *Warehouse) stream(ctx context.Context, query string, args []any, row func(cols []string, vals []any) error) error {
	if err := w.checkSelect(ctx, query); err != nil {
		return fmt.Errorf("stream query: %w", err)
	}
	rows, err := w.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("stream query: %w", confined(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("stream query columns: %w", err)
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return fmt.Errorf("stream query column types: %w", err)
	}
	n := 0
	for rows.Next() {
		n++
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("stream row %d: %w", n, err)
		}
		for i, v := range vals {
			vals[i] = plain(v, types[i].DatabaseTypeName())
		}
		if err := row(cols, vals); err != nil {
			return fmt.Errorf("stream row %d: %w", n, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("stream after row %d: %w", n, confined(err))
	}
	return nil
}

// columns returns the column names query would return, without reading
// its rows (the query runs wrapped in LIMIT 0).
func (w *Warehouse) columns(ctx context.Context, query string) ([]string, error) {
	query = "SELECT * FROM (" + query + ") LIMIT 0"
	if err := w.checkSelect(ctx, query); err != nil {
		return nil, fmt.Errorf("query columns: %w", err)
	}
	rows, err := w.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("query columns: %w", confined(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("query columns: %w", err)
	}
	return cols, nil
}

// plain turns go-duckdb's own value types into standard ones, so that no
// other package needs to import go-duckdb. go-duckdb hands a UUID column
// over as its 16 bytes.
func plain(v any, dbType string) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return x.Float64()
	case duckdb.UUID:
		return x.String()
	case []byte:
		if dbType == "UUID" && len(x) == 16 {
			var u duckdb.UUID
			copy(u[:], x)
			return u.String()
		}
	case []any:
		for i := range x {
			x[i] = plain(x[i], "")
		}
		return x
	}
	return v
}

// Prune deletes the snapshots, their raw_ rows and their marts, whose
// snapshot date is more than retentionDays days before now's UTC date; 0
// keeps everything.
// It returns the number of snapshots deleted. The run journal is kept.
func (w *Warehouse) Prune(ctx context.Context, retentionDays int, now time.Time) (int64, error) {
	if retentionDays < 0 {
		return 0, fmt.Errorf("prune: retention days %d: must be 0 (keep forever) or more", retentionDays)
	}
	if retentionDays == 0 {
		return 0, nil
	}
	cutoff := dateOf(now.UTC()).AddDate(0, 0, -retentionDays)
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	res, err := tx.ExecContext(ctx, "DELETE FROM snapshots WHERE snapshot_date < ?", cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune snapshots before %s: %w", cutoff.Format(time.DateOnly), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune snapshots before %s: %w", cutoff.Format(time.DateOnly), err)
	}
	if n == 0 {
		// Nothing is old enough: the scans below (every nightly table
		// against the snapshots) would find nothing to delete, and they
		// grow with the nights stored.
		if err := tx.Commit(); err != nil {
			return 0, fmt.Errorf("prune: commit: %w", err)
		}
		return 0, nil
	}
	if err := pruneVersions(ctx, tx); err != nil {
		return 0, err
	}
	tables := []string{"snapshot_facts"}
	for _, m := range marts {
		if !m.versioned {
			tables = append(tables, m.history)
		}
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE snapshot_date < ?", cutoff); err != nil {
			return 0, fmt.Errorf("prune %s before %s: %w", t, cutoff.Format(time.DateOnly), err)
		}
	}
	// A tenant with no snapshot left has no latest one either.
	for _, m := range marts {
		if m.latest == "" || m.latestView {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+m.latest+" WHERE tenant NOT IN (SELECT tenant FROM snapshots)"); err != nil {
			return 0, fmt.Errorf("prune %s: %w", m.latest, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune: commit: %w", err)
	}
	w.opts.log.Info("pruned snapshots", "before", cutoff.Format(time.DateOnly), "snapshots", n)
	return n, nil
}
