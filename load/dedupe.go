package load

import "fmt"

// dedupeUsers removes users that Graph returned more than once in the
// snapshot (paging over a directory that changes can repeat a user),
// keeping the copy appended last, and the repeated licence and assignment
// rows with them. It runs inside the snapshot's transaction, before the
// commit, and returns how many repeated users it removed.
//
// A count of distinct ids first keeps the common case (no repeats) to one
// aggregate; see https://learn.microsoft.com/graph/paging for why
// enumeration is not a consistent read.
func (s *Snapshot) dedupeUsers() (int64, error) {
	var repeats int64
	if err := s.conn.QueryRowContext(s.ctx, `SELECT count(*) - count(DISTINCT id) FROM raw_users
		WHERE tenant = ? AND snapshot_date = ?`, s.tenant, s.date).Scan(&repeats); err != nil {
		return 0, fmt.Errorf("count repeated users: %w", err)
	}
	if repeats == 0 {
		return 0, nil
	}
	for _, d := range []struct{ table, key string }{
		{"raw_users", "id"},
		{"raw_user_licenses", "user_id, sku_id"},
		{"raw_license_assignment_states", "user_id, sku_id, assigned_by_group"},
	} {
		q := `DELETE FROM ` + d.table + ` WHERE tenant = ? AND snapshot_date = ? AND rowid IN (
			SELECT rowid FROM (
				SELECT rowid, row_number() OVER (PARTITION BY ` + d.key + ` ORDER BY rowid DESC) AS n
				FROM ` + d.table + ` WHERE tenant = ? AND snapshot_date = ?)
			WHERE n > 1)`
		res, err := s.conn.ExecContext(s.ctx, q, s.tenant, s.date, s.tenant, s.date)
		if err != nil {
			return 0, fmt.Errorf("remove repeated rows of %s: %w", d.table, err)
		}
		n, _ := res.RowsAffected()
		s.uncount(d.table, n)
	}
	s.w.opts.log.Warn("Graph returned some users more than once; kept the last copy of each",
		"tenant", s.tenant, "run_id", s.runID, "repeated", repeats)
	return repeats, nil
}

// uncount takes n removed rows of one of the user tables off the counts
// (a negative n adds carried rows).
func (s *Snapshot) uncount(table string, n int64) {
	switch table {
	case "raw_users":
		s.counts.Users -= n
	case "raw_user_licenses":
		s.counts.Licenses -= n
	default:
		s.counts.AssignmentStates -= n
	}
}
