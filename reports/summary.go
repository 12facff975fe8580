package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

const summarySheet = "Summary"

// Summary is the workbook's first sheet: the headline figures per tenant
// and currency, and the data behind its three charts. Each list is shown
// as a filterable table; empty lists say "No data" and get no chart.
type Summary struct {
	AsOf    time.Time // the usage report's date the figures describe
	Tenants []string  // tenant names, as configured
	KPIs    []KPI     // one per tenant and currency
	// Utilisation is seats per SKU over all tenants, charted as in use,
	// idle and unused (the 15 SKUs with most seats).
	Utilisation []SKUUsage
	// IdleCost is the annual cost of idle and unused seats per SKU and
	// currency, charted per currency (never added across currencies).
	IdleCost []SKUCost
	// Trend is seats per snapshot date over all tenants, oldest first.
	Trend []TrendPoint
}

// KPI is the headline figures of one tenant in one currency. Seat counts
// are those of the SKUs priced in Currency; an empty Currency holds the
// unpriced SKUs, whose costs are unknown and shown blank.
type KPI struct {
	Tenant   string
	Currency string
	// Seats purchased (active units), consumed (assigned) and unused.
	SeatsPurchased, SeatsConsumed, SeatsUnused int64
	// IdleLicences is assigned licences that are reclamation candidates.
	IdleLicences int64
	// UnusedAnnualCost is what the unassigned seats cost a year.
	UnusedAnnualCost float64
	// ReassignableNow is the annual cost of candidate seats that can be
	// freed now (reducible_from on or before as_of); ReducibleAtRenewal
	// is what can only be cut at a later renewal.
	ReassignableNow, ReducibleAtRenewal float64
}

// SKUUsage is the seats of one SKU.
type SKUUsage struct {
	SKU                       string // part number
	Purchased, Consumed, Idle int64
}

// SKUCost is the annual cost of one SKU's idle and unused seats.
type SKUCost struct {
	SKU, Currency string
	AnnualCost    float64
}

// TrendPoint is the seats of one snapshot date.
type TrendPoint struct {
	Date                      time.Time
	Purchased, Consumed, Idle int64
}

// chartRows is how many rows (SKUs) a bar chart shows at most.
const chartRows = 15

// summary writes the Summary sheet with the ordinary (not streaming)
// API: it is small, and its charts must exist before the file is saved.
func (w *writer) summary(s *Summary) error {
	if err := w.addSheet(summarySheet); err != nil {
		return err
	}
	g := &grid{w: w, sheet: summarySheet, row: 1}
	if err := g.heading(s); err != nil {
		return err
	}
	if err := g.kpis(s.KPIs); err != nil {
		return fmt.Errorf("KPIs: %w", err)
	}
	if err := g.utilisation(s.Utilisation); err != nil {
		return fmt.Errorf("utilisation: %w", err)
	}
	if err := g.idleCost(s.IdleCost); err != nil {
		return fmt.Errorf("idle cost: %w", err)
	}
	if err := g.trend(s.Trend); err != nil {
		return fmt.Errorf("trend: %w", err)
	}
	if err := g.dimension(); err != nil {
		return err
	}
	widths := []float64{26, 16, 16, 16, 16, 16, 18, 18, 20}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := w.f.SetColWidth(summarySheet, col, col, wd); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
	}
	return nil
}

// grid writes blocks of the Summary sheet one under the other.
type grid struct {
	w      *writer
	sheet  string
	row    int // next free row
	charts int // charts placed so far
}

func (g *grid) heading(s *Summary) error {
	f, st := g.w.f, g.w.st
	cells := []struct {
		cell  string
		value any
		style int
	}{
		{"A1", "Microsoft 365 licences", st.title},
		{"A2", "As of", st.header},
		{"A3", "Tenants", st.header},
		{"B3", strings.Join(s.Tenants, ", "), 0},
	}
	if t, ok := asDate(s.AsOf, Date); ok {
		cells = append(cells, struct {
			cell  string
			value any
			style int
		}{"B2", t, st.ids[Date]})
	}
	for _, c := range cells {
		if err := f.SetCellValue(g.sheet, c.cell, c.value); err != nil {
			return fmt.Errorf("cell %s: %w", c.cell, err)
		}
		if c.style != 0 {
			if err := f.SetCellStyle(g.sheet, c.cell, c.cell, c.style); err != nil {
				return fmt.Errorf("cell %s: %w", c.cell, err)
			}
		}
	}
	g.row = 5
	return nil
}

