package config

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"time"
)

// listPricesCSV is Microsoft's USD monthly list prices; see
// demodata/PROVENANCE.md.
//
//go:embed demodata/list-prices-example.csv
var listPricesCSV []byte

// Demo values for the one non-USD entry, so that currency conversion is
// exercised. Illustrative, not quotes.
const (
	demoEURSKU   = "VISIOCLIENT" // Visio Plan 2: not in the USD list
	demoEURPrice = 14.00
	demoEURRate  = 1.08
)

// demoMonthlyTerm are the SKUs the demo buys on a monthly commitment, so
// that its candidates show both seats reassignable now (monthly: the seat
// count can drop at once) and seats reducible only at renewal (annual).
// Microsoft charges 20 % more for the monthly term (NCE), and so does the
// demo.
var demoMonthlyTerm = map[string]bool{"POWER_BI_PRO": true, "EXCHANGESTANDARD": true}

// monthlyTermPremium is the NCE price uplift of a monthly commitment.
const monthlyTermPremium = 1.2

// DemoPricing returns the pricing used by `seatledger demo`: USD
// reporting currency, every row of the embedded list-price CSV as billing
// monthly, term annual (monthly, at the 20 % premium, for the
// demoMonthlyTerm SKUs), effective 2020-01-01, plus one EUR entry and its
// fx rate.
func DemoPricing() Pricing {
	prices, err := parseListPrices(listPricesCSV)
	if err != nil {
		// The file is embedded and covered by tests: failing here is a
		// build defect, not an input error.
		panic(fmt.Sprintf("embedded demodata/list-prices-example.csv: %v", err))
	}
	for i, p := range prices {
		if demoMonthlyTerm[p.SKU] {
			prices[i].Term = "monthly"
			prices[i].UnitPrice = math.Round(p.UnitPrice*monthlyTermPremium*100) / 100
		}
	}
	prices = append(prices, Price{
		SKU: demoEURSKU, UnitPrice: demoEURPrice, Currency: "EUR",
		Billing: "monthly", Term: "annual", Effective: NewDate(2020, time.January, 1),
	})
	return Pricing{Currency: "USD", FX: map[string]float64{"EUR": demoEURRate}, Prices: prices}
}

// parseListPrices reads skuId,skuPartNumber,Product_Display_Name,
// MonthlyPrice,Currency rows.
func parseListPrices(b []byte) ([]Price, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = 5
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no header")
	}
	if rows[0][1] != "skuPartNumber" || rows[0][3] != "MonthlyPrice" || rows[0][4] != "Currency" {
		return nil, fmt.Errorf("line 1: unexpected header %q", rows[0])
	}
	eff := NewDate(2020, time.January, 1)
	prices := make([]Price, 0, len(rows)-1)
	for i, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[3], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: MonthlyPrice: must be a number, got %q", i+2, row[3])
		}
		prices = append(prices, Price{
			SKU: row[1], UnitPrice: v, Currency: row[4],
			Billing: "monthly", Term: "annual", Effective: eff,
		})
	}
	return prices, nil
}
