package load

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SignInLogsReadTo returns where tenant's last read of application appID's
// sign-in logs ended (window_to), among its snapshots before day (a
// same-day re-run replaces day's snapshot, so it reads that window
// again); ok is false when there is none.
func (w *Warehouse) SignInLogsReadTo(ctx context.Context, tenant, appID string, day time.Time) (to time.Time, ok bool, err error) {
	var t sql.NullTime
	err = w.db.QueryRowContext(ctx, `SELECT max(window_to) FROM raw_signin_log_reads_versions
		WHERE tenant = ? AND app_id = ? AND valid_from < ?`, tenant, appID, dateOf(day)).Scan(&t)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the last sign-in log read of tenant %s: %w", tenant, err)
	}
	if !t.Valid {
		return time.Time{}, false, nil
	}
	return t.Time.UTC(), true, nil
}
