package transform

import (
	"cmp"
	"math/big"
	"slices"
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
	IgnoreSKUs     []string // SKU part numbers never reclaimed; priced 0 unless the price book names them
	Limits         []Limit  // per-tenant hard limits on consumed units (tenants[].limits)
}

// Limit is the most seats of one SKU a tenant may consume.
type Limit struct {
	Tenant   string
	SKU      string // part number, compared case-insensitively
	MaxUnits int64
}

// Exclusion keeps matching licence rows out of the candidates (they stay
// visible in mart_reclamation_excluded). Exactly one selector is set:
//   - UPN: a glob (* any run, ? one character, [..] a class), matched
//     case-insensitively against the user principal name;
//   - GroupID: the user gets any licence from that group;
//   - Department: the user's department, case-insensitively;
//   - SKU: the licence's SKU part number, case-insensitively.
type Exclusion struct {
	UPN, GroupID, Department, SKU string
	Reason                        string
	Until                         time.Time // zero: no end; else applies while as_of <= Until
}

// Price is one entry of the price book. UnitPrice is charged per Billing
// period (monthly, annual, triennial); Term is the commitment (monthly or
// annual). The entry applies from Effective through Expires, both
// inclusive; a zero Effective means since always, a zero Expires means
// open-ended. Where entries of a SKU overlap on as_of, the latest Effective
// wins (then an annual term, then the higher price).
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
// Currency codes compare case-insensitively.
type Pricing struct {
	Currency string
	FX       map[string]float64
	Prices   []Price
}

// annualFactor turns a price per billing period into a price per year.
var annualFactor = map[string]*big.Rat{"monthly": big.NewRat(12, 1), "annual": big.NewRat(1, 1), "triennial": big.NewRat(1, 3)}

// ParamTables validates the rules and the price book and builds the param_
// tables: param_rules, param_settings (reporting currency), param_fx,
// param_prices (annualised; unit_price_annual in the reporting currency,
// NULL when there is no fx rate), param_exclusions and param_ignore_skus.
// Every problem is reported, each named by its config path.
func ParamTables(r Rules, p Pricing) ([]Table, error) {
	if err := validate(r, p); err != nil {
		return nil, err
	}
	cur := strings.ToUpper(strings.TrimSpace(p.Currency))
	return []Table{
		{Name: "param_rules", Columns: []Column{{"inactivity_days", "INTEGER"}, {"grace_days", "INTEGER"}},
			Rows: [][]any{{int64(r.InactivityDays), int64(r.GraceDays)}}},
		{Name: "param_settings", Columns: []Column{{"currency", "VARCHAR"}}, Rows: [][]any{{cur}}},
		fxTable(cur, p.FX),
		priceTable(cur, p),
		exclusionTable(r.Exclusions),
		ignoreTable(r.IgnoreSKUs),
		limitTable(r.Limits),
	}, nil
}

// limitTable writes param_limits: tenant, the upper-cased SKU part number
// and the limit, in a stable order.
func limitTable(ls []Limit) Table {
	t := Table{Name: "param_limits", Columns: []Column{
		{"tenant", "VARCHAR"}, {"sku_key", "VARCHAR"}, {"max_units", "BIGINT"},
	}}
	rows := slices.Clone(ls)
	slices.SortFunc(rows, func(a, b Limit) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(strings.ToUpper(a.SKU), strings.ToUpper(b.SKU)))
	})
	for _, l := range rows {
		t.Rows = append(t.Rows, []any{l.Tenant, strings.ToUpper(strings.TrimSpace(l.SKU)), l.MaxUnits})
	}
	return t
}

// fxRates returns the rates keyed by upper-case currency, the reporting
// currency at 1.
func fxRates(cur string, fx map[string]float64) map[string]float64 {
	rates := map[string]float64{cur: 1}
	for k, v := range fx {
		if k = strings.ToUpper(strings.TrimSpace(k)); k != cur {
			rates[k] = v
		}
	}
	return rates
}

// rateType holds an fx rate as written in the config.
const rateType = "DECIMAL(24,12)"

