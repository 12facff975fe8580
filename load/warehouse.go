// Package load is seatledger's warehouse: the only package that talks to
// DuckDB. It opens one DuckDB file, applies the numbered migrations of
// sql.Schema, appends one tenant snapshot per transaction with the DuckDB
// Appender, computes that snapshot's marts with the SQL transforms in the
// same transaction, keeps the run journal and streams mart rows back out.
//
// A snapshot is one transaction on one dedicated connection: rows appended
// by a DuckDB Appender on a connection inside BEGIN ... COMMIT belong to
// that transaction (TestAppenderJoinsTransaction pins this), so a rollback,
// an error or a killed process leaves the previous snapshot untouched.
package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrBusy means another process (a running seatledger run) holds the
// warehouse file's write lock.
var ErrBusy = errors.New("a seatledger run is in progress (warehouse locked): try again when it ends")

// Warehouse is an open DuckDB warehouse file.
type Warehouse struct {
	db       *sql.DB
	path     string
	readOnly bool
	opts     options
	release  func() // undoes the umask tightening of a writer

	mu          sync.Mutex
	versionCols map[string]versionColumns // content columns of each raw relation
	active      map[runKey]struct{}       // runs started and not finished by this process
	snapshots   map[*Snapshot]struct{}
	closed      bool
}

type runKey struct{ id, tenant string }

var memoryLimitRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*([KMGT]i?)?B$`)

// Open opens the warehouse file at path for writing, creating it (mode
// 0600) when absent, and applies pending migrations. A file written by a
// newer seatledger (a migration this binary does not know) is refused.
// While a writer is open the process umask is at least 077, so that the
// files DuckDB creates itself (.wal, .tmp/) are owner-only too.
func Open(ctx context.Context, path string, opts ...Option) (*Warehouse, error) {
	w, err := open(ctx, path, false, opts)
	if err != nil {
		return nil, err
	}
	if err := w.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate warehouse %s: %w", path, err)
	}
	if err := w.loadVersionColumns(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.foldLegacy(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("upgrade raw tables of warehouse %s: %w", path, err)
	}
	if err := w.applyViews(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("create views of warehouse %s: %w", path, err)
	}
	if err := w.backfill(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("upgrade warehouse %s: %w", path, err)
	}
	if err := restrictFiles(path); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// OpenReadOnly opens an existing warehouse for reading (seatledger query,
// report). It fails with an error wrapping ErrBusy while a writer holds
// the file, and refuses a file written by a newer seatledger.
func OpenReadOnly(ctx context.Context, path string, opts ...Option) (*Warehouse, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	w, err := open(ctx, path, true, opts)
	if err != nil {
		return nil, err
	}
	if err := w.checkVersion(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	return w, nil
}

func open(ctx context.Context, path string, readOnly bool, opts []Option) (*Warehouse, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	dsn, err := buildDSN(path, readOnly, o)
	if err != nil {
		return nil, err
	}
	setup, err := o.connInit(readOnly)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	w := &Warehouse{path: path, readOnly: readOnly, opts: o, release: func() {}}
	if !readOnly {
		w.release = tightenUmask()
	}
	conn, err := duckdb.NewConnector(dsn, setup)
	if err != nil {
		w.release()
		return nil, fmt.Errorf("open warehouse %s: %w", path, busy(err))
	}
	w.db = sql.OpenDB(conn)
	if err := w.db.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open warehouse %s: %w", path, busy(err))
	}
	if o.confined {
		if err := w.confine(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("open warehouse %s: %w", path, err)
		}
	}
	w.active = map[runKey]struct{}{}
	w.snapshots = map[*Snapshot]struct{}{}
	o.log.Debug("warehouse open", "path", path, "read_only", readOnly,
		"memory_limit", o.memoryLimit, "threads", o.threads, "temp_directory", o.tempDir,
		"confined", o.confined, "readable_dirs", o.readDirs)
	return w, nil
}

// buildDSN turns path and options into go-duckdb's DSN: the path, then
// DuckDB settings as a query string.
func buildDSN(path string, readOnly bool, o options) (string, error) {
	switch {
	case path == "" || path == ":memory:":
		return "", errors.New("warehouse path: must name a file")
	case strings.ContainsAny(path, "?#%"):
		// go-duckdb cuts the DSN at '?' to find the file name and
		// URL-decodes it, so "%41" would open a file named "A".
		return "", fmt.Errorf("warehouse path %q: must not contain '?', '#' or '%%'", path)
	case !memoryLimitRE.MatchString(o.memoryLimit):
		return "", fmt.Errorf("memory limit %q: want a size such as 512MB or 1GB", o.memoryLimit)
	case o.threads < 1:
		return "", fmt.Errorf("threads %d: must be at least 1", o.threads)
	}
	q := url.Values{}
	q.Set("access_mode", "READ_WRITE")
	if readOnly {
		q.Set("access_mode", "READ_ONLY")
	}
	q.Set("memory_limit", o.memoryLimit)
	// A new warehouse file is written in DuckDB 1.3's storage format
	// (DICT_FSST strings and the rest): at 100k users a night's inserts and
	// commit took 1.37 s against 1.65-1.69 s with the default (0.10.2's)
	// format, and the file came out 8 % smaller. Readers need DuckDB 1.3 or
	// later. A file that exists keeps the format it was created with.
	q.Set("storage_compatibility_version", "v1.3.0")
	q.Set("threads", strconv.Itoa(o.threads))
	if o.tempDir != "" {
		q.Set("temp_directory", o.tempDir)
	}
	// There is no network: never try to download an extension.
	q.Set("autoinstall_known_extensions", "false")
	if o.confined {
		q.Set("custom_user_agent", confinedAgent)
	}
	return path + "?" + q.Encode(), nil
}

// initConn runs on every new DuckDB connection. Dates are cut from
// TIMESTAMPTZ values in UTC whatever the host's zone (ICU is linked in, so
// DuckDB would otherwise use the local zone).
func initConn(ex driver.ExecerContext) error {
	if _, err := ex.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil); err != nil {
		return fmt.Errorf("set time zone: %w", err)
	}
	return nil
}

// busy maps DuckDB's lock errors to ErrBusy. Another process holding the
// write lock gives "Could not set lock on file"; this process holding the
// file with other settings (a writer, when opening read-only) gives
// "different configuration", because go-duckdb shares one database
// instance per file and process.
func busy(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock on file") ||
		strings.Contains(msg, "same database file with a different configuration") {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	return err
}

// SQLForTests is the underlying database handle, for tests' assertions
// and fixtures only: production code reads through the typed methods of
// this package (and seatledger query through QueryUser), which
// golangci-lint's forbidigo rule in .golangci.yml enforces outside load.
// On a writable warehouse, writes through it bypass the snapshot
// guarantees.
func (w *Warehouse) SQLForTests() *sql.DB { return w.db }

// Path is the warehouse file's path.
func (w *Warehouse) Path() string { return w.path }

// Close rolls back any snapshot still open, then closes the file. A second
// Close is a no-op.
func (w *Warehouse) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	open := make([]*Snapshot, 0, len(w.snapshots))
	for s := range w.snapshots {
		open = append(open, s)
	}
	w.mu.Unlock()
	var errs []error
	for _, s := range open {
		w.opts.log.Warn("rolling back a snapshot left open at close", "tenant", s.tenant, "run_id", s.runID)
		errs = append(errs, s.Rollback())
	}
	if w.db != nil {
		if err := w.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close warehouse %s: %w", w.path, err))
		}
	}
	if w.release != nil {
		w.release()
		w.release = nil
	}
	return errors.Join(errs...)
}
