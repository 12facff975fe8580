package graph

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seatledger/seatledger/extract"
)

// The usage reports are CSV files with a header row. Microsoft reorders
// and adds columns between versions (the old Copilot beta report had
// "Report Period" second), so every reader here maps columns by header
// name and ignores the columns it does not know. readReport is the one
// streaming reader behind all of them; each report supplies its required
// columns and a bind function that resolves its columns once and returns
// the per-row decoder.

var utf8BOM = []byte("\xEF\xBB\xBF")

// reportHeader is a report's header row: column positions by folded name.
type reportHeader struct {
	pos    map[string]int
	fields int
}

func newReportHeader(names []string) *reportHeader {
	h := &reportHeader{pos: make(map[string]int, len(names)), fields: len(names)}
	for i, n := range names {
		if k := foldHeader(n); !h.has(k) {
			h.pos[k] = i // the first of duplicate names wins
		}
	}
	return h
}

func (h *reportHeader) has(folded string) bool {
	_, ok := h.pos[folded]
	return ok
}

// foldHeader normalises a header name: surrounding white space, a stray
// BOM and non-breaking spaces (which spreadsheet round trips introduce)
// do not count, nor does letter case.
func foldHeader(s string) string {
	s = strings.ReplaceAll(s, "\u00A0", " ")
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	return strings.ToLower(s)
}

// col is a column bound to the header: its documented name (for errors)
// and its position, -1 when this version of the report lacks it.
type col struct {
	name string
	i    int
}

func (h *reportHeader) col(name string) col {
	if i, ok := h.pos[foldHeader(name)]; ok {
		return col{name: name, i: i}
	}
	return col{name: name, i: -1}
}

// require fails when the header lacks any of names, naming them all.
func (h *reportHeader) require(names []string) error {
	var missing []string
	for _, n := range names {
		if h.col(n).i < 0 {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: header lacks column %s", ErrBadReport, strings.Join(missing, ", "))
	}
	return nil
}

// readReport reads a usage report CSV from r, streaming: a UTF-8 BOM is
// skipped, CRLF or LF accepted, the header must have the required
// columns, bind resolves the columns once and its decoder turns each
// record into a T for row. Errors wrap ErrBadReport and name the column
// and line; they quote no cell but the offending one (see literal). A row
// with more fields than the header is refused: its columns have slipped,
// so its values (and the names in them) would land in the wrong fields.
func readReport[T any](r io.Reader, required []string, bind func(*reportHeader) func(*cells) T, row func(T) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	names, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%w: empty report, no header", ErrBadReport)
	}
	if err != nil {
		return fmt.Errorf("%w: header: %w", ErrBadReport, readFailure(err))
	}
	h := newReportHeader(names)
	if err := h.require(required); err != nil {
		return err
	}
	decode := bind(h)
	c := new(cells) // one for the whole report: decode makes it escape
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadReport, readFailure(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > h.fields {
			return fmt.Errorf("%w: line %d: %d fields, header has %d", ErrBadReport, line, len(rec), h.fields)
		}
		*c = cells{rec: rec}
		v := decode(c)
		if c.err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrBadReport, line, c.err)
		}
		if err := row(v); err != nil {
			return err
		}
	}
}

// cells decodes the typed cells of one record. The first error is kept;
// after it every cell reads as its zero value.
type cells struct {
	rec []string
	err error
}

// raw returns the cell of c; ok is false when the header lacks c (the
// value is then absent) or after an error.
func (d *cells) raw(c col) (s string, ok bool) {
	if d.err != nil || c.i < 0 {
		return "", false
	}
	if c.i >= len(d.rec) {
		d.err = fmt.Errorf("%d fields, column %q missing", len(d.rec), c.name)
		return "", false
	}
	return d.rec[c.i], true
}

// text is a cell as sent ("" when the column is absent).
func (d *cells) text(c col) string {
	s, _ := d.raw(c)
	return s
}

// typed reads a typed cell: "" and null (any case) are absent. Microsoft
// spells a missing value both ways: the old Copilot report's example has
// null (https://learn.microsoft.com/graph/api/reportroot-getmicrosoft365copilotusageuserdetail?view=graph-rest-beta),
// the current one "" (https://learn.microsoft.com/microsoft-365-copilot/extensibility/api/admin-settings/reports/copilotreportroot-getmicrosoft365copilotusageuserdetail).
func (d *cells) typed(c col) (string, bool) {
	s, ok := d.raw(c)
	s = strings.TrimSpace(s)
	if !ok || s == "" || strings.EqualFold(s, "null") {
		return "", false
	}
	return s, true
}

func (d *cells) fail(c col, want, got string) {
	d.err = fmt.Errorf("column %q: want %s, got %s", c.name, want, literal(got))
}

// date reads a report date; absent is the zero time.
func (d *cells) date(c col) time.Time {
	s, ok := d.typed(c)
	if !ok {
		return time.Time{}
	}
	t, good := parseLenientDate(s)
	if !good {
		d.fail(c, "a YYYY-MM-DD date", s)
	}
	return t
}

// tri reads a report flag: Yes/No, True/False (any case) or 1/0.
func (d *cells) tri(c col) extract.Tri {
	s, ok := d.typed(c)
	if !ok {
		return extract.Unknown
	}
	switch {
	case strings.EqualFold(s, "Yes") || strings.EqualFold(s, "True") || s == "1":
		return extract.Yes
	case strings.EqualFold(s, "No") || strings.EqualFold(s, "False") || s == "0":
		return extract.No
	}
	d.fail(c, "Yes, No, True, False, 1 or 0", s)
	return extract.Unknown
}

// flag reads a flag that is never unknown: absent is false.
func (d *cells) flag(c col) bool {
	return d.tri(c) == extract.Yes
}

// count reads an integer cell; absent is Count{Known: false}. Storage
// sizes and quotas exceed 2^31, hence int64.
func (d *cells) count(c col) extract.Count {
	s, ok := d.typed(c)
	if !ok {
		return extract.Count{}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		d.fail(c, "an integer", s)
		return extract.Count{}
	}
	return extract.Count{N: n, Known: true}
}

// parseLenientDate parses a report date, YYYY-MM-DD, UTC. Every usage
// report documents plain dates, but it also takes the date part of an
// ISO 8601 timestamp (2026-11-02T00:00:00Z, 2026-11-02T00:00:00): the
// beta JSON variants and admin-centre exports have carried timestamps,
// and a date with a midnight time on it is still the date. The date is
// taken as written; a zone offset does not shift it.
func parseLenientDate(s string) (time.Time, bool) {
	if len(s) > len(time.DateOnly) && s[len(time.DateOnly)] == 'T' {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			if _, err := time.Parse("2006-01-02T15:04:05", s); err != nil {
				return time.Time{}, false
			}
		}
		s = s[:len(time.DateOnly)]
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// literal quotes an offending cell for an error message. Dates, flags
// and numbers are not personal, but a cell holding an address or a long
// text is described instead of quoted, in case a malformed row put a
// principal or display name there.
func literal(s string) string {
	if len(s) > 32 || strings.ContainsRune(s, '@') {
		return fmt.Sprintf("a %d-byte value (not shown)", len(s))
	}
	return strconv.Quote(s)
}

// bodyError is a report body that could not be read to its end (the
// connection broke, the body stopped early), as opposed to a body whose
// text is malformed: asking again may get the whole report.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// readFailure marks err, an error of csv.Reader.Read, as a bodyError
// unless the CSV text itself is at fault.
func readFailure(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return err
	}
	return &bodyError{err}
}
