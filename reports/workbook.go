// Package reports turns plain row streams into the files people open: the
// Excel workbook for software asset managers. It is the only importer of
// excelize and imports nothing of seatledger's: rows arrive as []any.
package reports

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// maxDataRows is how many data rows fit on one sheet under its header
// (Excel's 1,048,576 rows less one). Tests lower it.
var maxDataRows = 1_048_575

// Column describes one column of a sheet.
type Column struct {
	Name   string // the source column name
	Header string // the header cell; also the table column name, so unique
	Format Format
	Width  float64 // characters; 0 = the format's default
}

// Sheet is one table of the workbook. Rows yields each row's values in
// Columns order: string, bool, integers, floats, time.Time or nil. A sheet
// with more than 1,048,575 rows continues on "Name (2)", "Name (3)", ...
type Sheet struct {
	Name    string
	Columns []Column
	// RowCount must be the exact number of rows Rows yields: the sheet's
	// <dimension> is written before its rows (pandas and openpyxl's
	// read-only mode trust it), and Write fails when the count differs.
	RowCount int
	Rows     func(yield func([]any) error) error
}

// Workbook is everything that goes into one .xlsx file.
type Workbook struct {
	Sheets []Sheet
}

// Write writes wb to path atomically (a temporary file renamed into place)
// and owner-only (0600).
func Write(ctx context.Context, path string, wb Workbook) (err error) {
	if len(wb.Sheets) == 0 {
		return errors.New("workbook has no sheets")
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("create styles: %w", err)
	}
	first := true
	for _, s := range wb.Sheets {
		if err := writeSheet(ctx, f, st, s, &first); err != nil {
			return fmt.Errorf("sheet %s: %w", s.Name, err)
		}
	}
	f.SetActiveSheet(0)
	return save(f, path)
}

func save(f *excelize.File, path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".seatledger-*.xlsx")
	if err != nil {
		return fmt.Errorf("create workbook file: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("restrict workbook file: %w", err)
	}
	if _, err := f.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	return nil
}

// writeSheet streams s over one or more sheet parts.
func writeSheet(ctx context.Context, f *excelize.File, st *styles, s Sheet, first *bool) error {
	if len(s.Columns) == 0 {
		return errors.New("no columns")
	}
	var part *sheetPart
	n, seen := 0, 0
	open := func() error {
		i := n / maxDataRows
		rows := min(maxDataRows, s.RowCount-i*maxDataRows)
		var err error
		part, err = newPart(f, st, s, partName(s.Name, i), max(rows, 0), first)
		return err
	}
	if err := open(); err != nil {
		return err
	}
	err := s.Rows(func(vals []any) error {
		if seen++; seen%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if n > 0 && n%maxDataRows == 0 {
			if err := part.close(); err != nil {
				return err
			}
			if err := open(); err != nil {
				return err
			}
		}
		n++
		if n > s.RowCount {
			return fmt.Errorf("more rows than RowCount %d", s.RowCount)
		}
		return part.row(vals)
	})
	if err != nil {
		return err
	}
	if n != s.RowCount {
		return fmt.Errorf("got %d rows, want RowCount %d", n, s.RowCount)
	}
	return part.close()
}

// partName is the name of part i of a sheet: "Users", "Users (2)", ...
func partName(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s (%d)", name, i+1)
}
