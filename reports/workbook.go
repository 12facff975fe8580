// Package reports turns plain row streams into the files people open: the
// Excel workbook for software asset managers. It is the only importer of
// excelize and imports nothing of seatledger's: rows arrive as []any.
//
// Big sheets are streamed, so memory stays flat in the number of rows: each
// part's header and layout through excelize's StreamWriter, its data rows
// through rowEncoder into a spool that is spliced into the part when the
// workbook is zipped (splice.go). A sheet beyond Excel's 1,048,575 data
// rows continues on "Name (2)", "Name (3)", each part a table of its own.
package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// excelRows is how many rows an Excel sheet has.
const excelRows = 1_048_576

// maxDataRows is how many data rows fit on one sheet under its header.
// Tests lower it.
var maxDataRows = excelRows - 1

// Sheet is one table of the workbook.
type Sheet struct {
	// Name is the sheet name: at most 31 characters, none of : \ / ? * [ ].
	Name    string
	Columns []Column
	// RowCount must be the exact number of rows Rows yields: a sheet's
	// <dimension> is written before its rows (pandas and openpyxl's
	// read-only mode trust it), and Write fails when the count differs.
	RowCount int
	// Rows yields each row: one value per distinct Column Name, in order
	// of first appearance (normally one per column). Values are what
	// database/sql gives: string, bool, integers, floats, time.Time, nil,
	// []byte, lists ([]any), decimals (Float64()) and *big.Int; anything
	// else is shown as its text. Rows is called twice for a sheet with a
	// Subtotal (once to add up, once to write), so it must be repeatable.
	Rows       func(yield func([]any) error) error
	Highlights []Highlight
	Subtotal   *Subtotal
}

// Workbook is everything that goes into one .xlsx file.
type Workbook struct {
	// Summary, when set, is the first sheet: KPIs per tenant and currency
	// and charts. Its Tenants also decide the tenant columns: with one
	// tenant they are hidden, with several they are shown (and filterable).
	Summary *Summary
	Sheets  []Sheet
}

// writer holds the state of one Write.
type writer struct {
	ctx       context.Context
	f         *excelize.File
	st        *styles
	renamed   bool            // Sheet1 has become the first sheet
	sheets    map[string]bool // lower-case sheet names used
	tables    map[string]bool // lower-case table names used
	oneTenant bool
	spools    []*rowSpool // data rows of every sheet part, spliced in at save
}

// Write writes wb to path atomically (a temporary file in the same
// directory, renamed into place) and owner-only (0600). On error nothing
// is left at path, and a previous file there is untouched.
func Write(ctx context.Context, path string, wb Workbook) error {
	if len(wb.Sheets) == 0 && wb.Summary == nil {
		return errors.New("write workbook: no sheets")
	}
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck // removes the stream writers' temp files
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write workbook: create styles: %w", err)
	}
	w := &writer{ctx: ctx, f: f, st: st, sheets: map[string]bool{}, tables: map[string]bool{}}
	defer func() {
		for _, sp := range w.spools {
			_ = sp.close() // temporary files; the workbook is written or failed already
		}
	}()
	if wb.Summary != nil {
		w.oneTenant = len(wb.Summary.Tenants) == 1
		if err := w.summary(wb.Summary); err != nil {
			return fmt.Errorf("write workbook: sheet %s: %w", summarySheet, err)
		}
	}
	for _, s := range wb.Sheets {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("write workbook: %w", err)
		}
		if err := w.sheet(s); err != nil {
			return fmt.Errorf("write workbook: sheet %s: %w", s.Name, err)
		}
	}
	f.SetActiveSheet(0)
	return save(f, path, w.spools)
}

// save writes the workbook, its parts' spooled rows spliced in.
func save(f *excelize.File, path string, spools []*rowSpool) error {
	ids := f.GetSheetMap()
	splices := make(map[string]*rowSpool, len(spools))
	for _, sp := range spools {
		name, err := sheetPath(ids, sp.sheet)
		if err != nil {
			return fmt.Errorf("write workbook %s: %w", path, err)
		}
		splices[name] = sp
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".seatledger-*.xlsx")
	if err != nil {
		return fmt.Errorf("create workbook file: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("restrict workbook file: %w", err)
	}
	// The zip goes straight into the file: excelize's WriteTo would gather
	// the whole workbook in memory first and hand the zip writer that
	// buffer, which stays empty here.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		z := newParallelZip(tmp)
		z.splices = splices
		return z
	})
	if _, err := f.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	for _, sp := range spools {
		if !sp.used {
			tmp.Close()
			return fmt.Errorf("write workbook %s: sheet %s: its rows found no place in the zip", path, sp.sheet)
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync workbook %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close workbook %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename workbook into %s: %w", path, err)
	}
	return nil
}

// addSheet creates a sheet (the first one renames excelize's "Sheet1").
// Excel compares sheet names case-insensitively.
func (w *writer) addSheet(name string) error {
	key := strings.ToLower(name)
	if w.sheets[key] {
		return fmt.Errorf("sheet name %q is used twice", name)
	}
	var err error
	if !w.renamed {
		err = w.f.SetSheetName("Sheet1", name)
		w.renamed = true
	} else {
		_, err = w.f.NewSheet(name)
	}
	if err != nil {
		return fmt.Errorf("create sheet %q: %w", name, err)
	}
	w.sheets[key] = true
	return nil
}

// tableName makes a valid, workbook-unique Excel table name from a sheet
// name: "Users (2)" -> "Users_2". Table names hold letters, digits, "_"
// and "."; they start with a letter or "_" and may not look like a cell.
func (w *writer) tableName(sheet string) string {
	var b strings.Builder
	under := false
	for _, r := range sheet {
		ok := r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if ok {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	name := strings.TrimRight(b.String(), "_")
	if name == "" || !(name[0] == '_' || name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z') || looksLikeCell(name) {
		name = "T_" + name
	}
	base := name
	for i := 2; w.tables[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	w.tables[strings.ToLower(name)] = true
	return name
}

// looksLikeCell reports names Excel reads as a reference: "A1", "XFD9",
// "R1C1", "R", "C".
func looksLikeCell(name string) bool {
	u := strings.ToUpper(name)
	if u == "R" || u == "C" {
		return true
	}
	if _, _, err := excelize.CellNameToCoordinates(u); err == nil {
		return true
	}
	var r, c int
	n, _ := fmt.Sscanf(u, "R%dC%d", &r, &c)
	return n == 2
}

// partName is the name of part i of a sheet: "Users", "Users (2)", ...
func partName(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s (%d)", name, i+1)
}
