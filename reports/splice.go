package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A sheet part's data rows do not pass through excelize: rowEncoder
// writes their XML into a rowSpool, and when the workbook is zipped the
// spool is spliced into the part's worksheet XML right after its header
// row, the one row excelize's StreamWriter wrote before them (the
// subtotal rows it writes after them keep their place). excelize still
// writes everything else: the sheet's columns, panes, table, conditional
// formats and the rest of the workbook.

// spoolMemory is how much row XML a spool holds in memory before it moves
// to a temporary file, as excelize's own stream buffer does.
const spoolMemory = 16 << 20

// spoolSize is the buffer a spool of rows data rows starts with: room
// for all of them (at most rowBytes each, mostly) up to spoolMemory, plus a
// margin, so that a large sheet's buffer is allocated once rather than
// grown by copies that cost as much as encoding its rows.
func spoolSize(rows int) int {
	const rowBytes, margin = 2048, 64 << 10
	return min(rows, spoolMemory/rowBytes)*rowBytes + margin
}

// rowSpool gathers one part's row XML, in memory and then in a temporary
// file.
type rowSpool struct {
	sheet string
	buf   []byte
	file  *os.File
	used  bool // spliced into the zip
}

// spill moves what s.buf holds to the temporary file once it passes
// spoolMemory: a writer appends row XML to s.buf, then calls it.
func (s *rowSpool) spill() error {
	if len(s.buf) < spoolMemory {
		return nil
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "seatledger-rows-*")
		if err != nil {
			return fmt.Errorf("spool rows of sheet %s: %w", s.sheet, err)
		}
		s.file = f
	}
	if _, err := s.file.Write(s.buf); err != nil {
		return fmt.Errorf("spool rows of sheet %s: %w", s.sheet, err)
	}
	s.buf = s.buf[:0]
	return nil
}

// writeTo copies the rows, in order, to w.
func (s *rowSpool) writeTo(w io.Writer) error {
	if s.file != nil {
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("read spooled rows of sheet %s: %w", s.sheet, err)
		}
		if _, err := io.CopyBuffer(w, s.file, make([]byte, 1<<20)); err != nil {
			return fmt.Errorf("copy spooled rows of sheet %s: %w", s.sheet, err)
		}
	}
	if _, err := w.Write(s.buf); err != nil {
		return fmt.Errorf("copy rows of sheet %s: %w", s.sheet, err)
	}
	return nil
}

// close removes the temporary file, if any.
func (s *rowSpool) close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	s.file = nil
	return errors.Join(err, os.Remove(name))
}

// sheetPath is the zip entry of a worksheet: excelize names each
// "xl/worksheets/sheet<sheetId>.xml".
func sheetPath(ids map[int]string, sheet string) (string, error) {
	for id, name := range ids {
		if strings.EqualFold(name, sheet) {
			return "xl/worksheets/sheet" + strconv.Itoa(id) + ".xml", nil
		}
	}
	return "", fmt.Errorf("sheet %s: not in the workbook", sheet)
}

// endOfRow is where the header row ends in a part's XML: the rows go
// right after it. Cell text is escaped, so it cannot hold the tag.
const endOfRow = "</row>"

// splicer passes a worksheet's XML through to out and inserts its spool
// after the first row.
type splicer struct {
	out     io.Writer
	spool   *rowSpool
	matched int // bytes of endOfRow matched so far
}

func (s *splicer) Write(p []byte) (int, error) {
	if s.spool.used {
		return s.out.Write(p)
	}
	for i, c := range p {
		switch c {
		case endOfRow[s.matched]:
			s.matched++
		case endOfRow[0]:
			s.matched = 1
		default:
			s.matched = 0
		}
		if s.matched < len(endOfRow) {
			continue
		}
		if _, err := s.out.Write(p[:i+1]); err != nil {
			return 0, err
		}
		s.spool.used = true
		if err := s.spool.writeTo(s.out); err != nil {
			return 0, err
		}
		if _, err := s.out.Write(p[i+1:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.out.Write(p)
}