func fxTable(cur string, fx map[string]float64) Table {
	t := Table{Name: "param_fx", Columns: []Column{{"currency", "VARCHAR"}, {"rate", rateType}}}
	rates := fxRates(cur, fx)
	keys := make([]string, 0, len(rates))
	for k := range rates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Rows = append(t.Rows, []any{k, exact(rates[k]).FloatString(12)})
	}
	return t
}

// priceTable annualises each price and converts it into the reporting
// currency, exactly: the annual price is rounded to the price currency's
// minor unit, the converted one to the reporting currency's (MinorUnits).
// Without a rate the converted price is NULL: amounts in different
// currencies are never added without one. Amounts are decimal text, which
// DuckDB reads into its DECIMAL columns exactly.
func priceTable(cur string, p Pricing) Table {
	t := Table{Name: "param_prices", Columns: []Column{
		{"sku", "VARCHAR"}, {"unit_price", "DECIMAL(18,6)"}, {"currency", "VARCHAR"}, {"billing", "VARCHAR"},
		{"term", "VARCHAR"}, {"effective", "DATE"}, {"expires", "DATE"},
		{"unit_price_annual_local", "DECIMAL(18,3)"}, {"fx_rate", rateType}, {"unit_price_annual", "DECIMAL(18,2)"},
	}}
	rates := fxRates(cur, p.FX)
	for _, pr := range p.Prices {
		billing := strings.ToLower(strings.TrimSpace(pr.Billing))
		pc := strings.ToUpper(strings.TrimSpace(pr.Currency))
		local := round(new(big.Rat).Mul(exact(pr.UnitPrice), annualFactor[billing]), MinorUnits(pc))
		var rate, annual any
		if r, ok := rates[pc]; ok {
			rate = exact(r).FloatString(12)
			annual = roundText(new(big.Rat).Mul(local, exact(r)), MinorUnits(cur))
		}
		t.Rows = append(t.Rows, []any{
			strings.TrimSpace(pr.SKU), exact(pr.UnitPrice).FloatString(6), pc, billing,
			strings.ToLower(strings.TrimSpace(pr.Term)), dateOrNil(pr.Effective), dateOrNil(pr.Expires),
			local.FloatString(3), rate, annual,
		})
	}
	return t
}

// dateOrNil returns the calendar date of t (as midnight UTC), or nil (SQL
// NULL) for the zero time.
func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// exclusionTable writes one row per exclusion: kind (upn, group_id,
// department, sku), the lower-cased value (a GLOB pattern for upn, matched
// against the lower-cased user principal name), reason and until.
func exclusionTable(ex []Exclusion) Table {
	t := Table{Name: "param_exclusions", Columns: []Column{
		{"kind", "VARCHAR"}, {"value", "VARCHAR"}, {"reason", "VARCHAR"}, {"until", "DATE"},
	}}
	for _, e := range ex {
		kind, value := e.selector()
		t.Rows = append(t.Rows, []any{kind, strings.ToLower(value), e.Reason, dateOrNil(e.Until)})
	}
	return t
}

// selector returns the exclusion's kind and value; kind is empty when no
// selector is set.
func (e Exclusion) selector() (kind, value string) {
	switch {
	case e.UPN != "":
		return "upn", strings.TrimSpace(e.UPN)
	case e.GroupID != "":
		return "group_id", strings.TrimSpace(e.GroupID)
	case e.Department != "":
		return "department", strings.TrimSpace(e.Department)
	case e.SKU != "":
		return "sku", strings.TrimSpace(e.SKU)
	}
	return "", ""
}

func ignoreTable(skus []string) Table {
	t := Table{Name: "param_ignore_skus", Columns: []Column{{"sku_part_number", "VARCHAR"}}}
	seen := map[string]bool{}
	for _, s := range skus {
		if s = strings.TrimSpace(s); !seen[strings.ToUpper(s)] {
			seen[strings.ToUpper(s)] = true
			t.Rows = append(t.Rows, []any{s})
		}
	}
	return t
}
