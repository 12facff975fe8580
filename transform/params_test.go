package transform_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/transform"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var validRules = transform.Rules{InactivityDays: 90, GraceDays: 30}

// table returns the named table of ts.
func table(t *testing.T, ts []transform.Table, name string) transform.Table {
	t.Helper()
	for _, tb := range ts {
		if tb.Name == name {
			for i, r := range tb.Rows {
				if len(r) != len(tb.Columns) {
					t.Fatalf("%s row %d: got %d values, want %d", name, i, len(r), len(tb.Columns))
				}
			}
			return tb
		}
	}
	t.Fatalf("table %s: missing", name)
	return transform.Table{}
}

// column returns column col of every row.
func column(t *testing.T, tb transform.Table, col string) []any {
	t.Helper()
	for i, c := range tb.Columns {
		if c.Name == col {
			out := make([]any, len(tb.Rows))
			for j, r := range tb.Rows {
				out[j] = r[i]
			}
			return out
		}
	}
	t.Fatalf("%s.%s: missing", tb.Name, col)
	return nil
}

func TestParamTablesPrices(t *testing.T) {
	p := transform.Pricing{Currency: "eur", FX: map[string]float64{"USD": 0.9, "eur": 7}, Prices: []transform.Price{
		{SKU: "SPE_E3", UnitPrice: 36, Currency: "USD", Billing: "monthly", Term: "annual", Effective: date(2020, 1, 1), Expires: date(2026, 11, 19)},
		{SKU: "SPE_E5", UnitPrice: 2160, Currency: "usd", Billing: "Triennial", Term: "annual"},
		{SKU: "EXCHANGESTANDARD", UnitPrice: 44, Currency: "EUR", Billing: "annual", Term: "monthly"},
		{SKU: "VISIOCLIENT", UnitPrice: 12, Currency: "GBP", Billing: "monthly", Term: "annual"},
	}}
	ts, err := transform.ParamTables(validRules, p)
	if err != nil {
		t.Fatal(err)
	}
	prices := table(t, ts, "param_prices")
	tests := []struct {
		col  string
		want []any
	}{
		{"sku", []any{"SPE_E3", "SPE_E5", "EXCHANGESTANDARD", "VISIOCLIENT"}},
		{"currency", []any{"USD", "USD", "EUR", "GBP"}},
		{"billing", []any{"monthly", "triennial", "annual", "monthly"}},
		{"unit_price", []any{"36.000000", "2160.000000", "44.000000", "12.000000"}},
		{"unit_price_annual_local", []any{"432.000", "720.000", "44.000", "144.000"}},
		{"fx_rate", []any{"0.900000000000", "0.900000000000", "1.000000000000", nil}}, // the reporting currency is 1 whatever fx says
		{"unit_price_annual", []any{"388.80", "648.00", "44.00", nil}},                // no GBP rate: NULL, never a guess
		{"effective", []any{date(2020, 1, 1), nil, nil, nil}},
		{"expires", []any{date(2026, 11, 19), nil, nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.col, func(t *testing.T) {
			if got := column(t, prices, tc.col); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("param_prices.%s: got %v, want %v", tc.col, got, tc.want)
			}
		})
	}
	if got := column(t, table(t, ts, "param_settings"), "currency"); !reflect.DeepEqual(got, []any{"EUR"}) {
		t.Errorf("param_settings.currency: got %v, want [EUR]", got)
	}
	if got := table(t, ts, "param_fx").Rows; !reflect.DeepEqual(got, [][]any{{"EUR", "1.000000000000"}, {"USD", "0.900000000000"}}) {
		t.Errorf("param_fx: got %v, want [[EUR 1] [USD 0.9]]", got)
	}
}

