package load_test

import (
	"context"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// TestFlushKeepsSnapshotAtomic appends pages with the appenders flushed
// every few rows (as a large tenant is): flushed rows stay invisible to
// other connections until Commit, a Rollback drops them, and a committed
// snapshot holds every row once.
func TestFlushKeepsSnapshotAtomic(t *testing.T) {
	defer load.SetFlushRows(150)()
	const pages, perPage = 6, 99
	cases := []struct {
		name   string
		commit bool
		want   int
	}{
		{name: "rollback", commit: false, want: 0},
		{name: "commit", commit: true, want: pages * perPage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := mustOpen(t)
			s, err := w.BeginSnapshot(context.Background(), "contoso", day1, "run-1")
			if err != nil {
				t.Fatalf("BeginSnapshot: %v", err)
			}
			defer s.Rollback()
			for p := range pages {
				if err := s.AppendUsers(genUsers(p*perPage, perPage)); err != nil {
					t.Fatalf("AppendUsers page %d: %v", p, err)
				}
			}
			if got := countRows(t, w, "raw_users"); got != 0 {
				t.Errorf("raw_users seen by another connection before commit: got %d, want 0", got)
			}
			if tc.commit {
				if err := s.Commit("ok"); err != nil {
					t.Fatalf("Commit: %v", err)
				}
			} else if err := s.Rollback(); err != nil {
				t.Fatalf("Rollback: %v", err)
			}
			if got := countRows(t, w, "raw_users"); got != tc.want {
				t.Errorf("raw_users after %s: got %d, want %d", tc.name, got, tc.want)
			}
			var distinct int
			if err := w.SQLForTests().QueryRow("SELECT count(DISTINCT id) FROM raw_users").Scan(&distinct); err != nil {
				t.Fatal(err)
			}
			if distinct != tc.want {
				t.Errorf("distinct users: got %d, want %d", distinct, tc.want)
			}
		})
	}
}

func countRows(t *testing.T, w *load.Warehouse, table string) int {
	t.Helper()
	var n int
	if err := w.SQLForTests().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
