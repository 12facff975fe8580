package graphsim_test

import (
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestRenew buys fewer seats of a SKU at its renewal: subscribedSkus and
// the subscriptions both carry the new units; fewer units than consumed,
// a suspended SKU and an unknown part number are refused, changing
// nothing.
func TestRenew(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 400, Seed: 11})
	sku := func(part string) extract.SKU {
		for _, k := range tn.SKUs() {
			if k.SkuPartNumber == part {
				return k
			}
		}
		t.Fatalf("no SKU %s", part)
		return extract.SKU{}
	}
	subscribed := func(part string) int64 {
		var n int64
		for _, s := range tn.Subscriptions() {
			if s.SkuPartNumber == part {
				n += s.TotalLicenses
			}
		}
		return n
	}
	e3 := sku("SPE_E3")
	if e3.PrepaidUnits.Enabled <= e3.ConsumedUnits+1 {
		t.Fatalf("SPE_E3: %d enabled, %d consumed; want spare seats", e3.PrepaidUnits.Enabled, e3.ConsumedUnits)
	}
	if err := tn.Renew("SPE_E3", e3.ConsumedUnits+1); err != nil {
		t.Fatal(err)
	}
	if got := sku("SPE_E3").PrepaidUnits; got != (extract.PrepaidUnits{Enabled: e3.ConsumedUnits + 1}) {
		t.Errorf("SPE_E3 prepaid units after renewal: got %+v, want %d enabled", got, e3.ConsumedUnits+1)
	}
	if got := subscribed("SPE_E3"); got != e3.ConsumedUnits+1 {
		t.Errorf("SPE_E3 subscriptions' total licences: got %d, want %d", got, e3.ConsumedUnits+1)
	}

	var suspended string
	for _, k := range tn.SKUs() {
		if k.CapabilityStatus == "Suspended" {
			suspended = k.SkuPartNumber
		}
	}
	for _, c := range []struct {
		part  string
		units int64
		want  string
	}{
		{"SPE_E3", e3.ConsumedUnits - 1, "fewer than the"},
		{suspended, 1000, "suspended"},
		{"NO_SUCH_SKU", 10, "no such SKU"},
	} {
		if err := tn.Renew(c.part, c.units); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Renew(%s, %d): got %v, want an error with %q", c.part, c.units, err, c.want)
		}
	}
	if got := sku("SPE_E3").PrepaidUnits.Enabled; got != e3.ConsumedUnits+1 {
		t.Errorf("SPE_E3 after refusals: got %d enabled, want %d unchanged", got, e3.ConsumedUnits+1)
	}
}
