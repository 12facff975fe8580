package load

import (
	"context"
	"fmt"
	"time"
)

// actionsReport is the provisioning report: every licence action
// recorded in a window, newest first. Object ids, never names (the
// actions table holds none). In a warehouse opened read-only before a
// writer ran migration 0011, target is told apart as 0011 does.
func (w *Warehouse) actionsReport(ctx context.Context) (string, error) {
	target, err := w.columnOr(ctx, "actions", "a", "target",
		"CASE WHEN len(a.group_ids) = 1 AND a.user_id = a.group_ids[1] THEN 'group' ELSE 'user' END")
	if err != nil {
		return "", err
	}
	return `SELECT a.acted_at, a.tenant, a.operation, a.result, ` + target + ` AS target, a.user_id AS target_id,
    a.sku_part_number, a.to_sku_part_number, a.reason, a.http_status, a.error_code, a.error_message, a.group_ids,
    a.plan_id, a.apply_id, a.sku_id, a.to_sku_id
FROM actions a WHERE a.acted_at >= ? AND a.acted_at < ?
ORDER BY a.acted_at DESC, a.apply_id, a.tenant, a.user_id, a.sku_id`, nil
}

// ActionsShape reads the columns of the provisioning report and how many
// actions were recorded from from (inclusive) to to (exclusive).
func (w *Warehouse) ActionsShape(ctx context.Context, from, to time.Time) (MartShape, error) {
	report, err := w.actionsReport(ctx)
	if err != nil {
		return MartShape{}, err
	}
	rows, err := w.db.QueryContext(ctx, "SELECT * FROM ("+report+") LIMIT 0", from, to)
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
	report, err := w.actionsReport(ctx)
	if err != nil {
		return err
	}
	return w.scanQuery(ctx, "actions", report, []any{from, to}, row)
}
