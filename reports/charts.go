package reports

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"
)

var kpiColumns = []Column{
	{Header: "Tenant", Format: Text}, {Header: "Currency", Format: Text},
	{Header: "Seats purchased", Format: Integer}, {Header: "Seats consumed", Format: Integer},
	{Header: "Seats unused", Format: Integer}, {Header: "Idle licences", Format: Integer},
	{Header: "Unused seats cost", Format: Money}, {Header: "Reassignable now", Format: Money},
	{Header: "Reducible at renewal", Format: Money},
}

func kpiRow(k KPI) []any {
	row := []any{k.Tenant, k.Currency, k.SeatsPurchased, k.SeatsConsumed, k.SeatsUnused, k.IdleLicences, nil, nil, nil}
	if k.Currency != "" {
		row[6], row[7], row[8] = k.UnusedAnnualCost, k.ReassignableNow, k.ReducibleAtRenewal
	}
	return row
}

func (k *KPI) add(o KPI) {
	k.SeatsPurchased += o.SeatsPurchased
	k.SeatsConsumed += o.SeatsConsumed
	k.SeatsUnused += o.SeatsUnused
	k.IdleLicences += o.IdleLicences
	k.UnusedAnnualCost += o.UnusedAnnualCost
	k.ReassignableNow += o.ReassignableNow
	k.ReducibleAtRenewal += o.ReducibleAtRenewal
}

// utilisation writes seats per SKU, most seats first, and charts the top
// SKUs as stacked columns: in use, idle, unused.
func (g *grid) utilisation(us []SKUUsage) error {
	us = slices.Clone(us)
	slices.SortFunc(us, func(a, b SKUUsage) int {
		return cmp.Or(cmp.Compare(b.Purchased, a.Purchased), cmp.Compare(a.SKU, b.SKU))
	})
	b := block{title: "Utilisation by SKU (all tenants)", table: "UtilisationBySKU", cols: []Column{
		{Header: "SKU", Format: Text}, {Header: "Purchased", Format: Integer}, {Header: "Consumed", Format: Integer},
		{Header: "In use", Format: Integer}, {Header: "Idle", Format: Integer}, {Header: "Unused", Format: Integer},
		{Header: "Utilisation", Format: Percent},
	}}
	for _, u := range us {
		var pct any
		if u.Purchased > 0 {
			pct = float64(u.Consumed) / float64(u.Purchased)
		}
		b.rows = append(b.rows, []any{u.SKU, u.Purchased, u.Consumed, max(u.Consumed-u.Idle, 0), u.Idle,
			max(u.Purchased-u.Consumed, 0), pct})
	}
	header, last, err := g.write(b)
	if err != nil || len(us) == 0 {
		return err
	}
	return g.chart(&excelize.Chart{Type: excelize.ColStacked, Title: title("Seat utilisation by SKU")},
		header, min(last, header+chartRows), 1, []int{4, 5, 6})
}

// idleCost writes idle cost per SKU with one column per currency, biggest
// first, and charts the top SKUs with one series per currency.
func (g *grid) idleCost(cs []SKUCost) error {
	var currencies, skus []string
	cost := map[[2]string]float64{}
	top := map[string]float64{}
	for _, c := range cs {
		if !slices.Contains(currencies, c.Currency) {
			currencies = append(currencies, c.Currency)
		}
		if _, ok := top[c.SKU]; !ok {
			skus = append(skus, c.SKU)
		}
		cost[[2]string{c.SKU, c.Currency}] += c.AnnualCost
		top[c.SKU] = max(top[c.SKU], cost[[2]string{c.SKU, c.Currency}])
	}
	slices.Sort(currencies)
	slices.SortFunc(skus, func(a, b string) int { return cmp.Or(cmp.Compare(top[b], top[a]), cmp.Compare(a, b)) })
	b := block{title: "Idle and unused seat cost by SKU (annual)", table: "IdleCostBySKU", cols: []Column{{Header: "SKU"}}}
	for _, c := range currencies {
		b.cols = append(b.cols, Column{Header: "Annual cost " + cmp.Or(c, "(no currency)"), Format: Money})
	}
	b.colCurrency = append([]string{""}, currencies...)
	for _, s := range skus {
		row := []any{s}
		for _, c := range currencies {
			var v any
			if x, ok := cost[[2]string{s, c}]; ok {
				v = x
			}
			row = append(row, v)
		}
		b.rows = append(b.rows, row)
	}
	header, last, err := g.write(b)
	if err != nil || len(skus) == 0 {
		return err
	}
	series := make([]int, len(currencies))
	for i := range series {
		series[i] = i + 2
	}
	return g.chart(&excelize.Chart{Type: excelize.Col, Title: title("Idle and unused seat cost by SKU")},
		header, min(last, header+chartRows), 1, series)
}

// trend writes seats per snapshot date and charts them as lines.
func (g *grid) trend(ps []TrendPoint) error {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b TrendPoint) int { return a.Date.Compare(b.Date) })
	b := block{title: "Utilisation trend (all tenants)", table: "UtilisationTrend", cols: []Column{
		{Header: "Date", Format: Date}, {Header: "Purchased", Format: Integer}, {Header: "Consumed", Format: Integer},
		{Header: "Idle", Format: Integer}, {Header: "Utilisation", Format: Percent},
	}}
	for _, p := range ps {
		var pct any
		if p.Purchased > 0 {
			pct = float64(p.Consumed) / float64(p.Purchased)
		}
		b.rows = append(b.rows, []any{p.Date, p.Purchased, p.Consumed, p.Idle, pct})
	}
	header, last, err := g.write(b)
	if err != nil || len(ps) == 0 {
		return err
	}
	return g.chart(&excelize.Chart{Type: excelize.Line, Title: title("Seat utilisation trend")}, header, last, 1, []int{2, 3, 4})
}

func title(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s}}}
}

// chart adds c beside the tables: categories from column cat, one series
// per column in series, named by its header, over rows header+1..last.
func (g *grid) chart(c *excelize.Chart, header, last, cat int, series []int) error {
	ref := func(col, from, to int) string {
		a, _ := excelize.CoordinatesToCellName(col, from, true)
		b, _ := excelize.CoordinatesToCellName(col, to, true)
		if from == to {
			return fmt.Sprintf("'%s'!%s", g.sheet, a)
		}
		return fmt.Sprintf("'%s'!%s:%s", g.sheet, a, b)
	}
	for _, col := range series {
		c.Series = append(c.Series, excelize.ChartSeries{
			Name: ref(col, header, header), Categories: ref(cat, header+1, last), Values: ref(col, header+1, last),
		})
	}
	c.Legend = excelize.ChartLegend{Position: "bottom"}
	c.VaryColors = new(bool) // one colour per series, not per bar
	c.Dimension = excelize.ChartDimension{Width: 640, Height: 360}
	cell := fmt.Sprintf("K%d", 5+g.charts*20)
	g.charts++
	if err := g.w.f.AddChart(g.sheet, cell, c); err != nil {
		return fmt.Errorf("add chart at %s: %w", cell, err)
	}
	return nil
}
