package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// rowEncoder writes a sheet's data rows as the XML that excelize's
// StreamWriter.SetRow writes for them, byte for byte, for the values a
// sheet part produces (nil, text, numbers, booleans, dates and styled
// excelize.Cells of those). SetRow spent about 650 ns a cell on cell
// names, type switches and escaping: most of the time of a 100k-user
// workbook. The rows go into a rowSpool and are spliced into the sheet's
// part when the workbook is zipped (splice.go). TestRowEncoderMatchesExcelize
// compares the two writers over every kind of value.
//
// The number, date and text rules below are excelize v2's own (BSD-3-
// Clause), adapted; a new excelize version must be checked against them:
// the test fails when the two writers part.
type rowEncoder struct {
	cols [][]byte // column letters, A, B, …
	text bytes.Buffer
}

func newRowEncoder(n int) (*rowEncoder, error) {
	e := &rowEncoder{cols: make([][]byte, n)}
	for i := range e.cols {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, err
		}
		e.cols[i] = []byte(name)
	}
	return e, nil
}

// row appends row number r holding vals (one per column; nil skips the
// cell) to b.
func (e *rowEncoder) row(b []byte, r int, vals []any) ([]byte, error) {
	if len(vals) > len(e.cols) {
		return b, fmt.Errorf("row %d has %d cells, want at most %d", r, len(vals), len(e.cols))
	}
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, `">`...)
	for i, v := range vals {
		if v == nil {
			continue
		}
		var err error
		if b, err = e.cell(b, i, r, v); err != nil {
			return b, fmt.Errorf("cell %s%d: %w", e.cols[i], r, err)
		}
	}
	return append(b, `</row>`...), nil
}

var errUnsupported = errors.New("value type the row encoder does not write")

func (e *rowEncoder) cell(b []byte, i, r int, val any) ([]byte, error) {
	style := 0
	switch c := val.(type) {
	case excelize.Cell:
		if c.Formula != "" {
			return b, fmt.Errorf("formula: %w", errUnsupported)
		}
		style, val = c.StyleID, c.Value
	case *excelize.Cell:
		if c == nil || c.Formula != "" {
			return b, fmt.Errorf("nil cell or formula: %w", errUnsupported)
		}
		style, val = c.StyleID, c.Value
	}
	b = append(b, `<c r="`...)
	b = append(b, e.cols[i]...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if style > 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v := val.(type) {
	case nil:
		return append(b, `></c>`...), nil
	case int:
		return numberCell(b, strconv.FormatInt(int64(v), 10)), nil
	case int8:
		return numberCell(b, strconv.FormatInt(int64(v), 10)), nil
	case int16:
		return numberCell(b, strconv.FormatInt(int64(v), 10)), nil
	case int32:
		return numberCell(b, strconv.FormatInt(int64(v), 10)), nil
	case int64:
		return numberCell(b, strconv.FormatInt(v, 10)), nil
	case uint:
		return numberCell(b, strconv.FormatUint(uint64(v), 10)), nil
	case uint8:
		return numberCell(b, strconv.FormatUint(uint64(v), 10)), nil
	case uint16:
		return numberCell(b, strconv.FormatUint(uint64(v), 10)), nil
	case uint32:
		return numberCell(b, strconv.FormatUint(uint64(v), 10)), nil
	case uint64:
		return numberCell(b, strconv.FormatUint(v, 10)), nil
	case float32:
		return e.float(b, float64(v), 32), nil
	case float64:
		return e.float(b, v, 64), nil
	case string:
		return e.inline(b, v), nil
	case []byte:
		return e.inline(b, string(v)), nil
	case bool:
		if v {
			return append(b, ` t="b"><v>1</v></c>`...), nil
		}
		return append(b, ` t="b"><v>0</v></c>`...), nil
	case time.Time:
		if style <= 0 {
			// excelize would add a date style to the workbook here.
			return b, fmt.Errorf("unstyled date: %w", errUnsupported)
		}
		_, offset := v.In(v.Location()).Zone()
		v = v.Add(time.Duration(offset) * time.Second)
		if x := excelTime(v); x > 0 {
			return numberCell(b, strconv.FormatFloat(x, 'f', -1, 64)), nil
		}
		// Before Excel's epoch: the RFC 3339 text, unescaped (it needs none).
		b = append(b, ` t="inlineStr"><is><t>`...)
		b = append(b, v.Format(time.RFC3339Nano)...)
		return append(b, `</t></is></c>`...), nil
	case time.Duration, []excelize.RichTextRun:
		return b, fmt.Errorf("%T: %w", val, errUnsupported)
	}
	return e.inline(b, fmt.Sprint(val)), nil
}

// numberCell ends a cell holding a number (digits, sign and point need no
// escaping).
func numberCell(b []byte, v string) []byte {
	b = append(b, `><v>`...)
	b = append(b, v...)
	return append(b, `</v></c>`...)
}

func (e *rowEncoder) float(b []byte, v float64, bits int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return e.inline(b, fmt.Sprint(v))
	}
	return numberCell(b, formatCellFloat(v, bits))
}

