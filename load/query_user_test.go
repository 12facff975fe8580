package load_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// TestQueryUser: the user's SQL on a confined warehouse gives its columns
// (also without rows) and plain values, and refusals wrap ErrConfined.
func TestQueryUser(t *testing.T) {
	ctx := context.Background()
	path, pq := confinedWarehouse(t)
	w, err := load.OpenReadOnly(ctx, path, load.ConfineFiles(pq))
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	defer w.Close()
	stop := errors.New("stop")
	for _, tt := range []struct {
		name, query string
		row         func([]any) error
		cols, rows  []string
		err         error
	}{
		{name: "rows", query: "SELECT tenant, count(*) AS n, 1.5::DECIMAL(4,1) AS d FROM raw_users GROUP BY tenant",
			cols: []string{"tenant", "n", "d"}, rows: []string{"[contoso 10 1.5]"}},
		{name: "no rows still name the columns", query: "SELECT tenant, run_id FROM raw_users WHERE false",
			cols: []string{"tenant", "run_id"}},
		{name: "an error of row stops", query: "SELECT * FROM range(10)", row: func([]any) error { return stop }, err: stop},
		{name: "a write is refused", query: "COPY (SELECT 1) TO '" + pq + "/x.csv'", err: load.ErrConfined},
		{name: "a file outside is refused", query: "SELECT * FROM read_csv('/etc/passwd')", err: load.ErrConfined},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rows []string
			row := tt.row
			if row == nil {
				row = func(v []any) error { rows = append(rows, fmt.Sprint(v)); return nil }
			}
			cols, err := w.QueryUser(ctx, tt.query, row)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cols, tt.cols) || !slices.Equal(rows, tt.rows) {
				t.Errorf("got columns %q rows %q, want %q %q", cols, rows, tt.cols, tt.rows)
			}
		})
	}
}
