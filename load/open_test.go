package load_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/seatledger/seatledger/load"
)

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	read := func(w *load.Warehouse) (versions []int, names []string, applied []time.Time) {
		rows, err := w.SQLForTests().QueryContext(ctx, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
		if err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var n string
			var a time.Time
			if err := rows.Scan(&v, &n, &a); err != nil {
				t.Fatalf("scan schema_migrations: %v", err)
			}
			versions, names, applied = append(versions, v), append(names, n), append(applied, a)
		}
		return versions, names, applied
	}
	v1, n1, a1 := read(w)
	if len(v1) == 0 || v1[0] != 1 || n1[0] != "0001_raw" || a1[0].IsZero() {
		t.Fatalf("schema_migrations = %v %v %v, want version 1 named 0001_raw with applied_at", v1, n1, a1)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	w2 := mustOpenPath(t, path)
	v2, _, a2 := read(w2)
	if len(v2) != len(v1) || !a2[0].Equal(a1[0]) {
		t.Errorf("after re-Open: got versions %v applied %v, want %v applied %v (no re-apply)", v2, a2, v1, a1)
	}
}

func TestOpenRefusesNewerFile(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	if _, err := w.SQLForTests().ExecContext(ctx,
		"INSERT INTO schema_migrations VALUES (9999, '9999_future', now())"); err != nil {
		t.Fatalf("insert future migration: %v", err)
	}
	w.Close()
	for name, open := range map[string]func() (*load.Warehouse, error){
		"Open":         func() (*load.Warehouse, error) { return load.Open(ctx, path) },
		"OpenReadOnly": func() (*load.Warehouse, error) { return load.OpenReadOnly(ctx, path) },
	} {
		t.Run(name, func(t *testing.T) {
			w, err := open()
			if err == nil {
				w.Close()
				t.Fatal("got no error, want a refusal of a newer file")
			}
			for _, want := range []string{"9999", "newer seatledger"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got error %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestOpenBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts []load.Option
		want string
	}{
		{"empty path", "", nil, "warehouse path"},
		{"memory", ":memory:", nil, "warehouse path"},
		{"question mark", filepath.Join(dir, "a?b.duckdb"), nil, "must not contain"},
		{"percent sign (URL-decoded by go-duckdb)", filepath.Join(dir, "a%41b.duckdb"), nil, "must not contain"},
		{"memory limit", filepath.Join(dir, "m.duckdb"), []load.Option{load.WithMemoryLimit("lots")}, `memory limit "lots"`},
		{"threads", filepath.Join(dir, "t.duckdb"), []load.Option{load.WithThreads(-1)}, "threads -1"},
		{"missing directory", filepath.Join(dir, "no", "such", "x.duckdb"), nil, "open warehouse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := load.Open(context.Background(), tt.path, tt.opts...)
			if err == nil {
				w.Close()
				t.Fatalf("got no error, want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.duckdb")
	db, err := sql.Open("duckdb", plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE x (a INT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	w, path := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))

	t.Run("missing file", func(t *testing.T) {
		_, err := load.OpenReadOnly(ctx, filepath.Join(dir, "none.duckdb"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want an error wrapping fs.ErrNotExist", err)
		}
	})
	t.Run("not a warehouse", func(t *testing.T) {
		_, err := load.OpenReadOnly(ctx, plain)
		if err == nil || !strings.Contains(err.Error(), "not a seatledger warehouse") {
			t.Errorf("got %v, want 'not a seatledger warehouse'", err)
		}
	})
	t.Run("writer open in this process", func(t *testing.T) {
		_, err := load.OpenReadOnly(ctx, path)
		if !errors.Is(err, load.ErrBusy) {
			t.Errorf("got %v, want an error wrapping ErrBusy", err)
		}
	})
	w.Close()
	t.Run("after the writer closed", func(t *testing.T) {
		r, err := load.OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatalf("OpenReadOnly: %v", err)
		}
		defer r.Close()
		if got := count(t, r, "raw_users", "contoso", day1); got != 10 {
			t.Errorf("raw_users: got %d rows, want 10", got)
		}
		if _, err := r.BeginSnapshot(ctx, "contoso", day2, "run-2"); err == nil {
			t.Error("BeginSnapshot on a read-only warehouse: got no error, want one")
		}
		if _, err := r.SQLForTests().Exec("DELETE FROM raw_users"); err == nil {
			t.Error("DELETE on a read-only warehouse: got no error, want one")
		}
	})
}

func TestSessionTimeZoneIsUTC(t *testing.T) {
	w, _ := mustOpen(t)
	var tz string
	for i := 0; i < 3; i++ { // several pooled connections
		if err := w.SQLForTests().QueryRow("SELECT current_setting('TimeZone')").Scan(&tz); err != nil {
			t.Fatal(err)
		}
		if tz != "UTC" {
			t.Errorf("TimeZone: got %q, want UTC", tz)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	w, _ := mustOpen(t)
	if err := w.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
}

// TestNewWarehouseStorageFormat: a new warehouse file is written in
// DuckDB 1.3's storage format (load/warehouse.go says why).
func TestNewWarehouseStorageFormat(t *testing.T) {
	w, _ := mustOpen(t)
	got := queryRow(t, w, "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()")
	if got[0] != "v1.3.0+" {
		t.Errorf("storage version: got %v, want v1.3.0+", got[0])
	}
}
