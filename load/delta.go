package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// UserDeltaState is where a tenant's next users delta round starts: the
// @odata.deltaLink of the last round and the snapshot whose users it
// continues (table user_delta_state, written in the snapshot's
// transaction).
type UserDeltaState struct {
	// Link is a bearer-like capability: Format never prints it, and it must
	// not be logged.
	Link string
	// SnapshotDate is the snapshot whose users the link continues: a delta
	// round applied to that snapshot's users gives the tenant's users now.
	SnapshotDate time.Time
	ObtainedAt   time.Time // when Graph issued the link
	FullSyncAt   time.Time // the last full read of the users
}

// Format prints the state with the link replaced by <secret>, whatever
// the verb, so that a log line or an error never shows it.
func (s UserDeltaState) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{Link:<secret> SnapshotDate:%s ObtainedAt:%s FullSyncAt:%s}",
		s.SnapshotDate.Format(time.DateOnly), s.ObtainedAt.Format(time.RFC3339), s.FullSyncAt.Format(time.RFC3339))
}

// UserDeltaState returns tenant's stored delta state; ok is false when
// there is none.
func (w *Warehouse) UserDeltaState(ctx context.Context, tenant string) (st UserDeltaState, ok bool, err error) {
	err = w.db.QueryRowContext(ctx, `SELECT delta_link, snapshot_date, obtained_at, full_sync_at
		FROM user_delta_state WHERE tenant = ?`, tenant).Scan(&st.Link, &st.SnapshotDate, &st.ObtainedAt, &st.FullSyncAt)
	if errors.Is(err, sql.ErrNoRows) {
		return UserDeltaState{}, false, nil
	}
	if err != nil {
		return UserDeltaState{}, false, fmt.Errorf("read users delta state of tenant %s: %w", tenant, err)
	}
	st.SnapshotDate, st.ObtainedAt, st.FullSyncAt = dateOf(st.SnapshotDate), st.ObtainedAt.UTC(), st.FullSyncAt.UTC()
	return st, true, nil
}

// HasSnapshot reports whether tenant has a committed snapshot on date.
func (w *Warehouse) HasSnapshot(ctx context.Context, tenant string, date time.Time) (bool, error) {
	var n int
	err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM snapshots WHERE tenant = ? AND snapshot_date = ?",
		tenant, dateOf(date)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for the %s snapshot of tenant %s: %w", date.Format(time.DateOnly), tenant, err)
	}
	return n > 0, nil
}

// SetUserDeltaState records, in the snapshot's transaction, that the next
// users delta round starts from st.Link and continues this snapshot
// (st.SnapshotDate is ignored: it is the snapshot's date).
func (s *Snapshot) SetUserDeltaState(st UserDeltaState) error {
	if err := s.usable(); err != nil {
		return err
	}
	if st.Link == "" || st.ObtainedAt.IsZero() || st.FullSyncAt.IsZero() {
		return fmt.Errorf("store users delta state of tenant %s: link, obtained and full sync times are required", s.tenant)
	}
	_, err := s.conn.ExecContext(s.ctx, `INSERT OR REPLACE INTO user_delta_state
		(tenant, delta_link, snapshot_date, obtained_at, full_sync_at) VALUES (?, ?, ?, ?, ?)`,
		s.tenant, st.Link, s.date, st.ObtainedAt.UTC(), st.FullSyncAt.UTC())
	if err != nil {
		return s.fail(fmt.Errorf("store users delta state of tenant %s: %w", s.tenant, err))
	}
	return nil
}

// ClearUserDeltaState forgets the tenant's delta state in the snapshot's
// transaction: the next run reads the users in full.
func (s *Snapshot) ClearUserDeltaState() error {
	if err := s.usable(); err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(s.ctx, "DELETE FROM user_delta_state WHERE tenant = ?", s.tenant); err != nil {
		return s.fail(fmt.Errorf("clear users delta state of tenant %s: %w", s.tenant, err))
	}
	return nil
}

// userTables are the raw tables of users, with their user id column.
var userTables = []struct{ table, id string }{
	{"raw_users", "id"}, {"raw_user_licenses", "user_id"}, {"raw_license_assignment_states", "user_id"},
}