// inline ends a cell holding text as an inline string: cut to Excel's
// 32,767 characters, xml:space="preserve" when it starts or ends with
// white space, XML-escaped (line feeds kept) and _xHHHH_ sequences
// escaped as Excel reads them.
func (e *rowEncoder) inline(b []byte, s string) []byte {
	b = append(b, ` t="inlineStr"><is><t`...)
	if plainText(s) {
		b = append(b, '>')
		b = append(b, s...)
		return append(b, `</t></is></c>`...)
	}
	if countUTF16(s) > excelize.TotalCellChars {
		s = truncateUTF16(s, excelize.TotalCellChars)
	}
	if s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if s != "" {
		e.text.Reset()
		_ = xml.EscapeText(&e.text, []byte(s)) // a bytes.Buffer does not fail
		s = strings.ReplaceAll(e.text.String(), "&#xA;", "\n")
	}
	b = append(b, bstrMarshal(s)...)
	return append(b, `</t></is></c>`...)
}

// plainText reports whether s is printable ASCII that needs no escaping,
// no space attribute and no cut: the common case, written as it is.
func plainText(s string) bool {
	if len(s) == 0 || len(s) > excelize.TotalCellChars || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '&', c == '\'', c == '<', c == '>':
			return false
		case c == '_' && i+1 < len(s) && s[i+1] == 'x':
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == 9 || c == 10 || c == 13 || c == 32 }

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, length int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > length {
			return s[:i]
		}
	}
	return s
}

// formatCellFloat is a float with as many digits as it takes, cut to
// Excel's 15 significant digits.
func formatCellFloat(v float64, bits int) string {
	str := strconv.FormatFloat(v, 'f', -1, bits)
	if math.Abs(v) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

var (
	excelEpoch       = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelLeapBugFrom = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

const (
	day         = 24 * time.Hour
	maxDuration = 290 * 364 * day
)

// excelTime is t as an Excel serial date of the 1900 system (0 before
// its epoch), one day on from 1 March 1900 as Excel counts 29 February
// 1900.
func excelTime(t time.Time) float64 {
	if t.Before(excelEpoch) {
		return 0
	}
	tt, diff, result := t, t.Sub(excelEpoch), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / day)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(excelEpoch)
	}
	rem := diff % day
	result += float64(diff-rem)/float64(day) + float64(rem)/float64(day)
	if t.After(excelLeapBugFrom) {
		result++
	}
	return result
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes the underscore of text that reads as an _xHHHH_
// escape, so that Excel shows it as written.
func bstrMarshal(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var result strings.Builder
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result.WriteString(s[cursor:match[0]])
		sub := s[match[0]:match[1]]
		if sub == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				if _, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`); err == nil {
					result.WriteString(sub + "x005F" + sub)
					continue
				}
			}
			result.WriteString(sub + "x005F_")
			continue
		}
		if bstrExp.MatchString(sub) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result.WriteString("_x005F" + sub)
				continue
			}
		}
	}
	if cursor < l {
		result.WriteString(s[cursor:])
	}
	return result.String()
}
