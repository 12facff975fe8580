package reports

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is how a column's cells are shown.
type Format int

// Column formats.
const (
	Text Format = iota
	Integer
	Number
	Money
	Date
	DateTime
	Percent
	Bool
)

// numFmt is the Excel number format of each Format ("" = General).
var numFmt = map[Format]string{
	Integer:  "#,##0",
	Number:   "#,##0.##",
	Money:    "#,##0.00",
	Date:     "yyyy-mm-dd",
	DateTime: "yyyy-mm-dd hh:mm",
	Percent:  "0.0%",
}

// width is the default column width (in characters) of each Format.
var width = map[Format]float64{
	Text: 18, Integer: 12, Number: 12, Money: 14, Date: 12, DateTime: 17, Percent: 10, Bool: 9,
}

// styles creates each Format's cell style once per workbook.
type styles struct {
	f      *excelize.File
	ids    map[Format]int
	header int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{f: f, ids: map[Format]int{}}
	for fm, code := range numFmt {
		c := code
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &c})
		if err != nil {
			return nil, err
		}
		s.ids[fm] = id
	}
	id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	s.header = id
	return s, nil
}

// ColumnsFor chooses a header, format and width for each mart column by
// its name: money for costs, prices and savings, dates for as_of and *_date
// columns, integers for units and days, and so on.
func ColumnsFor(names []string) []Column {
	cols := make([]Column, len(names))
	for i, n := range names {
		f := formatFor(n)
		cols[i] = Column{Name: n, Header: headerFor(n), Format: f, Width: widthFor(n, f)}
	}
	return cols
}

func formatFor(name string) Format {
	switch {
	case strings.HasSuffix(name, "_cost"), strings.HasSuffix(name, "_savings"),
		strings.HasPrefix(name, "unit_price"), strings.HasSuffix(name, "_amount"):
		return Money
	case name == "as_of", strings.HasSuffix(name, "_date"), name == "reducible_from":
		return Date
	case strings.HasSuffix(name, "_at"):
		return DateTime
	case strings.HasSuffix(name, "_units"), strings.HasSuffix(name, "_days"),
		strings.HasSuffix(name, "_licenses"), name == "days_to_renewal", name == "users", name == "count":
		return Integer
	case strings.HasSuffix(name, "_pct"), strings.HasSuffix(name, "_ratio"), name == "utilization":
		return Percent
	case strings.HasPrefix(name, "is_"), strings.HasPrefix(name, "has_"), name == "account_enabled",
		name == "assigned_direct", name == "excluded":
		return Bool
	}
	return Text
}

func widthFor(name string, f Format) float64 {
	switch name {
	case "user_principal_name", "product_name", "detail", "evidence", "display_name":
		return 34
	case "user_id", "sku_id", "subscription_id", "subject", "assigned_by_groups":
		return 38
	}
	return width[f]
}

// headerFor turns a snake_case column name into a header people read:
// "unused_annual_cost" -> "Unused annual cost", "sku_id" -> "SKU id".
func headerFor(name string) string {
	words := strings.Split(name, "_")
	for i, w := range words {
		switch w {
		case "sku", "upn", "id":
			if w != "id" {
				words[i] = strings.ToUpper(w)
			}
		}
	}
	h := strings.Join(words, " ")
	return strings.ToUpper(h[:1]) + h[1:]
}
