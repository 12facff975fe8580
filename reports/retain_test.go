package reports_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/reports"
)

func TestWorkbookName(t *testing.T) {
	day := time.Date(2026, 11, 20, 23, 30, 0, 0, time.FixedZone("X", -3600))
	if got, want := reports.WorkbookName(day), "seatledger-2026-11-21.xlsx"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestRetain(t *testing.T) {
	files := []string{
		"seatledger-2026-11-18.xlsx", "seatledger-2026-11-20.xlsx", "seatledger-2026-11-19.xlsx",
		"seatledger-2025-12-31.xlsx", "seatledger-latest.xlsx", "seatledger-2026-13-01.xlsx",
		"other-2020-01-01.xlsx", ".seatledger-123.xlsx", "notes.txt",
	}
	for _, tc := range []struct {
		name    string
		keep    int
		removed []string
	}{
		{"keep two", 2, []string{"seatledger-2025-12-31.xlsx", "seatledger-2026-11-18.xlsx"}},
		{"keep more than there are", 10, nil},
		{"keep one", 1, []string{"seatledger-2025-12-31.xlsx", "seatledger-2026-11-18.xlsx", "seatledger-2026-11-19.xlsx"}},
		{"zero keeps all", 0, nil},
		{"negative keeps all", -1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Mkdir(filepath.Join(dir, "seatledger-2000-01-01.xlsx"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := reports.Retain(dir, reports.WorkbookPattern, tc.keep); err != nil {
				t.Fatal(err)
			}
			var gone []string
			for _, f := range append(files, "seatledger-2000-01-01.xlsx") {
				if _, err := os.Stat(filepath.Join(dir, f)); os.IsNotExist(err) {
					gone = append(gone, f)
				}
			}
			slices.Sort(gone)
			if strings.Join(gone, ",") != strings.Join(tc.removed, ",") {
				t.Errorf("got removed %v, want %v", gone, tc.removed)
			}
		})
	}
}

func TestRetainErrors(t *testing.T) {
	for _, tc := range []struct {
		name, dir, pattern, want string
	}{
		{"bad pattern", t.TempDir(), "seatledger-[", "pattern"},
		{"missing directory", filepath.Join(t.TempDir(), "nope"), reports.WorkbookPattern, "read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := reports.Retain(tc.dir, tc.pattern, 3)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}
