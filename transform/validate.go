package transform

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// validate reports every problem of the rules and the price book at once,
// each named by its config path (rules.exclusions[2].upn: ...).
func validate(r Rules, p Pricing) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.InactivityDays <= 0 {
		add("rules.inactivity_days: must be at least 1, got %d", r.InactivityDays)
	}
	if r.GraceDays < 0 {
		add("rules.grace_days: must not be negative, got %d", r.GraceDays)
	}
	for i, e := range r.Exclusions {
		errs = append(errs, validateExclusion(i, e)...)
	}
	seen := map[[2]string]bool{}
	for _, l := range r.Limits {
		key := [2]string{l.Tenant, strings.ToUpper(strings.TrimSpace(l.SKU))}
		switch {
		case l.Tenant == "" || key[1] == "":
			add("tenants[%s].limits: a limit needs a tenant and a SKU part number, got %q", l.Tenant, l.SKU)
		case l.MaxUnits < 0:
			add("tenants[%s].limits.%s: must be at least 0 seats, got %d", l.Tenant, l.SKU, l.MaxUnits)
		case seen[key]:
			add("tenants[%s].limits.%s: given twice (part numbers compare case-insensitively)", l.Tenant, l.SKU)
		}
		seen[key] = true
	}
	for i, s := range r.IgnoreSKUs {
		if strings.TrimSpace(s) == "" {
			add("rules.ignore_skus[%d]: must be a SKU part number, got an empty string", i)
		}
	}
	cur := strings.ToUpper(strings.TrimSpace(p.Currency))
	if !currencyRE.MatchString(cur) {
		add("pricing.currency: must be a three-letter ISO 4217 code, got %q", p.Currency)
	} else if n := MinorUnits(cur); n > MartScale {
		add("pricing.currency: %s has %d decimal places and seatledger's amounts keep %d: report in another currency and convert with pricing.fx", cur, n, MartScale)
	}
	keys := make([]string, 0, len(p.FX))
	for k := range p.FX {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !currencyRE.MatchString(strings.ToUpper(strings.TrimSpace(k))) {
			add("pricing.fx.%s: key must be a three-letter ISO 4217 code", k)
		}
		if v := p.FX[k]; !(v > 0) {
			add("pricing.fx.%s: rate must be greater than 0, got %v", k, v)
		}
	}
	for i, pr := range p.Prices {
		errs = append(errs, validatePrice(i, pr)...)
	}
	errs = append(errs, duplicatePrices(p.Prices)...)
	return errors.Join(errs...)
}

func validateExclusion(i int, e Exclusion) []error {
	var errs []error
	set := 0
	for _, v := range []string{e.UPN, e.GroupID, e.Department, e.SKU} {
		if strings.TrimSpace(v) != "" {
			set++
		}
	}
	if set != 1 {
		errs = append(errs, fmt.Errorf("rules.exclusions[%d]: must set exactly one of upn, group_id, department, sku, got %d", i, set))
	}
	if e.UPN != "" {
		// DuckDB's GLOB and path.Match share *, ? and [..] classes.
		if _, err := path.Match(strings.ToLower(e.UPN), ""); err != nil {
			errs = append(errs, fmt.Errorf("rules.exclusions[%d].upn: bad glob pattern %q: %w", i, e.UPN, err))
		}
	}
	if strings.TrimSpace(e.Reason) == "" {
		errs = append(errs, fmt.Errorf("rules.exclusions[%d].reason: must say why", i))
	}
	return errs
}

func validatePrice(i int, pr Price) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("pricing.prices[%d].%s", i, fmt.Sprintf(format, args...)))
	}
	if strings.TrimSpace(pr.SKU) == "" {
		add("sku: must be a SKU part number, got an empty string")
	}
	if !(pr.UnitPrice >= 0) {
		add("unit_price: must not be negative, got %v", pr.UnitPrice)
	}
	if !currencyRE.MatchString(strings.ToUpper(strings.TrimSpace(pr.Currency))) {
		add("currency: must be a three-letter ISO 4217 code, got %q", pr.Currency)
	}
	if _, ok := annualFactor[strings.ToLower(strings.TrimSpace(pr.Billing))]; !ok {
		add("billing: must be monthly, annual or triennial, got %q", pr.Billing)
	}
	if t := strings.ToLower(strings.TrimSpace(pr.Term)); t != "monthly" && t != "annual" {
		add("term: must be monthly or annual, got %q", pr.Term)
	}
	if !pr.Effective.IsZero() && !pr.Expires.IsZero() && pr.Expires.Before(pr.Effective) {
		add("expires: %s is before effective %s", pr.Expires.Format("2006-01-02"), pr.Effective.Format("2006-01-02"))
	}
	return errs
}

// duplicatePrices finds entries that no rule can order: same SKU, term and
// effective date.
func duplicatePrices(prices []Price) []error {
	var errs []error
	first := map[string]int{}
	for i, pr := range prices {
		k := strings.ToUpper(strings.TrimSpace(pr.SKU)) + "|" + strings.ToLower(strings.TrimSpace(pr.Term)) + "|" + pr.Effective.Format("2006-01-02")
		if j, ok := first[k]; ok {
			errs = append(errs, fmt.Errorf("pricing.prices[%d]: same sku, term and effective date as pricing.prices[%d]", i, j))
			continue
		}
		first[k] = i
	}
	return errs
}
