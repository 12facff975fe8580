package load

import (
	"io/fs"
	"log/slog"
	"runtime"
	"time"

	seatsql "github.com/seatledger/seatledger/sql"
)

// DefaultMemoryLimit caps DuckDB's buffer manager unless WithMemoryLimit
// says otherwise. DuckDB's own default is 80% of RAM, which is not a sane
// share for a nightly job on a shared host; beyond the limit DuckDB spills
// to <path>.tmp/ and pages the uncommitted snapshot's blocks, already
// written ahead to the database file, out. Peak RSS of seatledger bench
// load-1m (one snapshot of 1M users, appenders flushed every 10k rows):
// 627 MB at 1GB, 480 MB at 384MB, 419 MB at 256MB (the bench's P3 target: <= 500 MB).
const DefaultMemoryLimit = "256MB"

// Option configures Open and OpenReadOnly.
type Option func(*options)

type options struct {
	log         *slog.Logger
	memoryLimit string
	threads     int
	tempDir     string // "": DuckDB's default, <path>.tmp
	transforms  fs.FS
	asOf        time.Time // AsOf: hide snapshots after this day
	tenants     []string  // OnlyTenants: hide other tenants' snapshots
	confined    bool      // ConfineFiles: no file but the warehouse's own
	readDirs    []string  // ConfineFiles: directories it may still read
}

func defaultOptions() options {
	return options{
		log:         slog.New(slog.DiscardHandler),
		memoryLimit: DefaultMemoryLimit,
		// GOMAXPROCS follows the container's CPU quota; DuckDB's default
		// (every core of the host) does not.
		threads:    runtime.GOMAXPROCS(0),
		transforms: seatsql.Transforms,
	}
}

// WithLogger sets the logger; the default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithMemoryLimit sets DuckDB's memory_limit, e.g. "512MB" or "2GB"
// (default DefaultMemoryLimit); "" keeps the default.
func WithMemoryLimit(limit string) Option {
	return func(o *options) {
		if limit != "" {
			o.memoryLimit = limit
		}
	}
}

// WithThreads sets DuckDB's worker threads (default GOMAXPROCS); 0
// keeps the default.
func WithThreads(n int) Option {
	return func(o *options) {
		if n != 0 {
			o.threads = n
		}
	}
}

// WithTempDirectory sets where DuckDB spills what does not fit in its
// memory limit, read-only opens included (default <path>.tmp, which a
// reader of a read-only mount cannot create); "" keeps the default.
func WithTempDirectory(dir string) Option {
	return func(o *options) { o.tempDir = dir }
}

// WithTransforms replaces the SQL transforms that compute each snapshot's
// marts. The file system has the layout of sql.Transforms: transform/*.sql
// and marts/*.sql, creating the calc_ tables. Tests use it to supply their
// own files.
func WithTransforms(fsys fs.FS) Option {
	return func(o *options) {
		if fsys != nil {
			o.transforms = fsys
		}
	}
}
