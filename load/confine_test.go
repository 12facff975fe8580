package load_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// confinedWarehouse is a warehouse with one snapshot, beside a Parquet
// directory with one partition, a CSV file just outside it and one in a
// sibling directory whose name starts the same.
func confinedWarehouse(t *testing.T) (path, parquetDir string) {
	t.Helper()
	w, path := mustOpen(t)
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	parquetDir = filepath.Join(dir, "parquet")
	for _, d := range []string{filepath.Join(parquetDir, "tenant=contoso"), filepath.Join(dir, "parquet-old")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("COPY (SELECT 42 AS answer) TO '" + filepath.Join(parquetDir, "tenant=contoso", "part.parquet") + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(dir, "outside.csv"), filepath.Join(dir, "parquet-old", "old.csv")} {
		if err := os.WriteFile(f, []byte("a\n1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path, parquetDir
}

func TestConfineFiles(t *testing.T) {
	ctx := context.Background()
	path, pq := confinedWarehouse(t)
	dir := filepath.Dir(path)
	w, err := load.OpenReadOnly(ctx, path, load.ConfineFiles(pq))
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer w.Close()

	allowed := []struct{ name, query, want string }{
		{"a mart", "SELECT count(*) > 0 FROM mart_user_licenses", "true"},
		{"a raw table", "SELECT count(*) FROM raw_users", "10"},
		{"SHOW is a SELECT", "SELECT count(*) > 0 FROM (SHOW TABLES)", "true"},
		{"Parquet under the readable directory", "SELECT sum(answer) FROM read_parquet('" + pq + "/**/*.parquet', hive_partitioning = true) WHERE tenant = 'contoso'", "42"},
		{"dates in UTC", "SELECT current_setting('TimeZone')", "UTC"},
	}
	for _, tt := range allowed {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := w.Stream(ctx, tt.query, nil, func(_ []string, v []any) error {
				got = append(got, fmt.Sprint(v[0]))
				return nil
			})
			if err != nil || len(got) != 1 || got[0] != tt.want {
				t.Errorf("got %q, %v; want [%s], no error", got, err, tt.want)
			}
		})
	}

	refused := []struct{ name, query string }{
		{"COPY TO outside", "COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'"},
		{"COPY TO inside the readable directory", "COPY (SELECT 1) TO '" + filepath.Join(pq, "out.csv") + "'"},
		{"EXPORT DATABASE", "EXPORT DATABASE '" + filepath.Join(dir, "export") + "'"},
		{"read_csv outside", "SELECT * FROM read_csv('" + filepath.Join(dir, "outside.csv") + "')"},
		{"read_csv of /etc/passwd", "SELECT * FROM read_csv('/etc/passwd')"},
		{"a sibling that starts alike", "SELECT * FROM read_csv('" + filepath.Join(dir, "parquet-old", "old.csv") + "')"},
		{"dot-dot out of the readable directory", "SELECT * FROM read_csv('" + pq + "/../outside.csv')"},
		{"glob outside", "SELECT * FROM glob('" + dir + "/*')"},
		{"ATTACH", "ATTACH '" + filepath.Join(dir, "other.duckdb") + "' AS other"},
		{"a SELECT then a COPY", "SELECT 1; COPY (SELECT 1) TO '" + filepath.Join(pq, "out.csv") + "'"},
		{"SET", "SET enable_external_access = true"},
		{"LOAD", "LOAD httpfs"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			err := w.Stream(ctx, tt.query, nil, func([]string, []any) error { return nil })
			if !errors.Is(err, load.ErrConfined) {
				t.Errorf("got %v, want an error wrapping ErrConfined", err)
			}
			_, cerr := w.Columns(ctx, tt.query)
			if cerr == nil {
				t.Error("Columns: got no error, want one")
			}
		})
	}
	for _, f := range []string{filepath.Join(dir, "out.csv"), filepath.Join(pq, "out.csv"), filepath.Join(dir, "export")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was written", f)
		}
	}

	// Without Stream's statement check, DuckDB itself still refuses.
	for _, q := range []string{
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
		"SET enable_external_access = true",
		"SET allowed_directories = ['/']",
		"SET lock_configuration = false",
	} {
		if _, err := w.SQLForTests().ExecContext(ctx, q); err == nil {
			t.Errorf("SQLForTests().Exec(%q): got no error, want DuckDB to refuse", q)
		}
	}
}

// TestConfineFilesSpills: the spill directory stays usable, the default
// one (<path>.tmp) and one set with WithTempDirectory.
func TestConfineFilesSpills(t *testing.T) {
	ctx := context.Background()
	path, pq := confinedWarehouse(t)
	for _, tmp := range []string{"", filepath.Join(filepath.Dir(path), "spill")} {
		name, spill := "default", path+".tmp"
		if tmp != "" {
			name, spill = "WithTempDirectory", tmp
		}
		t.Run(name, func(t *testing.T) {
			w, err := load.OpenReadOnly(ctx, path, load.ConfineFiles(pq), load.WithTempDirectory(tmp), load.WithMemoryLimit("32MB"), load.WithThreads(1))
			if err != nil {
				t.Fatalf("OpenReadOnly: %v", err)
			}
			defer w.Close()
			conn, err := w.SQLForTests().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// A temporary table four times the memory limit must live in the spill directory.
			if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE big AS SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s FROM range(2000000)"); err != nil {
				t.Fatalf("fill a temporary table beyond the memory limit: %v", err)
			}
			var n int
			if err := conn.QueryRowContext(ctx, "SELECT count(DISTINCT s) FROM big").Scan(&n); err != nil || n != 2000000 {
				t.Fatalf("read it back: got %d, %v; want 2000000", n, err)
			}
			ents, err := os.ReadDir(spill)
			if err != nil || len(ents) == 0 {
				t.Errorf("spill directory %s: got %d entries, %v; want some", spill, len(ents), err)
			}
		})
	}
}

func TestConfineFilesRefusals(t *testing.T) {
	ctx := context.Background()
	path, pq := confinedWarehouse(t)
	if _, err := load.Open(ctx, path, load.ConfineFiles(pq)); err == nil || !strings.Contains(err.Error(), "confine") {
		t.Errorf("Open (writable) with ConfineFiles: got %v, want a refusal", err)
	}
	w, err := load.OpenReadOnly(ctx, path, load.ConfineFiles(pq))
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer w.Close()
	// go-duckdb shares one instance per file and process: an unconfined
	// reader must not get the confined one, nor the other way round.
	if r, err := load.OpenReadOnly(ctx, path); err == nil {
		r.Close()
		t.Error("unconfined OpenReadOnly beside a confined one: got no error, want one")
	}
	again, err := load.OpenReadOnly(ctx, path, load.ConfineFiles(pq))
	if err != nil {
		t.Fatalf("a second confined OpenReadOnly: %v", err)
	}
	again.Close()
}
