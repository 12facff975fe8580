package config

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Enumerations accepted for prices.
var (
	Billings = []string{"monthly", "annual", "triennial"}
	Terms    = []string{"monthly", "annual"}
)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

func (p Pricing) validate(ck *checker) {
	if !currencyRE.MatchString(p.Currency) {
		ck.add("pricing.currency", "must be an ISO 4217 code (3 upper-case letters), got %q", p.Currency)
	}
	keys := make([]string, 0, len(p.FX))
	for k := range p.FX {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path, rate := "pricing.fx."+k, p.FX[k]
		switch {
		case !currencyRE.MatchString(k):
			ck.add(path, "key must be an ISO 4217 code (3 upper-case letters), got %q", k)
		case k == p.Currency:
			ck.add(path, "is the reporting currency and needs no rate")
		case !finite(rate) || rate <= 0:
			ck.add(path, "must be > 0, got %v", rate)
		}
	}
	for i, pr := range p.Prices {
		pr.validate(ck, fmt.Sprintf("pricing.prices[%d]", i), p)
	}
	p.validateHistory(ck)
}

func (pr Price) validate(ck *checker, path string, p Pricing) {
	if strings.TrimSpace(pr.SKU) == "" {
		ck.add(path+".sku", "required")
	}
	if !finite(pr.UnitPrice) || pr.UnitPrice < 0 {
		ck.add(path+".unit_price", "must be >= 0, got %v", pr.UnitPrice)
	}
	switch {
	case !currencyRE.MatchString(pr.Currency):
		ck.add(path+".currency", "must be an ISO 4217 code (3 upper-case letters), got %q", pr.Currency)
	case pr.Currency != p.Currency && p.FX[pr.Currency] == 0:
		ck.add(path+".currency", "needs pricing.fx.%s (rate into %s), got %q", pr.Currency, p.Currency, pr.Currency)
	}
	if !slices.Contains(Billings, pr.Billing) {
		ck.add(path+".billing", "must be one of %s; got %q", strings.Join(Billings, ", "), pr.Billing)
	}
	if !slices.Contains(Terms, pr.Term) {
		ck.add(path+".term", "must be one of %s; got %q", strings.Join(Terms, ", "), pr.Term)
	}
	if pr.Effective.IsZero() {
		ck.add(path+".effective", "required")
	}
	if pr.Expires != nil && !pr.Effective.IsZero() && pr.Expires.Before(pr.Effective) {
		ck.add(path+".expires", "must not be before effective %s, got %s", pr.Effective, pr.Expires)
	}
}

// validateHistory reports duplicate prices and overlapping date ranges for
// the same sku and term. Ranges are [effective, expires], both inclusive;
// no expires means open-ended.
func (p Pricing) validateHistory(ck *checker) {
	for j, b := range p.Prices {
		if !b.datesValid() {
			continue
		}
		for i, a := range p.Prices[:j] {
			if !a.datesValid() || a.SKU != b.SKU || a.Term != b.Term || !a.overlaps(b) {
				continue
			}
			path := fmt.Sprintf("pricing.prices[%d]", j)
			if a.same(b) {
				ck.add(path, "duplicate of pricing.prices[%d] (sku %s, term %s, %s)", i, b.SKU, b.Term, b.span())
			} else {
				ck.add(path, "overlaps pricing.prices[%d] for sku %s, term %s: %s and %s%s",
					i, b.SKU, b.Term, a.span(), b.span(), touchHint(a, b))
			}
			break
		}
	}
}

func (pr Price) datesValid() bool {
	return !pr.Effective.IsZero() && (pr.Expires == nil || !pr.Expires.Before(pr.Effective))
}

// overlaps reports whether two inclusive ranges share a day.
func (pr Price) overlaps(o Price) bool {
	aReachesB := pr.Expires == nil || !pr.Expires.Before(o.Effective)
	bReachesA := o.Expires == nil || !o.Expires.Before(pr.Effective)
	return aReachesB && bReachesA
}

// touchHint explains the usual cause of a one-day overlap: an expires
// written as the next entry's effective, as if it were exclusive.
func touchHint(a, b Price) string {
	for _, p := range [][2]Price{{a, b}, {b, a}} {
		if p[0].Expires != nil && *p[0].Expires == p[1].Effective {
			return fmt.Sprintf(" (expires is inclusive: end the earlier entry on %s)", p[1].Effective.AddDays(-1))
		}
	}
	return ""
}

func (pr Price) same(o Price) bool {
	sameExp := (pr.Expires == nil) == (o.Expires == nil) &&
		(pr.Expires == nil || *pr.Expires == *o.Expires)
	return pr.SKU == o.SKU && pr.Term == o.Term && pr.Billing == o.Billing &&
		pr.Currency == o.Currency && pr.UnitPrice == o.UnitPrice &&
		pr.Effective == o.Effective && sameExp
}

func (pr Price) span() string {
	end := "open"
	if pr.Expires != nil {
		end = pr.Expires.String()
	}
	return pr.Effective.String() + ".." + end
}
