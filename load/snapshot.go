package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Snapshot is one tenant snapshot being written: one transaction on one
// dedicated connection. Nothing of it is visible to readers before Commit;
// Rollback, an error or a killed process leave the previous snapshot of
// that tenant and date as it was. A Snapshot is not safe for concurrent
// use.
type Snapshot struct {
	w      *Warehouse
	ctx    context.Context // the BeginSnapshot context: Append* take none
	conn   *sql.Conn
	tenant string
	date   time.Time
	runID  string

	apps    map[string]*duckdb.Appender
	buf     []driver.Value // the row being appended
	scratch []driver.Value // the values of a wide row being built (AppendAppsUsage)
	counts  SnapshotCounts
	failed  error // the first append failure; Commit refuses after one
	done    bool

	flushedAt int64 // rows appended at the last flush (maybeFlush)

	catalog   string // the warehouse file's catalog (qualified)
	health    Health
	martsTook time.Duration
}

// SnapshotCounts is the number of rows appended so far, per raw table.
type SnapshotCounts struct {
	Users             int64 // raw_users
	Licenses          int64 // raw_user_licenses
	AssignmentStates  int64 // raw_license_assignment_states
	SKUs              int64 // raw_subscribed_skus
	ServicePlans      int64 // raw_sku_service_plans
	Subscriptions     int64 // raw_subscriptions
	SubscriptionPlans int64 // raw_subscription_service_plans
	Groups            int64 // raw_groups
	GroupLicenses     int64 // raw_group_licenses
	ReportRows        int64 // raw_usage_report
	ReportRefreshDate time.Time
	CopilotRows       int64 // raw_copilot_usage
	AppsRows          int64 // raw_apps_usage
	ActivationRows    int64 // raw_office_activations
	MailboxRows       int64 // raw_mailbox_usage
	SignInActivity    int64 // raw_signin_activity
	PowerBIUsers      int64 // raw_powerbi_signins
}

// BeginSnapshot starts writing the snapshot of tenant for snapshotDate (a
// calendar date: its Year, Month and Day are used) by run runID. The rows
// of an earlier snapshot of the same tenant and date are deleted inside
// the transaction, so a same-day re-run replaces them atomically at
// Commit. Callers defer Rollback.
func (w *Warehouse) BeginSnapshot(ctx context.Context, tenant string, snapshotDate time.Time, runID string) (*Snapshot, error) {
	switch {
	case w.readOnly:
		return nil, errors.New("begin snapshot: warehouse is open read-only")
	case tenant == "":
		return nil, errors.New("begin snapshot: tenant must not be empty")
	case runID == "":
		return nil, errors.New("begin snapshot: run id must not be empty")
	case snapshotDate.IsZero():
		return nil, errors.New("begin snapshot: snapshot date must be set")
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin snapshot of tenant %s: connect: %w", tenant, err)
	}
	s := &Snapshot{w: w, ctx: ctx, conn: conn, tenant: tenant, date: dateOf(snapshotDate),
		runID: runID, apps: map[string]*duckdb.Appender{}}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		discard(conn)
		return nil, fmt.Errorf("begin snapshot of tenant %s: %w", tenant, err)
	}
	w.mu.Lock()
	w.snapshots[s] = struct{}{}
	w.mu.Unlock()
	// The raw rows are staged in temporary tables until Commit folds them
	// into the versions: a same-day re-run replaces the day there.
	if s.catalog, err = connCatalog(ctx, conn); err == nil {
		err = stageRaw(ctx, conn, s.catalog)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("begin snapshot of tenant %s: %w", tenant, err), s.Rollback())
	}
	return s, nil
}

func (s *Snapshot) deleteRows(table string) error {
	_, err := s.conn.ExecContext(s.ctx, "DELETE FROM "+table+" WHERE tenant = ? AND snapshot_date = ?",
		s.tenant, s.date)
	if err != nil {
		return fmt.Errorf("delete %s rows of tenant %s on %s: %w", table, s.tenant, s.date.Format(time.DateOnly), err)
	}
	return nil
}

// Counts returns the rows appended so far per table; after a failed
// dataset was discarded (DatasetStatus with ok false) its counts are 0.
func (s *Snapshot) Counts() SnapshotCounts { return s.counts }

// Commit flushes the appenders, computes the snapshot's marts into the
// _history tables (and the latest tables when it is the tenant's newest
// snapshot), records it in `snapshots` and commits: the raw rows and the
// marts land together or not at all. status is "ok" or "degraded"; a
// snapshot whose usage report the transforms find concealed or missing is
// recorded degraded whatever status says (Health tells why). The parameter
// tables must have been written (ReplaceParams) first. On error nothing is
// written.
func (s *Snapshot) Commit(status string) error {
	if err := s.usable(); err != nil {
		return fmt.Errorf("commit snapshot: %w", err)
	}
	if status != StatusOK && status != StatusDegraded {
		return fmt.Errorf("commit snapshot of tenant %s: status %q: want ok or degraded", s.tenant, status)
	}
	err := s.closeAppenders()
	if err == nil {
		_, err = s.dedupeUsers()
	}
	if err == nil {
		status, err = s.computeMarts(status)
	}
	foldStart := time.Now()
	if err == nil {
		err = s.foldRaw()
	}
	foldTook := time.Since(foldStart)
	if err == nil {
		_, err = s.conn.ExecContext(s.ctx, `INSERT OR REPLACE INTO `+s.qualified("snapshots")+`
			(tenant, snapshot_date, run_id, status, committed_at) VALUES (?, ?, ?, ?, ?)`,
			s.tenant, s.date, s.runID, status, time.Now().UTC())
	}
	commitStart := time.Now()
	if err == nil {
		_, err = s.conn.ExecContext(s.ctx, "COMMIT")
	}
	commitTook := time.Since(commitStart)
	if err != nil {
		return errors.Join(fmt.Errorf("commit snapshot of tenant %s: %w", s.tenant, err), s.Rollback())
	}
	s.finish()
	// The connection holds the computation's temporary views, which shadow
	// raw_ and snapshots: it must never serve another query.
	discard(s.conn)
	s.w.opts.log.Info("snapshot committed", "tenant", s.tenant, "run_id", s.runID,
		"snapshot_date", s.date.Format(time.DateOnly), "status", status, "users", s.counts.Users,
		"marts_ms", s.martsTook.Milliseconds(), "fold_ms", foldTook.Milliseconds(), "commit_ms", commitTook.Milliseconds())
	return nil
}

