package reclaim

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// DecideAssign compares a planned assignment (OpAssign) with the user's
// licences read live: a user holding the SKU already is left alone; a
// user without usageLocation gets the item's, else defaultLocation,
// first (SetLocation), and is refused without either, since Graph
// assigns no licence to such a user.
func DecideAssign(it Item, live extract.LicenseResult, defaultLocation string) Outcome {
	o := Outcome{Item: it, Op: OpAssign}
	if failedRead(&o, live) {
		return o
	}
	if h := holdingOf(live.User, it.SkuID); h.held {
		o.Result, o.GroupIDs = ResultUnchanged, h.groups
		o.Message = "the user holds this SKU already (plans enable|disable changes its service plans)"
		return o
	}
	undo := UndoUser{Tenant: it.Tenant, UserID: it.UserID, UsageLocation: live.User.UsageLocation, Reason: it.Reason,
		RemoveOnUndo: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: []string{}}}}
	if live.User.UsageLocation == "" {
		loc := cmp.Or(it.UsageLocation, defaultLocation)
		if loc == "" {
			o.Refuse("the user has no usageLocation, which Graph needs before it assigns a licence: add a UsageLocation column to the CSV or set tenants[].default_usage_location")
			return o
		}
		o.SetLocation, undo.UsageLocationSet = loc, true
	}
	ch := extract.LicenseChange{UserID: it.UserID,
		Add: []extract.AssignedLicense{{SkuID: it.SkuID, DisabledPlans: nonNil(it.DisabledPlans)}}}
	o.Result, o.Change, o.Undo = ResultPending, &ch, &undo
	return o
}

// DecidePlans compares a planned service-plan change (OpPlans) with the
// user's licences read live: the SKU's disabled plans become the live ones
// with EnablePlans taken out and DisablePlans added, every other plan as
// it was. Only a direct assignment can be changed per user.
func DecidePlans(it Item, live extract.LicenseResult) Outcome {
	o := Outcome{Item: it, Op: OpPlans}
	if failedRead(&o, live) {
		return o
	}
	h := holdingOf(live.User, it.SkuID)
	switch {
	case !h.held:
		o.Result, o.Message = ResultNotAssigned, "the user does not hold this SKU"
		return o
	case !h.direct:
		o.Result, o.GroupIDs = ResultGroupOnly, h.groups
		o.Message = "held only through groups: switch the group's plans instead (plans --group)"
		return o
	}
	next, same := nextDisabled(h.disabledPlans, it)
	if same {
		o.Result, o.Message = ResultUnchanged, "the service plans are so already"
		return o
	}
	ch := extract.LicenseChange{UserID: it.UserID, Add: []extract.AssignedLicense{{SkuID: it.SkuID, DisabledPlans: next}}}
	undo := UndoUser{Tenant: it.Tenant, UserID: it.UserID, UsageLocation: live.User.UsageLocation, Reason: it.Reason, Exact: true,
		Restore: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: nonNil(h.disabledPlans)}}}
	o.Result, o.Change, o.Undo = ResultPending, &ch, &undo
	return o
}

// nextDisabled are a licence's disabled plans (disabled, as they are now)
// once a plans item has switched them: EnablePlans taken out, DisablePlans
// put in, sorted and lower-case. same says nothing changes.
func nextDisabled(disabled []string, it Item) (next []string, same bool) {
	for _, p := range disabled {
		if !containsFold(it.EnablePlans, p) && !containsFold(next, p) {
			next = append(next, strings.ToLower(p))
		}
	}
	for _, p := range it.DisablePlans {
		if !containsFold(next, p) {
			next = append(next, strings.ToLower(p))
		}
	}
	slices.Sort(next)
	return nonNil(next), samePlans(next, disabled)
}

// containsFold reports whether l holds s, case-insensitively.
func containsFold(l []string, s string) bool {
	return slices.ContainsFunc(l, func(x string) bool { return strings.EqualFold(x, s) })
}

