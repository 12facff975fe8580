// Package transform is the Go side of seatledger's transforms: it turns the
// rules and price book of the configuration, Microsoft's SKU catalogue and
// the curated workload and containment tables into parameter and reference
// tables (rows) that the SQL in sql/transform and sql/marts reads. The joins
// and rules themselves live in SQL. No I/O, no clock.
package transform

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Table is a parameter or reference table as rows; it has exactly the shape
// of load.ParamTable so that the caller converts it 1:1.
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]any
}

// Column is one column of a Table: a name and a DuckDB type.
type Column struct {
	Name, Type string
}

// Rules are the reclamation rules of the configuration.
type Rules struct {
	InactivityDays int
	GraceDays      int
	Exclusions     []Exclusion
	IgnoreSKUs     []string // SKU part numbers never reclaimed nor priced
}

// Exclusion keeps matching licence rows out of the candidates. Exactly one
// selector is set. UPN is a glob (*, ?, [..]) matched case-insensitively.
type Exclusion struct {
	UPN, GroupID, Department, SKU string
	Reason                        string
	Until                         time.Time // zero: no end; else applies while as_of <= Until
}

// Price is one entry of the price book. UnitPrice is charged per Billing
// period (monthly, annual, triennial); Term is the commitment (monthly or
// annual). The entry applies from Effective through Expires, both
// inclusive; a zero Expires means open-ended.
type Price struct {
	SKU       string
	UnitPrice float64
	Currency  string
	Billing   string
	Term      string
	Effective time.Time
	Expires   time.Time
}

// Pricing is the price book: prices, the reporting currency and fx rates
// (1 unit of the key currency = rate units of the reporting currency).
type Pricing struct {
	Currency string
	FX       map[string]float64
	Prices   []Price
}

// annualFactor turns a price per billing period into a price per year.
var annualFactor = map[string]float64{"monthly": 12, "annual": 1, "triennial": 1.0 / 3}

// ParamTables builds the param_ tables from the rules and the price book.
func ParamTables(r Rules, p Pricing) ([]Table, error) {
	prices, err := priceTable(p)
	if err != nil {
		return nil, err
	}
	return []Table{
		{Name: "param_rules", Columns: []Column{{"inactivity_days", "INTEGER"}, {"grace_days", "INTEGER"}},
			Rows: [][]any{{int64(r.InactivityDays), int64(r.GraceDays)}}},
		{Name: "param_settings", Columns: []Column{{"currency", "VARCHAR"}}, Rows: [][]any{{p.Currency}}},
		fxTable(p),
		prices,
		exclusionTable(r.Exclusions),
		ignoreTable(r.IgnoreSKUs),
	}, nil
}

func fxTable(p Pricing) Table {
	t := Table{Name: "param_fx", Columns: []Column{{"currency", "VARCHAR"}, {"rate", "DOUBLE"}}}
	t.Rows = append(t.Rows, []any{p.Currency, 1.0})
	keys := make([]string, 0, len(p.FX))
	for k := range p.FX {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != p.Currency {
			t.Rows = append(t.Rows, []any{k, p.FX[k]})
		}
	}
	return t
}

// priceTable annualises each price and converts it into the reporting
// currency. Without a rate the converted price is NULL: amounts in
// different currencies are never added without one.
func priceTable(p Pricing) (Table, error) {
	t := Table{Name: "param_prices", Columns: []Column{
		{"sku", "VARCHAR"}, {"unit_price", "DOUBLE"}, {"currency", "VARCHAR"}, {"billing", "VARCHAR"},
		{"term", "VARCHAR"}, {"effective", "DATE"}, {"expires", "DATE"},
		{"unit_price_annual_local", "DOUBLE"}, {"fx_rate", "DOUBLE"}, {"unit_price_annual", "DOUBLE"},
	}}
	var errs []error
	for i, pr := range p.Prices {
		f, ok := annualFactor[pr.Billing]
		if !ok {
			errs = append(errs, fmt.Errorf("pricing.prices[%d].billing: must be monthly, annual or triennial, got %q", i, pr.Billing))
			continue
		}
		local := pr.UnitPrice * f
		var rate, annual any
		if pr.Currency == p.Currency {
			rate, annual = 1.0, local
		} else if r, ok := p.FX[pr.Currency]; ok && r > 0 {
			rate, annual = r, local*r
		}
		var expires any
		if !pr.Expires.IsZero() {
			expires = pr.Expires
		}
		t.Rows = append(t.Rows, []any{pr.SKU, pr.UnitPrice, pr.Currency, pr.Billing, pr.Term, pr.Effective, expires, local, rate, annual})
	}
	return t, errors.Join(errs...)
}

func exclusionTable(ex []Exclusion) Table {
	t := Table{Name: "param_exclusions", Columns: []Column{
		{"kind", "VARCHAR"}, {"value", "VARCHAR"}, {"reason", "VARCHAR"}, {"until", "DATE"},
	}}
	for _, e := range ex {
		kind, value := "", ""
		switch {
		case e.UPN != "":
			kind, value = "upn", strings.ToLower(e.UPN) // matched with GLOB on lower(upn)
		case e.GroupID != "":
			kind, value = "group_id", strings.ToLower(e.GroupID)
		case e.Department != "":
			kind, value = "department", e.Department
		case e.SKU != "":
			kind, value = "sku", e.SKU
		default:
			continue
		}
		var until any
		if !e.Until.IsZero() {
			until = e.Until
		}
		t.Rows = append(t.Rows, []any{kind, value, e.Reason, until})
	}
	return t
}

func ignoreTable(skus []string) Table {
	t := Table{Name: "param_ignore_skus", Columns: []Column{{"sku_part_number", "VARCHAR"}}}
	for _, s := range skus {
		t.Rows = append(t.Rows, []any{s})
	}
	return t
}
