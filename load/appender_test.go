package load_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// TestAppenderJoinsTransaction settles the question the snapshot design
// rests on: rows that a go-duckdb Appender flushes on a connection inside
// BEGIN ... are part of that transaction. Other connections do not see
// them before COMMIT, and ROLLBACK removes them.
func TestAppenderJoinsTransaction(t *testing.T) {
	ctx := context.Background()
	for _, end := range []string{"ROLLBACK", "COMMIT"} {
		t.Run(end, func(t *testing.T) {
			db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "a.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE t (a INTEGER)"); err != nil {
				t.Fatal(err)
			}
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
				t.Fatal(err)
			}
			err = conn.Raw(func(dc any) error {
				a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "t")
				if err != nil {
					return err
				}
				for i := range 10000 {
					if err := a.AppendRow(int32(i)); err != nil {
						return err
					}
				}
				return a.Close() // flushes into the transaction
			})
			if err != nil {
				t.Fatalf("append: %v", err)
			}
			countOn := func(q interface {
				QueryRowContext(context.Context, string, ...any) *sql.Row
			}) int {
				var n int
				if err := q.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if got := countOn(conn); got != 10000 {
				t.Errorf("own connection before %s: got %d rows, want 10000", end, got)
			}
			if got := countOn(db); got != 0 {
				t.Errorf("other connection before %s: got %d rows, want 0", end, got)
			}
			if _, err := conn.ExecContext(ctx, end); err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"ROLLBACK": 0, "COMMIT": 10000}[end]
			if got := countOn(db); got != want {
				t.Errorf("after %s: got %d rows, want %d", end, got, want)
			}
		})
	}
}