// guardUnits refuses, per tenant and SKU, the pending assignments (and
// replacements: the SKU they add) that need more units than are free
// (enabled + warning − consumed, read live from subscribedSkus; none for a
// suspended SKU) or would take consumed units past the tenant's hard
// limit (tenants[].limits, by upper-case part number). A group counts the
// members that would newly consume a unit, as the latest snapshot knows
// them (members, by groupKey; see unitsNeeded). All of a SKU's
// assignments are refused together, naming both numbers: assigning some
// of them would be an arbitrary choice.
func guardUnits(ctx context.Context, clients map[string]Graph, outs []Outcome, limits map[string]map[string]int64,
	members map[string]load.GroupMembers) error {
	for tenant, c := range clients {
		need := map[string][]int{} // lower-case SKU id -> pending outcomes
		for i, o := range outs {
			if o.Result == ResultPending && o.Item.Tenant == tenant {
				k := strings.ToLower(cmp.Or(o.Item.ToSkuID, o.Item.SkuID))
				need[k] = append(need[k], i)
			}
		}
		if len(need) == 0 {
			continue
		}
		skus, err := c.SubscribedSKUs(ctx)
		if err != nil {
			return fmt.Errorf("tenant %s: read subscribedSkus for the free units (nothing was changed): %w", tenant, err)
		}
		for id, idx := range need {
			n, note := unitsNeeded(outs, idx, members)
			refusal := unitsRefusal(tenant, id, n, note, skus, limits[tenant])
			if refusal == "" {
				continue
			}
			for _, i := range idx {
				outs[i].Refuse("%s", refusal)
			}
		}
	}
	return nil
}

// unitsRefusal says why n more units of SKU id cannot be assigned in
// tenant, or "" when they can; note says how n was counted.
func unitsRefusal(tenant, id string, n int, note string, skus []extract.SKU, limits map[string]int64) string {
	i := slices.IndexFunc(skus, func(k extract.SKU) bool { return strings.EqualFold(k.SkuID, id) })
	if i < 0 {
		return fmt.Sprintf("tenant %s has no subscription to SKU %s", tenant, id)
	}
	k := skus[i]
	free := k.PrepaidUnits.Enabled + k.PrepaidUnits.Warning - k.ConsumedUnits
	if int64(n) > free {
		return fmt.Sprintf("%s: %d licences to assign%s, %d free units (%d enabled + %d warning - %d consumed)",
			k.SkuPartNumber, n, note, max(free, 0), k.PrepaidUnits.Enabled, k.PrepaidUnits.Warning, k.ConsumedUnits)
	}
	if lim, ok := limits[strings.ToUpper(k.SkuPartNumber)]; ok && k.ConsumedUnits+int64(n) > lim {
		return fmt.Sprintf("%s: %d consumed + %d to assign%s would pass tenant %s's hard limit of %d (tenants[].limits)",
			k.SkuPartNumber, k.ConsumedUnits, n, note, tenant, lim)
	}
	return ""
}

// setLocations sets, per tenant, the usageLocation of the pending
// assignments that need one first; a user whose location could not be set
// fails, and its licence is not sent.
func setLocations(ctx context.Context, clients map[string]Graph, outs []Outcome) error {
	var errs error
	for tenant, c := range clients {
		var changes []extract.UsageLocationChange
		var idx []int
		for i, o := range outs {
			if o.Result == ResultPending && o.Item.Tenant == tenant && o.SetLocation != "" {
				changes = append(changes, extract.UsageLocationChange{UserID: o.Item.UserID, UsageLocation: o.SetLocation})
				idx = append(idx, i)
			}
		}
		if len(changes) == 0 {
			continue
		}
		results, err := c.SetUsageLocations(ctx, changes)
		if err != nil {
			errs = fmt.Errorf("tenant %s: set usageLocation: %w", tenant, err)
		}
		for j, i := range idx {
			r := extract.LicenseResult{Code: "NoResponse", Message: "not sent"}
			if j < len(results) {
				r = results[j]
			}
			if !r.OK() {
				o := &outs[i]
				o.Result, o.Status, o.Code, o.Change = ResultFailed, r.Status, r.Code, nil
				o.Message = fmt.Sprintf("set usageLocation %s first: %s", o.SetLocation, r.Message)
			}
		}
	}
	return errs
}

// guardPlans refuses plans items that would switch off a service plan the
// catalogue marks as not removable (a plan file may have been edited since
// plans wrote it).
func guardPlans(outs []Outcome) {
	for i := range outs {
		for _, p := range outs[i].Item.DisablePlans {
			if name, fixed := transform.FixedPlan(p); fixed {
				outs[i].Refuse("service plan %s (%s) cannot be switched off", name, p)
				break
			}
		}
	}
}
