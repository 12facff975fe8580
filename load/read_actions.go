package load

import (
	"context"
	"fmt"
	"time"
)

// actionsReport is the provisioning report: every licence action
// recorded in a window, newest first. Object ids, never names (the
// actions table holds none).
const actionsReport = `SELECT acted_at, tenant, operation, result, user_id, sku_part_number, to_sku_part_number,
    reason, http_status, error_code, error_message, group_ids, plan_id, apply_id, sku_id, to_sku_id
FROM actions WHERE acted_at >= ? AND acted_at < ?
ORDER BY acted_at DESC, apply_id, tenant, user_id, sku_id`

// ActionsShape reads the columns of the provisioning report and how many
// actions were recorded from from (inclusive) to to (exclusive).
func (w *Warehouse) ActionsShape(ctx context.Context, from, to time.Time) (MartShape, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT * FROM ("+actionsReport+") LIMIT 0", from, to)
	if err != nil {
		return MartShape{}, fmt.Errorf("columns of the actions: %w", confined(err))
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return MartShape{}, fmt.Errorf("columns of the actions: %w", err)
	}
	s := MartShape{Columns: cols}
	if err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM actions WHERE acted_at >= ? AND acted_at < ?", from, to).Scan(&s.Rows); err != nil {
		return MartShape{}, fmt.Errorf("count the actions: %w", confined(err))
	}
	return s, nil
}

// ScanActions streams the provisioning report's rows from from
// (inclusive) to to (exclusive), newest first, as ScanMart streams a
// mart's.
func (w *Warehouse) ScanActions(ctx context.Context, from, to time.Time, row func(vals []any) error) error {
	return w.scanQuery(ctx, "actions", actionsReport, []any{from, to}, row)
}
