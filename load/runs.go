package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Run is one tenant's row of the run journal, etl_runs.
type Run struct {
	ID                string
	Tenant            string
	SnapshotDate      time.Time // a calendar date; its Year, Month and Day are used
	StartedAt         time.Time
	FinishedAt        time.Time
	Status            string // running, ok, degraded, failed, aborted
	Error             string
	Users             int64
	Licenses          int64
	SKUs              int64
	Subscriptions     int64
	Groups            int64
	ReportRows        int64
	ReportRefreshDate time.Time // zero when there was no usable report
	GraphRequests     int64
	GraphThrottled    int64
}

// Run statuses in etl_runs.
const (
	StatusRunning  = "running"
	StatusOK       = "ok"
	StatusDegraded = "degraded"
	StatusFailed   = "failed"
	StatusAborted  = "aborted"
)

// abortedError is written into runs that a killed process left running.
const abortedError = "the process ended before the run finished"

// StartRun records r as running and commits at once, so that the journal
// shows the run even if the process dies. Runs of r.Tenant still marked
// running that no live run of this process owns were left by a killed
// process: they are marked aborted first.
func (w *Warehouse) StartRun(ctx context.Context, r Run) error {
	if err := validRun(r); err != nil {
		return fmt.Errorf("start run: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("start run %s tenant %s: %w", r.ID, r.Tenant, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stale, err := w.staleRuns(ctx, tx, r.Tenant)
	if err != nil {
		return err
	}
	for _, id := range stale {
		if _, err := tx.ExecContext(ctx, `UPDATE etl_runs SET status = ?, error = ?, finished_at = ?
			WHERE run_id = ? AND tenant = ?`, StatusAborted, abortedError, time.Now().UTC(), id, r.Tenant); err != nil {
			return fmt.Errorf("mark run %s tenant %s aborted: %w", id, r.Tenant, err)
		}
		w.opts.log.Warn("marked a run left unfinished as aborted", "run_id", id, "tenant", r.Tenant)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO etl_runs (run_id, tenant, snapshot_date, started_at, status)
		VALUES (?, ?, ?, ?, ?)`, r.ID, r.Tenant, dateOf(r.SnapshotDate), r.StartedAt, StatusRunning); err != nil {
		return fmt.Errorf("insert run %s tenant %s: %w", r.ID, r.Tenant, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("start run %s tenant %s: commit: %w", r.ID, r.Tenant, err)
	}
	w.active[runKey{r.ID, r.Tenant}] = struct{}{}
	return nil
}

// staleRuns lists the runs of tenant marked running that no live run of
// this process owns. Called with w.mu held.
func (w *Warehouse) staleRuns(ctx context.Context, tx *sql.Tx, tenant string) ([]string, error) {
	rows, err := tx.QueryContext(ctx,
		"SELECT run_id FROM etl_runs WHERE tenant = ? AND status = ?", tenant, StatusRunning)
	if err != nil {
		return nil, fmt.Errorf("find unfinished runs of tenant %s: %w", tenant, err)
	}
	defer rows.Close()
	var stale []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find unfinished runs of tenant %s: %w", tenant, err)
		}
		if _, live := w.active[runKey{id, tenant}]; !live {
			stale = append(stale, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unfinished runs of tenant %s: %w", tenant, err)
	}
	return stale, nil
}

// FinishRun records the outcome of a started run: r.Status (ok, degraded
// or failed), r.Error, the counts and r.FinishedAt (now when zero).
func (w *Warehouse) FinishRun(ctx context.Context, r Run) error {
	switch r.Status {
	case StatusOK, StatusDegraded, StatusFailed:
	default:
		return fmt.Errorf("finish run %s tenant %s: status %q: want ok, degraded or failed", r.ID, r.Tenant, r.Status)
	}
	finished := r.FinishedAt
	if finished.IsZero() {
		finished = time.Now()
	}
	res, err := w.db.ExecContext(ctx, `UPDATE etl_runs SET finished_at = ?, status = ?, error = ?,
		users = ?, licenses = ?, skus = ?, subscriptions = ?, groups = ?, report_rows = ?,
		report_refresh_date = ?, graph_requests = ?, graph_throttled = ?
		WHERE run_id = ? AND tenant = ?`,
		finished, r.Status, nullString(r.Error), r.Users, r.Licenses, r.SKUs, r.Subscriptions,
		r.Groups, r.ReportRows, nullDate(r.ReportRefreshDate), r.GraphRequests, r.GraphThrottled,
		r.ID, r.Tenant)
	if err != nil {
		return fmt.Errorf("finish run %s tenant %s: %w", r.ID, r.Tenant, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("finish run %s tenant %s: no such run was started", r.ID, r.Tenant)
	}
	w.mu.Lock()
	delete(w.active, runKey{r.ID, r.Tenant})
	w.mu.Unlock()
	return nil
}

func validRun(r Run) error {
	var errs []error
	if r.ID == "" {
		errs = append(errs, errors.New("run id: must not be empty"))
	}
	if r.Tenant == "" {
		errs = append(errs, errors.New("tenant: must not be empty"))
	}
	if r.SnapshotDate.IsZero() {
		errs = append(errs, errors.New("snapshot date: must be set"))
	}
	if r.StartedAt.IsZero() {
		errs = append(errs, errors.New("started at: must be set"))
	}
	return errors.Join(errs...)
}

// MarkDegraded records that a finished run's snapshot is usable but
// incomplete (for example its usage report conceals user names), found
// only once the transforms ran: the run and its snapshot become degraded
// (a failed run stays failed) and why is added to the run's error text.
func (w *Warehouse) MarkDegraded(ctx context.Context, r Run, why string) error {
	return w.inTx(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, `UPDATE etl_runs SET status = ?,
			error = CASE WHEN error IS NULL OR error = '' THEN ? ELSE error || '; ' || ? END
			WHERE run_id = ? AND tenant = ? AND status IN (?, ?)`,
			StatusDegraded, why, why, r.ID, r.Tenant, StatusOK, StatusDegraded); err != nil {
			return fmt.Errorf("mark run %s tenant %s degraded: %w", r.ID, r.Tenant, err)
		}
		if _, err := conn.ExecContext(ctx, `UPDATE snapshots SET status = ?
			WHERE tenant = ? AND snapshot_date = ? AND run_id = ?`,
			StatusDegraded, r.Tenant, dateOf(r.SnapshotDate), r.ID); err != nil {
			return fmt.Errorf("mark snapshot of tenant %s degraded: %w", r.Tenant, err)
		}
		return nil
	})
}
