package rebuild

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

func TestPrintRebuilt(t *testing.T) {
	day := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	rebuilt := []load.Rebuilt{
		{Tenant: "contoso", SnapshotDate: day, RowsAdded: 3, RowsRemoved: 2},
		{Tenant: "contoso", SnapshotDate: day.AddDate(0, 0, 1)},
		{Tenant: "fabrikam", SnapshotDate: day, Err: errors.New("no raw data")},
	}
	for _, tt := range []struct {
		name   string
		dryRun bool
		want   []string
	}{
		{"dry run", true, []string{
			"contoso 2026-01-31 3 2 would change", "contoso 2026-02-01 0 0 unchanged", "fabrikam 2026-01-31 0 0 failed: no raw data",
			"dry run r1: 1 of 3 snapshots would change; nothing was changed (run with --apply)"}},
		{"apply", false, []string{"contoso 2026-01-31 3 2 rebuilt", "rebuild r1: 1 of 3 snapshots changed"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			printRebuilt(&b, "r1", rebuilt, tt.dryRun)
			var lines []string
			for _, l := range strings.Split(b.String(), "\n") {
				lines = append(lines, strings.Join(strings.Fields(l), " "))
			}
			got := strings.Join(lines, "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want time.Time
		err  string
	}{
		{"", time.Time{}, ""},
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), ""},
		{"yesterday", time.Time{}, `--from: want a date YYYY-MM-DD, got "yesterday"`},
	} {
		got, err := ParseDay("--from", tt.v)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: got %v, want %s", tt.v, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: got %v, %v; want %v", tt.v, got, err, tt.want)
		}
	}
}
