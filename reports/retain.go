package reports

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// WorkbookPattern matches the names WorkbookName gives, for Retain.
const WorkbookPattern = "seatledger-*.xlsx"

// WorkbookName is the file name of the workbook of one day:
// "seatledger-2026-11-20.xlsx" (the day in UTC).
func WorkbookName(day time.Time) string {
	return "seatledger-" + day.UTC().Format(time.DateOnly) + ".xlsx"
}

var dateInName = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// Retain keeps the keep newest dated files in dir whose names match the
// glob pattern (WorkbookPattern) and removes the older ones. A file's
// date is the YYYY-MM-DD in its name; matching names without a valid
// date, directories and other files are left alone. keep <= 0 keeps all.
func Retain(dir, pattern string, keep int) error {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return fmt.Errorf("retain workbooks: pattern %q: %w", pattern, err)
	}
	if keep <= 0 {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("retain workbooks: read %s: %w", dir, err)
	}
	type dated struct {
		name string
		day  time.Time
	}
	var files []dated
	for _, e := range entries {
		if ok, _ := filepath.Match(pattern, e.Name()); !ok || !e.Type().IsRegular() {
			continue
		}
		m := dateInName.FindString(e.Name())
		day, err := time.Parse(time.DateOnly, m)
		if m == "" || err != nil {
			continue
		}
		files = append(files, dated{e.Name(), day})
	}
	if len(files) <= keep {
		return nil
	}
	// Newest first; one day's names in reverse order, so it is stable.
	slices.SortFunc(files, func(a, b dated) int {
		return cmp.Or(b.day.Compare(a.day), cmp.Compare(b.name, a.name))
	})
	var errs []error
	for _, f := range files[keep:] {
		if err := os.Remove(filepath.Join(dir, f.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("retain workbooks: remove %s: %w", f.name, err))
		}
	}
	return errors.Join(errs...)
}
