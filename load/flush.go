package load

import "fmt"

// flushRows is how many rows a snapshot appends (over all its tables)
// between flushes of its appenders. A variable so that tests can lower it.
var flushRows int64 = 10_000

// maybeFlush hands the rows buffered by the snapshot's appenders to
// DuckDB's transaction (still uncommitted) every flushRows rows. The
// DuckDB appender otherwise buffers up to 204,800 rows per table in
// memory that memory_limit does not bound; flushed, big uncommitted
// appends are written ahead to the database file ("optimistic writes",
// https://duckdb.org/docs/stable/connect/concurrency) and paged out under
// memory_limit. Measured with seatledger bench load-1m (P3): 830 MB peak
// RSS without, 476 MB with it and a 256MB memory_limit.
func (s *Snapshot) maybeFlush() error {
	total := s.appended()
	if total-s.flushedAt < flushRows {
		return nil
	}
	s.flushedAt = total
	for t, a := range s.apps {
		if err := a.FlushWithCancel(s.ctx); err != nil {
			return s.fail(fmt.Errorf("flush %s: %w", t, err))
		}
	}
	return nil
}

// appended is how many rows of the tables that can grow large the
// snapshot holds: users and their licences, and the reports.
func (s *Snapshot) appended() int64 {
	c := s.counts
	return c.Users + c.Licenses + c.AssignmentStates + c.ReportRows +
		c.CopilotRows + c.AppsRows + c.ActivationRows + c.MailboxRows
}