func TestParamTablesRules(t *testing.T) {
	r := transform.Rules{InactivityDays: 60, GraceDays: 0, IgnoreSKUs: []string{"FLOW_FREE", " flow_free ", "TEAMS_EXPLORATORY"},
		Exclusions: []transform.Exclusion{
			{UPN: "SVC-*@Contoso.com", Reason: "service accounts"},
			{GroupID: "AAAAAAAA-0000-0000-0000-000000000001", Reason: "executives", Until: date(2026, 12, 31)},
			{Department: "Legal", Reason: "legal hold"},
			{SKU: "VisioClient", Reason: "design"},
		}}
	ts, err := transform.ParamTables(r, transform.Pricing{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if got := table(t, ts, "param_rules").Rows; !reflect.DeepEqual(got, [][]any{{int64(60), int64(0)}}) {
		t.Errorf("param_rules: got %v, want [[60 0]]", got)
	}
	wantEx := [][]any{
		{"upn", "svc-*@contoso.com", "service accounts", nil},
		{"group_id", "aaaaaaaa-0000-0000-0000-000000000001", "executives", date(2026, 12, 31)},
		{"department", "legal", "legal hold", nil},
		{"sku", "visioclient", "design", nil},
	}
	if got := table(t, ts, "param_exclusions").Rows; !reflect.DeepEqual(got, wantEx) {
		t.Errorf("param_exclusions: got %v, want %v", got, wantEx)
	}
	if got := column(t, table(t, ts, "param_ignore_skus"), "sku_part_number"); !reflect.DeepEqual(got, []any{"FLOW_FREE", "TEAMS_EXPLORATORY"}) {
		t.Errorf("param_ignore_skus: got %v, want [FLOW_FREE TEAMS_EXPLORATORY]", got)
	}
}

func TestParamTablesInvalid(t *testing.T) {
	okPrice := transform.Price{SKU: "SPE_E3", UnitPrice: 36, Currency: "USD", Billing: "monthly", Term: "annual"}
	tests := []struct {
		name string
		r    transform.Rules
		p    transform.Pricing
		want []string
	}{
		{"thresholds", transform.Rules{InactivityDays: 0, GraceDays: -1}, transform.Pricing{Currency: "USD"},
			[]string{"rules.inactivity_days: must be at least 1, got 0", "rules.grace_days: must not be negative, got -1"}},
		{"exclusion selectors", transform.Rules{InactivityDays: 90, Exclusions: []transform.Exclusion{
			{Reason: "x"}, {UPN: "a*", SKU: "B", Reason: "y"}, {Department: "D"}, {UPN: "[a", Reason: "z"}}},
			transform.Pricing{Currency: "USD"},
			[]string{"rules.exclusions[0]: must set exactly one of upn, group_id, department, sku, got 0",
				"rules.exclusions[1]: must set exactly one of upn, group_id, department, sku, got 2",
				"rules.exclusions[2].reason: must say why",
				`rules.exclusions[3].upn: bad glob pattern "[a"`}},
		{"ignore sku", transform.Rules{InactivityDays: 90, IgnoreSKUs: []string{" "}}, transform.Pricing{Currency: "USD"},
			[]string{"rules.ignore_skus[0]: must be a SKU part number"}},
		{"currency and fx", validRules, transform.Pricing{Currency: "dollar", FX: map[string]float64{"EUR": 0, "E": 1}},
			[]string{`pricing.currency: must be a three-letter ISO 4217 code, got "dollar"`,
				"pricing.fx.E: key must be a three-letter ISO 4217 code", "pricing.fx.EUR: rate must be greater than 0, got 0"}},
		{"price fields", validRules, transform.Pricing{Currency: "USD", Prices: []transform.Price{
			okPrice,
			{UnitPrice: -1, Currency: "US", Billing: "weekly", Term: "biennial", Effective: date(2026, 2, 1), Expires: date(2026, 1, 1)}}},
			[]string{"pricing.prices[1].sku: must be a SKU part number", "pricing.prices[1].unit_price: must not be negative, got -1",
				`pricing.prices[1].currency: must be a three-letter ISO 4217 code, got "US"`,
				`pricing.prices[1].billing: must be monthly, annual or triennial, got "weekly"`,
				`pricing.prices[1].term: must be monthly or annual, got "biennial"`,
				"pricing.prices[1].expires: 2026-01-01 is before effective 2026-02-01"}},
		{"duplicate price", validRules, transform.Pricing{Currency: "USD", Prices: []transform.Price{okPrice, okPrice}},
			[]string{"pricing.prices[1]: same sku, term and effective date as pricing.prices[0]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := transform.ParamTables(tc.r, tc.p)
			if err == nil {
				t.Fatalf("error: got nil, want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Errorf("errors: got %d (%q), want %d", len(lines), lines, len(tc.want))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error: got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestParamTablesPricesExact pins money: prices are annualised and
// converted exactly and rounded to the currency's minor unit (half away
// from zero), never left as binary floats (4.8 a month is 57.60 a year).
func TestParamTablesPricesExact(t *testing.T) {
	tests := []struct {
		name      string
		reporting string
		fx        map[string]float64
		price     transform.Price
		local     string
		annual    any
	}{
		{"monthly 4.80", "USD", nil, transform.Price{UnitPrice: 4.8, Currency: "USD", Billing: "monthly"}, "57.600", "57.60"},
		{"triennial rounds to the cent", "USD", nil, transform.Price{UnitPrice: 1000, Currency: "USD", Billing: "triennial"}, "333.330", "333.33"},
		{"half a cent rounds up", "USD", map[string]float64{"EUR": 1.005}, transform.Price{UnitPrice: 1, Currency: "EUR", Billing: "annual"}, "1.000", "1.01"},
		{"yen has no minor unit", "JPY", map[string]float64{"USD": 151.37}, transform.Price{UnitPrice: 36, Currency: "USD", Billing: "monthly"}, "432.000", "65392"},
		{"dinar keeps three places", "USD", map[string]float64{"KWD": 3.25}, transform.Price{UnitPrice: 1.2345, Currency: "KWD", Billing: "monthly"}, "14.814", "48.15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.price.SKU, tc.price.Term = "SPE_E3", "annual"
			ts, err := transform.ParamTables(validRules, transform.Pricing{Currency: tc.reporting, FX: tc.fx, Prices: []transform.Price{tc.price}})
			if err != nil {
				t.Fatal(err)
			}
			prices := table(t, ts, "param_prices")
			if got := column(t, prices, "unit_price_annual_local")[0]; got != tc.local {
				t.Errorf("unit_price_annual_local: got %v, want %v", got, tc.local)
			}
			if got := column(t, prices, "unit_price_annual")[0]; got != tc.annual {
				t.Errorf("unit_price_annual: got %v, want %v", got, tc.annual)
			}
		})
	}
	_, err := transform.ParamTables(validRules, transform.Pricing{Currency: "KWD"})
	if err == nil || !strings.Contains(err.Error(), "pricing.currency: KWD has 3 decimal places") {
		t.Errorf("KWD as reporting currency: got %v, want an error naming pricing.currency", err)
	}
}
