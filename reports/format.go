package reports

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Format is how a column's cells are stored and shown.
type Format int

// Column formats. Money cells show the row's currency code when the sheet
// has a "currency" column (amounts in different currencies are never
// formatted alike); Date and DateTime cells are real Excel dates in UTC.
const (
	Text     Format = iota // as is; lists are joined with "; "
	Integer                // #,##0
	Number                 // #,##0.00
	Money                  // #,##0.00 "USD"
	Date                   // yyyy-mm-dd
	DateTime               // yyyy-mm-dd hh:mm (UTC)
	Percent                // 0.0% of a fraction (0.25 shows 25.0%)
	Bool                   // TRUE / FALSE
)

// String names the format, for dumps and errors.
func (f Format) String() string {
	switch f {
	case Text:
		return "text"
	case Integer:
		return "integer"
	case Number:
		return "number"
	case Money:
		return "money"
	case Date:
		return "date"
	case DateTime:
		return "datetime"
	case Percent:
		return "percent"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// numFmt is the Excel number format of each Format ("" = General).
var numFmt = map[Format]string{
	Integer:  "#,##0",
	Number:   "#,##0.00",
	Money:    "#,##0.00",
	Date:     "yyyy-mm-dd",
	DateTime: "yyyy-mm-dd hh:mm",
	Percent:  "0.0%",
}

// width is the default column width (in characters) of each Format.
var width = map[Format]float64{
	Text: 18, Integer: 12, Number: 12, Money: 16, Date: 12, DateTime: 17, Percent: 10, Bool: 10,
}

// styles creates each cell style once per workbook: one per Format, one
// per currency for Money, the header and the highlight fills.
type styles struct {
	f        *excelize.File
	ids      map[Format]int
	currency map[string]int // Money style per ISO currency code
	header   int
	title    int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{f: f, ids: map[Format]int{}, currency: map[string]int{}}
	for _, fm := range []Format{Integer, Number, Money, Date, DateTime, Percent} {
		id, err := s.numStyle(numFmt[fm], false)
		if err != nil {
			return nil, fmt.Errorf("%s style: %w", fm, err)
		}
		s.ids[fm] = id
	}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return nil, fmt.Errorf("title style: %w", err)
	}
	return s, nil
}

func (s *styles) numStyle(code string, bold bool) (int, error) {
	st := &excelize.Style{CustomNumFmt: &code}
	if bold {
		st.Font = &excelize.Font{Bold: true}
	}
	return s.f.NewStyle(st)
}

// money returns the Money style for an ISO 4217 code, creating it on first
// use; anything that is not three upper-case letters gets the plain money
// style (the code goes into a number format, so nothing else may). It
// cannot fail for a valid code; should excelize refuse one anyway, the
// cell keeps the plain money format rather than failing the workbook.
func (s *styles) money(code string) int {
	if id, ok := s.currency[code]; ok {
		return id
	}
	id := s.ids[Money]
	if isCurrencyCode(code) {
		if nid, err := s.numStyle(`#,##0.00 "`+code+`"`, false); err == nil {
			id = nid
		}
	}
	s.currency[code] = id
	return id
}

func isCurrencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := range 3 {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// conditional creates a fill-and-font style for a conditional format.
func (s *styles) conditional(fill, font string) (int, error) {
	st := &excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}}
	if font != "" {
		st.Font = &excelize.Font{Color: font}
	}
	return s.f.NewConditionalStyle(st)
}
