package graphsim

import (
	"fmt"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// purchase says how the tenant bought one SKU.
type purchase struct {
	status   string  // capabilityStatus: Enabled, Warning, Suspended
	spare    float64 // unused share bought on top of consumption
	extra    int64   // unused units bought on top of that
	floor    int64   // minimum enabled units (free and trial SKUs)
	monthly  bool    // monthly term: renews next month
	trial    bool
	renewIn  []int   // days to nextLifecycleDateTime, one per subscription
	split    []int64 // percent of units per subscription but the last
	termYear int     // years since the first purchase
}

var purchases = [numSKUs]purchase{
	skuE3:        {status: "Enabled", spare: 0.08, extra: 2, renewIn: []int{214, 19}, split: []int64{70}, termYear: 3},
	skuE5:        {status: "Enabled", spare: 0.15, extra: 1, renewIn: []int{121}, termYear: 2},
	skuO365E3:    {status: "Enabled", spare: 0.30, extra: 5, renewIn: []int{301}, termYear: 5},
	skuO365E1:    {status: "Suspended", extra: 3, renewIn: []int{58}, termYear: 4},
	skuExoP1:     {status: "Enabled", spare: 0.05, extra: 1, monthly: true, renewIn: []int{11}, termYear: 2},
	skuExoP2:     {status: "Enabled", renewIn: []int{163}, termYear: 1},
	skuPowerBI:   {status: "Enabled", spare: 0.10, extra: 2, monthly: true, renewIn: []int{23}, termYear: 1},
	skuVisio:     {status: "Warning", extra: 2, renewIn: []int{27}, termYear: 1},
	skuProject:   {status: "Enabled", extra: 5, floor: 25, trial: true, renewIn: []int{12}},
	skuFlowFree:  {status: "Enabled", floor: 10000, renewIn: []int{365}, termYear: 3},
	skuTeamsExpl: {status: "Enabled", extra: 1, renewIn: []int{90}, termYear: 1},
	skuCopilot:   {status: "Enabled", spare: 0.06, extra: 3, renewIn: []int{247}, termYear: 1},
}

// buySKUs sizes prepaid units from consumption: every SKU covers its
// consumed units (Graph never lets consumption pass enabled + warning),
// except the Suspended one, whose units all moved to suspended. Exchange
// Plan 2 is bought exactly: no seat is free.
func (t *Tenant) buySKUs() {
	for k, p := range purchases {
		c := t.consumed[k]
		units := c + int64(float64(c)*p.spare+0.999) + p.extra
		if k == skuFlowFree {
			units = (c/10000 + 1) * 10000
		}
		units = max(units, p.floor)
		t.status[k] = p.status
		switch p.status {
		case "Suspended":
			t.prepaid[k] = extract.PrepaidUnits{Suspended: units}
		case "Warning":
			t.prepaid[k] = extract.PrepaidUnits{Warning: units}
		default:
			t.prepaid[k] = extract.PrepaidUnits{Enabled: units}
		}
	}
}

// trueUp buys the seats churn consumed beyond the prepaid ones, as an
// administrator would (Graph never lets consumption pass enabled +
// warning units); a suspended SKU stays as it is.
func (t *Tenant) trueUp() {
	for k := range t.prepaid {
		short := t.consumed[k] - t.prepaid[k].Enabled - t.prepaid[k].Warning
		switch {
		case short <= 0 || t.status[k] == "Suspended":
		case t.status[k] == "Warning":
			t.prepaid[k].Warning += short
		default:
			t.prepaid[k].Enabled += short
		}
	}
}

// buildSubscriptions lists the subscriptions as bought at the origin,
// each renewed (by a month, or a year) as often as today has passed its
// next lifecycle date.
func (t *Tenant) buildSubscriptions() []extract.Subscription {
	today, origin := day(t.now), day(t.origin)
	var out []extract.Subscription
	for k, p := range purchases[:t.skus] {
		sku := skuCatalog()[k]
		total := t.prepaid[k].Enabled + t.prepaid[k].Warning + t.prepaid[k].Suspended
		left := total
		for n, days := range p.renewIn {
			next := origin.AddDate(0, 0, days)
			created := next.AddDate(-p.termYear, 0, 0)
			switch {
			case p.trial:
				created = next.AddDate(0, 0, -30)
			case p.monthly:
				created = next.AddDate(-p.termYear, -1, 0)
			}
			term := 12 // months
			if p.monthly || p.trial {
				term = 1
			}
			for next.Before(today) {
				next = next.AddDate(0, term, 0)
			}
			units := left
			if n < len(p.split) {
				units = total * p.split[n] / 100
			}
			left -= units
			out = append(out, extract.Subscription{
				ID:                     namedGUID(t.seed, "subscription:"+sku.partNumber, n),
				CommerceSubscriptionID: namedGUID(t.seed, "commerce:"+sku.partNumber, n),
				SkuID:                  sku.id, SkuPartNumber: sku.partNumber, Status: p.status,
				IsTrial: p.trial, TotalLicenses: units,
				CreatedDateTime: created.Add(9*time.Hour + 41*time.Minute), NextLifecycleDateTime: next,
				OwnerID: namedGUID(t.seed, "billing-admin", 0), OwnerTenantID: t.tenantID, OwnerType: "User",
				ServiceStatus: servicePlans(k, p.status),
			})
		}
	}
	return out
}

// servicePlans lists SKU k's plans as subscribedSku.servicePlans shows
// them; plans of a suspended SKU are Disabled (as in Graph's example).
func servicePlans(k int, status string) []extract.ServicePlan {
	ps := "Success"
	if status == "Suspended" {
		ps = "Disabled"
	}
	plans := skuCatalog()[k].plans
	out := make([]extract.ServicePlan, len(plans))
	for n, p := range plans {
		applies := "User"
		if p.name == "ADALLOM_S_O365" {
			applies = "Company"
		}
		out[n] = extract.ServicePlan{ServicePlanID: p.id, ServicePlanName: p.name, ProvisioningStatus: ps, AppliesTo: applies}
	}
	return out
}

// SKUs returns GET /subscribedSkus: consumedUnits counts each user once per
// SKU, however many sources assign it. Microsoft_365_Copilot is listed last,
// and only when GenOptions.CopilotSeats bought it.
func (t *Tenant) SKUs() []extract.SKU {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]extract.SKU, t.skus)
	for k := range out {
		sku := skuCatalog()[k]
		var subs []string
		for _, s := range t.subs {
			if s.SkuID == sku.id {
				subs = append(subs, s.ID)
			}
		}
		out[k] = extract.SKU{
			ID: t.tenantID + "_" + sku.id, AccountID: t.tenantID, AccountName: t.companyName,
			AppliesTo: "User", CapabilityStatus: t.status[k], ConsumedUnits: t.consumed[k],
			PrepaidUnits: t.prepaid[k], ServicePlans: servicePlans(k, t.status[k]),
			SkuID: sku.id, SkuPartNumber: sku.partNumber, SubscriptionIDs: subs,
		}
	}
	return out
}

