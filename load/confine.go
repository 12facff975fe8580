package load

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrConfined means a warehouse opened with ConfineFiles refused a
// statement: one that is not a single SELECT, or one that reaches a file
// other than the warehouse's own and those under its readable directories.
var ErrConfined = errors.New("refused by the warehouse's file confinement")

// confinedAgent marks a confined open in the DuckDB configuration.
// go-duckdb keeps one database instance per file and process and hands it
// to every opener whose configuration compares equal; the settings that
// confine are global and set after the open, so without a mark of its own
// a confined instance would be shared with (and lock) an unconfined reader
// in the same process, or the other way round. custom_user_agent is only
// sent on HTTP requests, which this build never makes.
const confinedAgent = "seatledger-confined"

// ConfineFiles makes a read-only warehouse unable to touch any file but
// its own (the database file and its spill directory, see
// WithTempDirectory), except for reading under readDirs (seatledger
// query: the Parquet export directory): read_csv('/etc/passwd'), ATTACH,
// INSTALL and LOAD fail, and QueryUser runs nothing but a single
// SELECT, so COPY ... TO and EXPORT DATABASE cannot write even under
// readDirs. Refusals wrap ErrConfined. Open (writable) refuses it.
//
// How: DuckDB's allowed_directories, then enable_external_access = false
// (which adds the spill directory to the allowed ones), then
// lock_configuration = true, so that no statement can undo them; see
// https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
// TestConfineFiles pins what each setting does in this DuckDB version.
func ConfineFiles(readDirs ...string) Option {
	return func(o *options) {
		o.confined = true
		o.readDirs = append([]string(nil), readDirs...)
	}
}

// confine applies ConfineFiles to a freshly opened instance. An instance
// already locked carries the same mark, so the same directories: another
// confined open of this process got there first.
func (w *Warehouse) confine(ctx context.Context) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("confine: %w", err)
	}
	defer conn.Close()
	var locked bool
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('lock_configuration')").Scan(&locked); err != nil {
		return fmt.Errorf("confine: %w", err)
	}
	if locked {
		return nil
	}
	stmts, err := confineStatements(w.opts.readDirs)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("confine: %s: %w", s, err)
		}
	}
	return nil
}

// confineStatements are the settings of ConfineFiles in the order DuckDB
// needs: allowed_directories cannot change once external access is off,
// and nothing can once the configuration is locked, not even the time
// zone, which is therefore set globally here instead of per connection.
func confineStatements(readDirs []string) ([]string, error) {
	stmts := []string{"SET GLOBAL TimeZone = 'UTC'"}
	if len(readDirs) > 0 {
		lits := make([]string, len(readDirs))
		for i, d := range readDirs {
			abs, err := filepath.Abs(d)
			if err != nil {
				return nil, fmt.Errorf("confine: readable directory %s: %w", d, err)
			}
			// A trailing separator, so that /srv/parquet does not allow /srv/parquet-old.
			lits[i] = quoteLiteral(strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator))
		}
		stmts = append(stmts, "SET GLOBAL allowed_directories = ["+strings.Join(lits, ", ")+"]")
	}
	return append(stmts, "SET GLOBAL enable_external_access = false", "SET GLOBAL lock_configuration = true"), nil
}

// checkSelect refuses, on a confined warehouse, any query that is not a
// single SELECT (SHOW, DESCRIBE, SUMMARIZE and FROM-first queries are
// SELECTs to DuckDB). The query is prepared, not run: go-duckdb's
// context-free Prepare refuses several statements instead of running all
// but the last, as QueryContext does.
func (w *Warehouse) checkSelect(ctx context.Context, query string) error {
	if !w.opts.confined {
		return nil
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("the DuckDB connection cannot prepare")
		}
		st, err := c.Prepare(query)
		if err != nil {
			if strings.Contains(err.Error(), "multi-statement") {
				return fmt.Errorf("%w: one statement at a time", ErrConfined)
			}
			return confined(err)
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return errors.New("the DuckDB statement has no type")
		}
		t, err := ds.StatementType()
		if err != nil {
			return err
		}
		if t != duckdb.STATEMENT_TYPE_SELECT {
			return fmt.Errorf("%w: only a SELECT may run, got another kind of statement (DuckDB statement type %d)", ErrConfined, t)
		}
		return nil
	})
}

// confined wraps DuckDB's permission errors (a file outside the allowed
// ones, a locked setting) in ErrConfined.
func confined(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypePermission {
		return fmt.Errorf("%w: %w", ErrConfined, err)
	}
	return err
}
