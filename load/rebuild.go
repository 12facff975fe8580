package load

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RebuildOptions says which snapshots Rebuild recomputes.
type RebuildOptions struct {
	Tenant string    // "" for every tenant
	From   time.Time // first snapshot date (inclusive); zero: the first stored
	To     time.Time // last snapshot date (inclusive); zero: the last stored
	// DryRun computes and compares, and changes nothing but the journal.
	DryRun bool
	// Params, when set, replace the parameter tables first (the new rules
	// and prices to recompute with); in a dry run only inside each
	// snapshot's rolled-back transaction.
	Params []ParamTable
	// ID names the rebuild in mart_rebuilds; "" makes one up.
	ID string
}

// Rebuilt is one snapshot Rebuild recomputed (or would have).
type Rebuilt struct {
	Tenant       string
	SnapshotDate time.Time
	// RowsAdded are mart rows the new computation has and the stored one
	// lacks; RowsRemoved the other way round. A changed row counts once
	// each way. Both 0: the snapshot reports what it reported before.
	RowsAdded, RowsRemoved int64
	Err                    error
}

// Rebuild recomputes the marts of stored snapshots from their raw rows
// with the parameter tables as they are now (after a rule or price
// change): what a past day reported otherwise stays as reported. Each
// snapshot is its own transaction, so a failure or a cancellation keeps
// the snapshots done so far and leaves the failed one as it was; every
// snapshot is journaled in mart_rebuilds, dry runs included. It returns
// the rebuild id and one Rebuilt per snapshot in (tenant, date) order;
// the error joins the snapshots' errors.
func (w *Warehouse) Rebuild(ctx context.Context, o RebuildOptions) (string, []Rebuilt, error) {
	if w.readOnly {
		return "", nil, errors.New("rebuild: warehouse is open read-only")
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		return "", nil, fmt.Errorf("rebuild: --to %s is before --from %s", o.To.Format(time.DateOnly), o.From.Format(time.DateOnly))
	}
	if o.ID == "" {
		o.ID = "rebuild-" + time.Now().UTC().Format("20060102T150405.000Z")
	}
	if err := checkParams(o.Params); err != nil {
		return o.ID, nil, err
	}
	keys, err := w.snapshotKeys(ctx, o)
	if err != nil {
		return o.ID, nil, err
	}
	if len(o.Params) > 0 && !o.DryRun && len(keys) > 0 {
		if err := w.ReplaceParams(ctx, o.Params); err != nil {
			return o.ID, nil, fmt.Errorf("rebuild: %w", err)
		}
	}
	if len(keys) == 0 && o.Tenant != "" {
		return o.ID, nil, fmt.Errorf("rebuild: tenant %q has no snapshot in that range", o.Tenant)
	}
	out := make([]Rebuilt, 0, len(keys))
	var errs []error
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("rebuild: %w", err))
			break
		}
		r := Rebuilt{Tenant: k.tenant, SnapshotDate: k.date}
		started := time.Now().UTC()
		var params []ParamTable
		if o.DryRun {
			params = o.Params
		}
		r.RowsAdded, r.RowsRemoved, r.Err = w.recompute(ctx, k, o.ID, o.DryRun, params)
		if jerr := w.journalRebuild(ctx, o, r, started); jerr != nil {
			r.Err = errors.Join(r.Err, jerr)
		}
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("snapshot %s: %w", k, r.Err))
		}
		w.opts.log.Info("rebuilt snapshot marts", "tenant", k.tenant, "snapshot_date", k.date.Format(time.DateOnly),
			"dry_run", o.DryRun, "rows_added", r.RowsAdded, "rows_removed", r.RowsRemoved, "ok", r.Err == nil)
		out = append(out, r)
	}
	return o.ID, out, errors.Join(errs...)
}

// snapshotKeys lists the stored snapshots that o selects.
func (w *Warehouse) snapshotKeys(ctx context.Context, o RebuildOptions) ([]snapKey, error) {
	q := "SELECT tenant, snapshot_date FROM snapshots WHERE (? = '' OR tenant = ?)"
	args := []any{o.Tenant, o.Tenant}
	if !o.From.IsZero() {
		q += " AND snapshot_date >= ?"
		args = append(args, dateOf(o.From))
	}
	if !o.To.IsZero() {
		q += " AND snapshot_date <= ?"
		args = append(args, dateOf(o.To))
	}
	return w.keys(ctx, q+" ORDER BY tenant, snapshot_date", args...)
}