// dimension records the used range: excelize leaves "A1" on a sheet
// written cell by cell, and openpyxl's read-only mode would read one cell.
func (g *grid) dimension() error {
	rows, err := g.w.f.GetRows(g.sheet)
	if err != nil {
		return fmt.Errorf("read back: %w", err)
	}
	cols := 1
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	last, err := excelize.CoordinatesToCellName(cols, max(len(rows), 1))
	if err != nil {
		return err
	}
	if err := g.w.f.SetSheetDimension(g.sheet, "A1:"+last); err != nil {
		return fmt.Errorf("set dimension: %w", err)
	}
	return nil
}

// block is one titled table of the Summary sheet.
type block struct {
	title, table string
	cols         []Column
	rows         [][]any
	currency     []string // per row, for Money cells; nil = none
	colCurrency  []string // per column, for Money cells; nil = none
}

// write puts b at the next free row and returns the sheet rows of its
// header and last data row (equal when there is no data).
func (g *grid) write(b block) (header, last int, err error) {
	f := g.w.f
	if err := g.cell(1, g.row, b.title, g.w.st.header); err != nil {
		return 0, 0, err
	}
	header = g.row + 1
	if len(b.rows) == 0 {
		g.row += 4
		return header, header, g.cell(1, header, "No data", 0)
	}
	for i, c := range b.cols {
		if err := g.cell(i+1, header, c.Header, g.w.st.header); err != nil {
			return 0, 0, err
		}
	}
	for r, vals := range b.rows {
		for i, c := range b.cols {
			cur := ""
			switch {
			case b.currency != nil:
				cur = b.currency[r]
			case b.colCurrency != nil:
				cur = b.colCurrency[i]
			}
			if err := g.value(i+1, header+1+r, c.Format, vals[i], cur); err != nil {
				return 0, 0, err
			}
		}
	}
	last = header + len(b.rows)
	end, _ := excelize.CoordinatesToCellName(len(b.cols), last)
	ref := fmt.Sprintf("A%d:%s", header, end)
	if err := f.AddTable(g.sheet, &excelize.Table{Range: ref, Name: g.w.tableName(b.table), StyleName: "TableStyleLight9"}); err != nil {
		return 0, 0, fmt.Errorf("%s table: %w", b.title, err)
	}
	g.row = last + 3
	return header, last, nil
}

func (g *grid) cell(col, row int, v any, style int) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := g.w.f.SetCellValue(g.sheet, ref, v); err != nil {
		return fmt.Errorf("cell %s: %w", ref, err)
	}
	if style == 0 {
		return nil
	}
	if err := g.w.f.SetCellStyle(g.sheet, ref, ref, style); err != nil {
		return fmt.Errorf("cell %s style: %w", ref, err)
	}
	return nil
}

// value writes one data cell formatted as f.
func (g *grid) value(col, row int, f Format, v any, currency string) error {
	if t, ok := v.(time.Time); ok {
		if v, ok = asDate(t, f); !ok {
			return nil
		}
	}
	if v == nil {
		return nil
	}
	style := g.w.st.ids[f]
	if f == Money {
		style = g.w.st.money(currency)
	}
	return g.cell(col, row, v, style)
}

// kpis writes the headline table and, for several tenants, the totals per
// currency below it (outside the table, so filtering it stays honest).
func (g *grid) kpis(ks []KPI) error {
	b := block{title: "Headline figures (annual costs)", table: "KPIs", cols: kpiColumns}
	tenants := map[string]bool{}
	totals := map[string]*KPI{}
	for _, k := range ks {
		b.rows = append(b.rows, kpiRow(k))
		b.currency = append(b.currency, k.Currency)
		tenants[k.Tenant] = true
		t, ok := totals[k.Currency]
		if !ok {
			t = &KPI{Tenant: "All tenants", Currency: k.Currency}
			totals[k.Currency] = t
		}
		t.add(k)
	}
	_, last, err := g.write(b)
	if err != nil || len(tenants) < 2 {
		return err
	}
	currencies := make([]string, 0, len(totals))
	for c := range totals {
		currencies = append(currencies, c)
	}
	slices.Sort(currencies)
	for i, c := range currencies {
		for j, v := range kpiRow(*totals[c]) {
			if err := g.value(j+1, last+1+i, kpiColumns[j].Format, v, c); err != nil {
				return err
			}
		}
		start, _ := excelize.CoordinatesToCellName(1, last+1+i)
		if err := g.w.f.SetCellStyle(g.sheet, start, start, g.w.st.header); err != nil {
			return err
		}
	}
	g.row = last + len(currencies) + 3
	return nil
}
