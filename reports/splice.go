package reports

import (
	"errors"
	"fmt"
	"hash/crc32"
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
//
// The spool deflates its rows while they are encoded, in the zip's chunks
// (each on a goroutine of its own, see zip.go), and keeps only the
// deflated bytes: the 100k-user Users sheet is about 138 MB of XML and 20
// MB deflated. Its rows used to go raw into a temporary file, to be read
// back and deflated when the workbook was zipped: writing and reading that
// file took 0.2-0.7 s of the workbook's 3.1-3.6 s of CPU, and the
// deflating waited for the last sheet. The zip splices the deflated chunks into the
// part's entry as they are, with the CRC-32 of the rows combined into the
// entry's.

// spoolMemory is how many deflated bytes a spool holds in memory before
// the rest goes to a temporary file (about 110 MB of row XML).
const spoolMemory = 16 << 20

// rowSpool gathers one part's row XML, deflated in chunks as it comes, in
// memory and then in a temporary file. A writer appends row XML to buf
// (a chunk buffer, see getChunk), then calls spill; finish ends it.
type rowSpool struct {
	sheet string
	buf   []byte          // row XML not handed to a deflater yet
	crc   uint32          // CRC-32 (IEEE) of every byte handed over, in order
	raw   uint64          // bytes handed over
	queue []chan deflated // chunks being deflated, oldest first
	comp  []byte          // deflated chunks in order: the first spoolMemory bytes
	file  *os.File        // the deflated chunks after those
	size  uint64          // deflated bytes, comp's and file's
	used  bool            // spliced into the zip
	err   error
}

// spill hands buf to a deflater once it holds nearly a chunk: a row or
// two more would make append copy the chunk into a larger array.
func (s *rowSpool) spill() error {
	const headroom = 64 << 10
	if len(s.buf) < zipChunk-headroom {
		return s.err
	}
	return s.dispatch()
}

// dispatch hands buf, whatever it holds, to a goroutine, first keeping
// the oldest result when inFlight chunks are pending.
func (s *rowSpool) dispatch() error {
	for len(s.queue) >= inFlight() && s.err == nil {
		s.collect()
	}
	if s.err != nil {
		return s.err
	}
	chunk := s.buf
	s.buf = getChunk()
	s.crc = crc32.Update(s.crc, crc32.IEEETable, chunk)
	s.raw += uint64(len(chunk))
	done := make(chan deflated, 1)
	s.queue = append(s.queue, done)
	go func() {
		done <- deflateChunk(chunk)
		putChunk(chunk)
	}()
	return nil
}

// collect keeps the oldest deflated chunk: in memory up to spoolMemory,
// then in the temporary file.
func (s *rowSpool) collect() {
	d := <-s.queue[0]
	s.queue = s.queue[1:]
	defer putChunk(d.b)
	switch {
	case s.err != nil:
		return
	case d.err != nil:
		s.err = fmt.Errorf("deflate rows of sheet %s: %w", s.sheet, d.err)
		return
	case s.file == nil && len(s.comp)+len(d.b) <= spoolMemory:
		s.comp = append(s.comp, d.b...)
	default:
		if s.file == nil {
			f, err := os.CreateTemp("", "seatledger-rows-*")
			if err != nil {
				s.err = fmt.Errorf("spool rows of sheet %s: %w", s.sheet, err)
				return
			}
			s.file = f
		}
		if _, err := s.file.Write(d.b); err != nil {
			s.err = fmt.Errorf("spool rows of sheet %s: %w", s.sheet, err)
			return
		}
	}
	s.size += uint64(len(d.b))
}

// finish deflates what is left and waits for every chunk. It may be
// called again: there is nothing left then.
func (s *rowSpool) finish() error {
	if len(s.buf) > 0 && s.err == nil {
		_ = s.dispatch() // an error is s.err, returned below
	}
	for len(s.queue) > 0 {
		s.collect() // every goroutine drained, even after an error
	}
	putChunk(s.buf)
	s.buf = nil
	return s.err
}

// writeTo copies the deflated chunks, in order, to w.
func (s *rowSpool) writeTo(w io.Writer) error {
	if _, err := w.Write(s.comp); err != nil {
		return fmt.Errorf("copy rows of sheet %s: %w", s.sheet, err)
	}
	if s.file != nil {
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("read spooled rows of sheet %s: %w", s.sheet, err)
		}
		if _, err := io.CopyBuffer(w, s.file, make([]byte, 1<<20)); err != nil {
			return fmt.Errorf("copy spooled rows of sheet %s: %w", s.sheet, err)
		}
	}
	return nil
}

// close waits for the deflaters and removes the temporary file, if any.
func (s *rowSpool) close() error {
	_ = s.finish() // what failed was reported by the write that needed it
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

// splicer passes a worksheet's XML through to its zip entry and splices
// its spool in after the first row.
type splicer struct {
	out     *zipEntry
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
		if err := s.out.splice(s.spool); err != nil {
			return 0, err
		}
		if _, err := s.out.Write(p[i+1:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.out.Write(p)
}
