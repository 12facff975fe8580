package query_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/query"
	"github.com/seatledger/seatledger/load"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := load.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, format, sql, want, err string
	}{
		{name: "csv", format: "csv", sql: "SELECT 1 AS a, 'x' AS b", want: "a,b\n1,x\n"},
		{name: "no rows keep the header", format: "csv", sql: "SELECT 1 AS a WHERE false", want: "a\n"},
		{name: "a bad format", format: "xml", sql: "SELECT 1", err: "--format"},
		{name: "a write is refused", format: "table", sql: "COPY (SELECT 1) TO '" + filepath.Join(t.TempDir(), "x.csv") + "'", err: "query refused: seatledger query is read-only"},
		{name: "a file outside is refused", format: "table", sql: "SELECT * FROM read_csv('/etc/passwd')", err: "query refused"},
		{name: "an SQL error", format: "table", sql: "SELECT * FROM no_such_table", err: "query: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := query.Run(ctx, &out, query.Options{Warehouse: path, Format: tt.format}, tt.sql)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil || out.String() != tt.want {
				t.Errorf("got %q, %v; want %q", out.String(), err, tt.want)
			}
		})
	}
}
