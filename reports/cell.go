package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// layout maps a sheet's output columns to the source values of a row: one
// value per distinct column Name, in order of first appearance.
type layout struct {
	cols     []Column
	src      []int          // source index of each output column
	index    map[string]int // source index of each Name
	currency int            // source index of "currency", or -1
	json     []map[string]any
	parsed   []bool
}

func newLayout(cols []Column) (*layout, error) {
	l := &layout{cols: cols, src: make([]int, len(cols)), index: map[string]int{}, currency: -1}
	headers := map[string]bool{}
	for i, c := range cols {
		if c.Name == "" {
			return nil, fmt.Errorf("column %d: empty name", i+1)
		}
		h := strings.ToLower(strings.TrimSpace(c.Header))
		if h == "" {
			return nil, fmt.Errorf("column %d (%s): empty header", i+1, c.Name)
		}
		if headers[h] {
			return nil, fmt.Errorf("column %d (%s): header %q is not unique", i+1, c.Name, c.Header)
		}
		headers[h] = true
		n, ok := l.index[c.Name]
		if !ok {
			n = len(l.index)
			l.index[c.Name] = n
		}
		l.src[i] = n
	}
	if n, ok := l.index["currency"]; ok {
		l.currency = n
	}
	l.json = make([]map[string]any, len(l.index))
	l.parsed = make([]bool, len(l.index))
	return l, nil
}

// sources is how many values each row must carry.
func (l *layout) sources() int { return len(l.index) }

// column returns the first plain (non-Field) output column named name.
func (l *layout) column(name string) (int, bool) {
	for i, c := range l.cols {
		if c.Name == name && c.Field == "" {
			return i, true
		}
	}
	return 0, false
}

// field returns output column i's source value, reading its Field from
// the row's JSON object (parsed once per row and source column).
func (l *layout) field(i int, vals []any) (any, error) {
	c, v := l.cols[i], vals[l.src[i]]
	if c.Field == "" || v == nil {
		return v, nil
	}
	s := l.src[i]
	if !l.parsed[s] {
		l.parsed[s], l.json[s] = true, nil
		var text []byte
		switch x := v.(type) {
		case string:
			text = []byte(x)
		case []byte:
			text = x
		default:
			return nil, fmt.Errorf("column %s: got %T, want a JSON object as text", c.Name, v)
		}
		if err := json.Unmarshal(text, &l.json[s]); err != nil {
			return nil, fmt.Errorf("column %s: not a JSON object: %w", c.Name, err)
		}
	}
	var cur any = l.json[s]
	for _, k := range strings.Split(c.Field, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, nil
		}
		cur = m[k]
	}
	return coerce(c.Format, cur), nil
}

// newRow forgets the previous row's parsed JSON.
func (l *layout) newRow() {
	for i := range l.parsed {
		l.parsed[i] = false
	}
}

// coerce fits a value to its column's format: whole floats in integer
// columns become integers, date strings in date columns become dates and
// JSON objects become their text. Other values pass unchanged.
func coerce(f Format, v any) any {
	switch x := v.(type) {
	case float64:
		if f == Integer && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	case string:
		if f == Date || f == DateTime {
			for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime} {
				if t, err := time.Parse(layout, x); err == nil {
					return t
				}
			}
		}
	case map[string]any:
		b, _ := json.Marshal(x) // re-encoding decoded JSON cannot fail
		return string(b)
	}
	return v
}

// plain turns a database/sql value into one excelize writes well: lists
// joined, decimals and big integers as numbers, NaN and infinities as
// text (Excel has no such numbers), anything else unknown as its text.
func plain(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, int32, int, int16, int8, uint8, uint16, uint32, time.Time:
		return v
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return v
	case float32:
		return plain(float64(x))
	case uint64:
		if x > math.MaxInt64 {
			return strconv.FormatUint(x, 10)
		}
		return int64(x)
	case uint:
		return plain(uint64(x))
	case []byte:
		return string(x)
	case []any:
		return joinList(x)
	case []string:
		return strings.Join(x, "; ")
	case *big.Int:
		if x == nil {
			return nil
		}
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case interface{ Float64() float64 }: // decimals
		return plain(x.Float64())
	case fmt.Stringer:
		return x.String()
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// joinList shows a SQL list (assigned_by_groups, reasons) as "a; b",
// skipping nulls. It runs for every list cell, so it avoids fmt for text.
func joinList(l []any) string {
	if len(l) == 1 {
		if s, ok := l[0].(string); ok {
			return s
		}
	}
	var b strings.Builder
	first := true
	for _, e := range l {
		if e == nil {
			continue
		}
		if !first {
			b.WriteString("; ")
		}
		first = false
		if s, ok := e.(string); ok {
			b.WriteString(s)
		} else {
			fmt.Fprint(&b, plain(e))
		}
	}
	return b.String()
}

// asDate is t as an Excel date or date-time: UTC wall time, and for a
// date the day alone. It reports false for the zero time (a missing date).
func asDate(t time.Time, f Format) (time.Time, bool) {
	if t.IsZero() {
		return t, false
	}
	t = t.UTC()
	if f == Date {
		y, m, d := t.Date()
		t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return t, true
}

// number reads a value as a float for subtotals.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}
