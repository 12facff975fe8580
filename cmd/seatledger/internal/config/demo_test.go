package config_test

import (
	"encoding/csv"
	"os"
	"slices"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

func TestDefault(t *testing.T) {
	c := config.Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate(): got %v, want nil", err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"tenants", len(c.Tenants), 0},
		{"prices", len(c.Pricing.Prices), 34},
		{"currency", c.Pricing.Currency, "USD"},
		{"fx EUR", c.Pricing.FX["EUR"], 1.08},
		{"excel", c.Reports.Excel, true},
		{"cron", c.Schedule.Cron, "CRON_TZ=UTC 0 3 * * *"},
		{"first price", c.Pricing.Prices[0].SKU + " " + c.Pricing.Prices[0].Effective.String(), "EMS 2020-01-01"},
		{"first unit price", c.Pricing.Prices[0].UnitPrice, 12.0},
		{"billing/term", c.Pricing.Prices[5].Billing + "/" + c.Pricing.Prices[5].Term, "monthly/annual"},
		{"EUR entry", c.Pricing.Prices[33].SKU + " " + c.Pricing.Prices[33].Currency, "VISIOCLIENT EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	// Default returns a fresh value each time.
	c.Pricing.Prices[0].UnitPrice = 99
	if got := config.Default().Pricing.Prices[0].UnitPrice; got != 12 {
		t.Errorf("Default after mutation: got %v, want 12", got)
	}
}

// TestDefaultIgnoreSKUsExist checks every default part number (and the demo
// EUR SKU) against Microsoft's licensing reference (a subset, see
// testdata/README.md).
func TestDefaultIgnoreSKUsExist(t *testing.T) {
	f, err := os.Open("testdata/licensing-service-plans.subset.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range rows[1:] {
		known[r[1]] = true
	}
	for _, sku := range append(config.DefaultIgnoreSKUs(), "VISIOCLIENT") {
		t.Run(sku, func(t *testing.T) {
			if !known[sku] {
				t.Errorf("got no String_Id %s in the licensing reference, want one", sku)
			}
		})
	}
	if !slices.Contains(config.DefaultIgnoreSKUs(), "FLOW_FREE") {
		t.Errorf("DefaultIgnoreSKUs: got no FLOW_FREE, want it")
	}
}