// computeMarts computes and stores the snapshot's marts inside its
// transaction, and returns the status to record.
func (s *Snapshot) computeMarts(status string) (string, error) {
	start := time.Now()
	c, err := s.w.newComputation(s.ctx, s.conn, snapKey{s.tenant, s.date}, s.runID, status, s.runID)
	if err != nil {
		return "", err
	}
	c.staged = true
	if err := c.compute(s.ctx); err != nil {
		return "", err
	}
	if s.health, err = c.health(s.ctx); err != nil {
		return "", err
	}
	computed := time.Now()
	if err := c.store(s.ctx); err != nil {
		return "", err
	}
	s.martsTook = time.Since(start)
	s.w.opts.log.Debug("marts stored", "tenant", s.tenant, "compute_ms", computed.Sub(start).Milliseconds(),
		"store_ms", time.Since(computed).Milliseconds())
	if s.health.Degraded() {
		status = StatusDegraded
	}
	return status, nil
}

// foldRaw folds the staged raw rows into the versions.
func (s *Snapshot) foldRaw() error {
	s.w.mu.Lock()
	f := folder{conn: s.conn, catalog: s.catalog, cols: s.w.versionCols}
	s.w.mu.Unlock()
	next, err := f.nextSnapshot(s.ctx, s.tenant, s.date)
	if err != nil {
		return err
	}
	for _, v := range rawRelations {
		if err := f.fold(s.ctx, v, s.tenant, s.date, next, "temp.main."+v.name); err != nil {
			return err
		}
	}
	return nil
}

// qualified names a table of the warehouse file, past the staging tables
// and the temporary views of the computation.
func (s *Snapshot) qualified(table string) string {
	return quoteIdent(s.catalog) + ".main." + table
}

// Health is what the transforms found about the committed snapshot.
func (s *Snapshot) Health() Health { return s.health }

// MartsTook is how long computing and storing the snapshot's marts took.
func (s *Snapshot) MartsTook() time.Duration { return s.martsTook }

// Rollback discards the snapshot. It is a no-op after Commit or a first
// Rollback, so callers always defer it.
func (s *Snapshot) Rollback() error {
	if s.done {
		return nil
	}
	s.finish()
	for _, a := range s.apps {
		_ = a.Clear() // drop buffered rows instead of flushing them
		_ = a.Close()
	}
	s.apps = nil
	// context.Background: a cancelled run must still roll back.
	if _, err := s.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		discard(s.conn)
		return fmt.Errorf("roll back snapshot of tenant %s: %w", s.tenant, err)
	}
	// A failed computation may have left temporary views behind.
	discard(s.conn)
	return nil
}

func (s *Snapshot) finish() {
	s.done = true
	s.w.mu.Lock()
	delete(s.w.snapshots, s)
	s.w.mu.Unlock()
}

// discard closes conn and keeps database/sql from pooling it again: its
// transaction state is unknown.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

func (s *Snapshot) usable() error {
	switch {
	case s.done:
		return fmt.Errorf("snapshot of tenant %s is already committed or rolled back", s.tenant)
	case s.failed != nil:
		return fmt.Errorf("snapshot of tenant %s failed earlier: %w", s.tenant, s.failed)
	}
	return nil
}

// fail records the first append failure; the snapshot can then only be
// rolled back.
func (s *Snapshot) fail(err error) error {
	if s.failed == nil {
		s.failed = err
	}
	return err
}

// appender returns the snapshot's appender for table, creating it on
// first use.
func (s *Snapshot) appender(table string) (*duckdb.Appender, error) {
	if a, ok := s.apps[table]; ok {
		return a, nil
	}
	cols, ok := tableColumns[table]
	if !ok {
		return nil, fmt.Errorf("no column list for table %s", table)
	}
	var a *duckdb.Appender
	// The appender keeps the driver connection after Raw returns. That is
	// safe here: s.conn is held exclusively until Commit or Rollback, and
	// every appender is closed before the connection is released.
	err := s.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var err error
		a, err = duckdb.NewAppenderWithColumns(c, "", "", table, cols)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create appender for %s: %w", table, err)
	}
	s.apps[table] = a
	return a, nil
}

func (s *Snapshot) closeAppenders() error {
	var errs []error
	for t, a := range s.apps {
		if err := a.CloseWithCancel(s.ctx); err != nil {
			errs = append(errs, fmt.Errorf("flush %s: %w", t, err))
		}
		delete(s.apps, t)
	}
	return errors.Join(errs...)
}

// discardTables drops the rows appended so far to tables, for a dataset
// that failed part way through.
func (s *Snapshot) discardTables(tables []string) error {
	for _, t := range tables {
		if a, ok := s.apps[t]; ok {
			_ = a.Clear()
			if err := a.Close(); err != nil {
				return fmt.Errorf("close appender for %s: %w", t, err)
			}
			delete(s.apps, t)
		}
		if err := s.deleteRows(t); err != nil {
			return err
		}
	}
	return nil
}