// CarryUsers copies the users of the tenant's snapshot of date from (with
// their licences and assignment states) into this snapshot, except
// exceptIDs (the users a delta round changed or removed), so that a
// snapshot written from a delta round is still a full picture. It runs in
// the snapshot's transaction, as one INSERT ... SELECT per table with an
// anti-join on a temporary table of ids: a million users and ten thousand
// changes stay inside DuckDB. It returns the users carried.
func (s *Snapshot) CarryUsers(ctx context.Context, from time.Time, exceptIDs []string) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	from = dateOf(from)
	if from.Equal(s.date) {
		return 0, fmt.Errorf("carry users of tenant %s: from %s is the snapshot itself", s.tenant, from.Format(time.DateOnly))
	}
	if err := s.loadIDs(ctx, exceptIDs); err != nil {
		return 0, s.fail(fmt.Errorf("carry users of tenant %s: %w", s.tenant, err))
	}
	var users int64
	for _, t := range userTables {
		cols := tableColumns[t.table][len(key):]
		q := `INSERT INTO ` + t.table + ` (tenant, snapshot_date, run_id, ` + strings.Join(cols, ", ") + `)
			SELECT tenant, ?, ?, ` + strings.Join(cols, ", ") + ` FROM ` + s.qualified(t.table) + ` r
			WHERE tenant = ? AND snapshot_date = ?
			AND NOT EXISTS (SELECT 1 FROM delta_ids d WHERE d.id = r.` + t.id + `)`
		res, err := s.conn.ExecContext(ctx, q, s.date, s.runID, s.tenant, from)
		if err != nil {
			return 0, s.fail(fmt.Errorf("carry %s of tenant %s from %s: %w", t.table, s.tenant, from.Format(time.DateOnly), err))
		}
		n, _ := res.RowsAffected()
		s.uncount(t.table, -n)
		if t.table == "raw_users" {
			users = n
		}
	}
	return users, nil
}

// RemoveUsers deletes the rows of ids appended to this snapshot so far:
// users a delta round returned and later reported removed.
func (s *Snapshot) RemoveUsers(ctx context.Context, ids []string) error {
	if err := s.usable(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	if err := s.loadIDs(ctx, ids); err != nil {
		return s.fail(fmt.Errorf("remove users of tenant %s: %w", s.tenant, err))
	}
	for _, t := range userTables {
		res, err := s.conn.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE tenant = ? AND snapshot_date = ?
			AND `+t.id+` IN (SELECT id FROM delta_ids)`, s.tenant, s.date)
		if err != nil {
			return s.fail(fmt.Errorf("remove %s rows of tenant %s: %w", t.table, s.tenant, err))
		}
		n, _ := res.RowsAffected()
		s.uncount(t.table, n)
	}
	return nil
}

// ResetUsers discards every user row appended to this snapshot so far,
// for a delta round that Graph refused part way: the users are then read
// in full into the same snapshot.
func (s *Snapshot) ResetUsers() error {
	if err := s.usable(); err != nil {
		return err
	}
	tables := make([]string, len(userTables))
	for i, t := range userTables {
		tables[i] = t.table
	}
	if err := s.discardTables(tables); err != nil {
		return s.fail(fmt.Errorf("reset users of tenant %s: %w", s.tenant, err))
	}
	s.counts.Users, s.counts.Licenses, s.counts.AssignmentStates = 0, 0, 0
	return nil
}

// idChunk is how many ids one INSERT of loadIDs binds.
const idChunk = 500

// loadIDs fills the connection's temporary table delta_ids with ids,
// after flushing the appenders so that SQL sees every appended row.
func (s *Snapshot) loadIDs(ctx context.Context, ids []string) error {
	if err := s.closeAppenders(); err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE delta_ids (id VARCHAR)"); err != nil {
		return fmt.Errorf("create temporary id table: %w", err)
	}
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := "INSERT INTO delta_ids VALUES " + strings.TrimSuffix(strings.Repeat("(?),", len(chunk)), ",")
		if _, err := s.conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("load %d ids: %w", len(chunk), err)
		}
	}
	return nil
}