func (w *Warehouse) keys(ctx context.Context, q string, args ...any) ([]snapKey, error) {
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	var keys []snapKey
	for rows.Next() {
		var k snapKey
		if err := rows.Scan(&k.tenant, &k.date); err != nil {
			return nil, fmt.Errorf("list snapshots: %w", err)
		}
		k.date = dateOf(k.date)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	return keys, nil
}

// recompute computes one stored snapshot's marts on a connection of its
// own, counts how they differ from the stored ones and, unless dryRun,
// stores them, all in one transaction; params, when set, are written into
// that transaction first.
func (w *Warehouse) recompute(ctx context.Context, k snapKey, by string, dryRun bool, params []ParamTable) (added, removed int64, err error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("connect: %w", err)
	}
	// The computation's temporary views shadow raw_ and snapshots.
	defer discard(conn)
	var runID, status string
	if err := conn.QueryRowContext(ctx, "SELECT run_id, status FROM snapshots WHERE tenant = ? AND snapshot_date = ?",
		k.tenant, k.date).Scan(&runID, &status); err != nil {
		return 0, 0, fmt.Errorf("read snapshot: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return 0, 0, fmt.Errorf("begin: %w", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // a no-op after COMMIT
	for _, t := range params {
		if err := replaceParam(ctx, conn, t); err != nil {
			return 0, 0, fmt.Errorf("param table %s: %w", t.Name, err)
		}
	}
	c, err := w.newComputation(ctx, conn, k, runID, status, by)
	if err != nil {
		return 0, 0, err
	}
	if err := c.compute(ctx); err != nil {
		return 0, 0, err
	}
	// An unchanged snapshot keeps its computed_at, so export keeps its
	// partitions.
	if added, removed, err = c.diff(ctx); err != nil || dryRun || added+removed == 0 {
		return added, removed, err
	}
	if err := c.store(ctx); err != nil {
		return added, removed, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return added, removed, fmt.Errorf("commit: %w", err)
	}
	return added, removed, nil
}

// diff counts the rows of the computed marts that the stored ones lack and
// the other way round, comparing values of the stored columns' types.
func (c *computation) diff(ctx context.Context) (added, removed int64, err error) {
	for _, m := range marts {
		hist := c.qualified(m.history)
		if _, err := c.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE calc_compare AS SELECT * FROM "+hist+" LIMIT 0"); err != nil {
			return 0, 0, fmt.Errorf("compare %s: %w", m.history, err)
		}
		if _, err := c.conn.ExecContext(ctx, "INSERT INTO calc_compare BY NAME SELECT * FROM "+m.calc); err != nil {
			return 0, 0, fmt.Errorf("compare %s: %w", m.history, err)
		}
		stored := "SELECT * FROM " + hist + " WHERE tenant = ? AND snapshot_date = ?"
		var a, r int64
		err := c.conn.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM (SELECT * FROM calc_compare EXCEPT ALL `+stored+`)),
			(SELECT count(*) FROM (`+stored+` EXCEPT ALL SELECT * FROM calc_compare))`,
			c.key.tenant, c.key.date, c.key.tenant, c.key.date).Scan(&a, &r)
		if err != nil {
			return 0, 0, fmt.Errorf("compare %s: %w", m.history, err)
		}
		added, removed = added+a, removed+r
	}
	return added, removed, nil
}

func (w *Warehouse) journalRebuild(ctx context.Context, o RebuildOptions, r Rebuilt, started time.Time) error {
	status, msg := "ok", any(nil)
	if r.Err != nil {
		status, msg = "failed", r.Err.Error()
	}
	_, err := w.db.ExecContext(context.WithoutCancel(ctx), `INSERT OR REPLACE INTO mart_rebuilds
		(rebuild_id, tenant, snapshot_date, started_at, dry_run, rows_added, rows_removed, status, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, r.Tenant, r.SnapshotDate, started, o.DryRun, r.RowsAdded, r.RowsRemoved, status, msg)
	if err != nil {
		return fmt.Errorf("journal rebuild: %w", err)
	}
	return nil
}

// backfill computes the marts of stored snapshots that have none: those of
// a warehouse upgraded from the layout where marts were views (migration
// 0004), with the parameter tables its last run wrote, so that every day
// keeps reporting what it reported before the upgrade. Without parameter
// tables (no run ever got that far) it waits for a later Open.
func (w *Warehouse) backfill(ctx context.Context) error {
	keys, err := w.keys(ctx, `SELECT tenant, snapshot_date FROM snapshots s
		WHERE NOT EXISTS (SELECT 1 FROM snapshot_facts f WHERE f.tenant = s.tenant AND f.snapshot_date = s.snapshot_date)
		ORDER BY tenant, snapshot_date`)
	if err != nil || len(keys) == 0 {
		return err
	}
	if missing, err := missingParams(ctx, w.db); err != nil || len(missing) > 0 {
		if err == nil {
			w.opts.log.Warn("snapshots without marts wait for parameter tables", "snapshots", len(keys), "missing", missing)
		}
		return err
	}
	w.opts.log.Info("computing the marts of stored snapshots", "snapshots", len(keys))
	id := "upgrade-" + time.Now().UTC().Format("20060102T150405.000Z")
	for _, k := range keys {
		started := time.Now().UTC()
		r := Rebuilt{Tenant: k.tenant, SnapshotDate: k.date}
		_, _, r.Err = w.recompute(ctx, k, id, false, nil)
		if jerr := w.journalRebuild(ctx, RebuildOptions{ID: id}, r, started); jerr != nil {
			return jerr
		}
		if r.Err != nil {
			return fmt.Errorf("compute marts of stored snapshot %s: %w", k, r.Err)
		}
	}
	return nil
}
