package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	seatsql "github.com/seatledger/seatledger/sql"
)

// migration is one sql/schema/NNNN_name.sql file.
type migration struct {
	version int
	name    string // file name without .sql
	file    string
	body    string
}

var migrationRE = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// migrateMu serialises migrations of warehouses opened in this process:
// go-duckdb shares one database instance per file.
var migrateMu sync.Mutex

// readMigrations lists the migrations in dir of fsys, in version order.
func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationRE.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			return nil, fmt.Errorf("migration %s: name must look like 0001_name.sql", path.Join(dir, e.Name()))
		}
		v, _ := strconv.Atoi(m[1])
		if v == 0 {
			return nil, fmt.Errorf("migration %s: version must start at 0001", e.Name())
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration %s: version %d already used by %s", e.Name(), v, other)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: m[1] + "_" + m[2], file: e.Name(), body: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)`

// migrate applies every migration not yet recorded in schema_migrations,
// each in its own transaction, after refusing a file that has versions
// this binary does not know.
func (w *Warehouse) migrate(ctx context.Context) error {
	migrateMu.Lock()
	defer migrateMu.Unlock()
	ms, err := readMigrations(seatsql.Schema, "schema")
	if err != nil {
		return err
	}
	if _, err := w.db.ExecContext(ctx, createMigrations); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := w.appliedVersions(ctx, ms)
	if err != nil {
		return err
	}
	if len(applied) < len(ms) {
		if err := w.dropViews(ctx); err != nil {
			return err
		}
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := w.apply(ctx, m); err != nil {
			return err
		}
		w.opts.log.Info("applied migration", "version", m.version, "name", m.name)
	}
	return nil
}

// appliedVersions reads schema_migrations and refuses versions unknown to
// this binary: such a file was written by a newer seatledger.
func (w *Warehouse) appliedVersions(ctx context.Context, known []migration) (map[int]bool, error) {
	rows, err := w.db.QueryContext(ctx, "SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	knownV := map[int]bool{}
	newest := 0
	for _, m := range known {
		knownV[m.version] = true
		newest = max(newest, m.version)
	}
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		if !knownV[v] {
			return nil, fmt.Errorf("schema migration %d (%s) is unknown to this seatledger, whose newest is %d: "+
				"the file was written by a newer seatledger; upgrade seatledger to use it", v, name, newest)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

// apply runs one migration and records it, in one transaction.
func (w *Warehouse) apply(ctx context.Context, m migration) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.file, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.ExecContext(ctx, m.body); err != nil {
		return fmt.Errorf("migration %s: %w", m.file, err)
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().UTC()); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.file, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.file, err)
	}
	return nil
}

// checkVersion is the read-only side of migrate: the file must be a
// seatledger warehouse that this binary knows every migration of.
func (w *Warehouse) checkVersion(ctx context.Context) error {
	var n int
	err := w.db.QueryRowContext(ctx,
		"SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'").Scan(&n)
	if err != nil {
		return fmt.Errorf("look for schema_migrations: %w", err)
	}
	if n == 0 {
		return errors.New("not a seatledger warehouse (no schema_migrations table)")
	}
	ms, err := readMigrations(seatsql.Schema, "schema")
	if err != nil {
		return err
	}
	applied, err := w.appliedVersions(ctx, ms)
	if err != nil {
		return err
	}
	if len(applied) < len(ms) {
		w.opts.log.Warn("warehouse schema is older than this seatledger; the next run migrates it",
			"applied", len(applied), "known", len(ms))
	}
	return nil
}
