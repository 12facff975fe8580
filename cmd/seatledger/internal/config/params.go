package config

import (
	"fmt"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// ParamTables turns the configuration's rules and price book, and the
// embedded reference data (SKU catalogue, workloads, containment), into the
// tables the transforms read.
func (cfg *Config) ParamTables() ([]load.ParamTable, error) {
	rules := rulesOf(cfg.Rules)
	rules.Limits = limitsOf(cfg.Tenants)
	params, err := transform.ParamTables(rules, pricingOf(cfg.Pricing))
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	ref, err := transform.ReferenceTables()
	if err != nil {
		return nil, fmt.Errorf("reference data: %w", err)
	}
	out := make([]load.ParamTable, 0, len(params)+len(ref))
	for _, t := range append(params, ref...) {
		cols := make([]load.Column, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = load.Column{Name: c.Name, Type: c.Type}
		}
		out = append(out, load.ParamTable{Name: t.Name, Columns: cols, Rows: t.Rows})
	}
	return out, nil
}

func rulesOf(r Rules) transform.Rules {
	out := transform.Rules{InactivityDays: r.InactivityDays, GraceDays: r.GraceDays, IgnoreSKUs: r.IgnoreSKUs}
	for _, e := range r.Exclusions {
		out.Exclusions = append(out.Exclusions, transform.Exclusion{
			UPN: e.UPN, GroupID: e.GroupID, Department: e.Department, SKU: e.SKU,
			Reason: e.Reason, Until: dateOf(e.Until),
		})
	}
	return out
}

// limitsOf gathers every tenant's limits.
func limitsOf(ts []Tenant) []transform.Limit {
	var out []transform.Limit
	for _, t := range ts {
		for sku, n := range t.Limits {
			out = append(out, transform.Limit{Tenant: t.Name, SKU: sku, MaxUnits: n})
		}
	}
	return out
}

func pricingOf(p Pricing) transform.Pricing {
	out := transform.Pricing{Currency: p.Currency, FX: p.FX}
	for _, pr := range p.Prices {
		out.Prices = append(out.Prices, transform.Price{
			SKU: pr.SKU, UnitPrice: pr.UnitPrice, Currency: pr.Currency, Billing: pr.Billing, Term: pr.Term,
			Effective: pr.Effective.Time(), Expires: dateOf(pr.Expires),
		})
	}
	return out
}

func dateOf(d *Date) time.Time {
	if d == nil {
		return time.Time{}
	}
	return d.Time()
}