// Subscriptions returns GET /directory/subscriptions: one per SKU, two for
// SPE_E3 (one renewing within 30 days), one trial.
func (t *Tenant) Subscriptions() []extract.Subscription {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]extract.Subscription, len(t.subs))
	copy(out, t.subs)
	return out
}

// Renew renews the subscriptions of the SKU with part number part for
// units seats, as an administrator who buys fewer (or more) seats at the
// renewal: the SKU's prepaid units (enabled, or warning for a SKU in its
// grace period) become units and /directory/subscriptions splits them
// anew. Like the admin centre, it refuses fewer units than are consumed
// and a suspended SKU.
func (t *Tenant) Renew(part string, units int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.skus {
		if skuCatalog()[k].partNumber != part {
			continue
		}
		switch {
		case t.status[k] == "Suspended":
			return fmt.Errorf("renew %s: the SKU is suspended", part)
		case units < t.consumed[k]:
			return fmt.Errorf("renew %s: %d units is fewer than the %d consumed", part, units, t.consumed[k])
		case t.status[k] == "Warning":
			t.prepaid[k] = extract.PrepaidUnits{Warning: units}
		default:
			t.prepaid[k] = extract.PrepaidUnits{Enabled: units}
		}
		t.subs = t.buildSubscriptions()
		return nil
	}
	return fmt.Errorf("renew %s: no such SKU in the tenant", part)
}
