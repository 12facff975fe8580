package transform_test

import (
	"testing"

	"github.com/seatledger/seatledger/transform"
)

// TestContainmentsConsistent: every part number exists in Microsoft's
// catalogue, no SKU contains itself, no pair is listed twice and no two
// SKUs contain each other (which would call both redundant).
func TestContainmentsConsistent(t *testing.T) {
	cat, err := transform.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[transform.Containment]bool{}
	for _, c := range transform.Containments() {
		t.Run(c.Container+">"+c.Contained, func(t *testing.T) {
			for _, part := range []string{c.Container, c.Contained} {
				if len(cat.ByPartNumber(part)) == 0 {
					t.Errorf("part number %s: not in the catalogue", part)
				}
			}
			if c.Container == c.Contained {
				t.Errorf("%s contains itself", c.Container)
			}
			if pairs[c] {
				t.Errorf("listed twice")
			}
			if pairs[transform.Containment{Container: c.Contained, Contained: c.Container}] {
				t.Errorf("%s and %s contain each other", c.Container, c.Contained)
			}
			pairs[c] = true
		})
	}
	for _, want := range []transform.Containment{
		{Container: "SPE_E5", Contained: "SPE_E3"},
		{Container: "SPE_E3", Contained: "ENTERPRISEPACK"},
		{Container: "ENTERPRISEPACK", Contained: "EXCHANGESTANDARD"},
		{Container: "EXCHANGEENTERPRISE", Contained: "EXCHANGESTANDARD"},
	} {
		if !pairs[want] {
			t.Errorf("the documented example %s in %s: missing", want.Contained, want.Container)
		}
	}
}

// TestContainmentsTransitive: when A contains B and B contains C, A must
// list C too, so that a user holding A and C is caught without B.
func TestContainmentsTransitive(t *testing.T) {
	contains := map[string]map[string]bool{}
	for _, c := range transform.Containments() {
		if contains[c.Container] == nil {
			contains[c.Container] = map[string]bool{}
		}
		contains[c.Container][c.Contained] = true
	}
	for a, bs := range contains {
		for b := range bs {
			for c := range contains[b] {
				if a != c && !contains[a][c] {
					t.Errorf("%s contains %s which contains %s: got no %s>%s row, want one", a, b, c, a, c)
				}
			}
		}
	}
}
