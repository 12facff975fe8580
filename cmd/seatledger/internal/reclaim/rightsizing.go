package reclaim

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/load"
)

// Rightsizing rows (mart_rightsizing) as the source of a plan: reclaim
// plan --rightsizing takes the rows with no replacement (remove the SKU),
// reclaim replace --rightsizing the rows with one (add the cheaper SKU and
// remove the other in one call). A plan has one operation, so each command
// takes its own kind and points to the other for the rest.

// rightsizingRules are the rules of mart_rightsizing; confidences, how
// sure its rows are.
var (
	rightsizingRules = []string{"shared_mailbox", "no_desktop_apps", "e5_extras_unused"}
	confidences      = []string{"safe", "review"}
)

// checkSource checks that sel names one source and only filters of that
// source, and every --rule and --confidence value; it reports every
// problem, each naming its flag.
func (sel Selection) checkSource() error {
	var errs []error
	switch {
	case sel.Rightsizing:
		if sel.CSV != "" {
			errs = append(errs, errors.New("--rightsizing and --csv are two sources of a plan: choose one"))
		}
		if len(sel.Reasons) > 0 || sel.MinIdleDays > 0 {
			errs = append(errs, errors.New("--reason and --min-idle-days select candidates: with --rightsizing use --rule and --confidence"))
		}
	case len(sel.Rules)+len(sel.Confidences) > 0:
		errs = append(errs, errors.New("--rule and --confidence select rightsizing rows: add --rightsizing"))
	}
	for _, r := range sel.Rules {
		if !slices.Contains(rightsizingRules, strings.ToLower(r)) {
			errs = append(errs, fmt.Errorf("--rule %q: want %s", r, strings.Join(rightsizingRules, ", ")))
		}
	}
	for _, c := range sel.Confidences {
		if !slices.Contains(confidences, strings.ToLower(c)) {
			errs = append(errs, fmt.Errorf("--confidence %q: want safe or review", c))
		}
	}
	return errors.Join(errs...)
}

// fromRightsizing plans the latest rightsizing rows matching sel that op
// carries out: for remove the rows with no replacement, for replace those
// with one, each with its own target from the tenant's latest
// subscribedSkus. from and to, when set, narrow the rows to those SKUs. A
// user's SKU with several rows is planned once, from its first row (safe
// before review, the larger saving first). Rows of the other kind, and
// rows whose target the tenant does not subscribe to, are counted on
// Stderr; when only the other kind matches, the error names the command
// that plans it.
func (pl Planner) fromRightsizing(ctx context.Context, w Reader, sel Selection, op, from, to string) ([]Item, error) {
	f := load.RightsizingFilter{Tenants: sel.Tenants, Rules: sel.Rules, Confidences: sel.Confidences,
		FromSKUs: sel.SKUs, Departments: sel.Departments}
	if from != "" {
		f.FromSKUs = []string{from}
	}
	if to != "" {
		f.ToSKUs = []string{to}
	}
	rows, err := w.RightsizingRows(ctx, f)
	if err != nil {
		return nil, err
	}
	targets, err := skuTargets(ctx, w)
	if err != nil {
		return nil, err
	}
	var items []Item
	other, untargeted := map[string]int{}, map[string]int{}
	planned := map[string]bool{}
	for _, r := range rows {
		if !sel.Users.Match(UserFields{UserPrincipalName: r.UserPrincipalName, UsageLocation: r.UsageLocation,
			OnPremisesDistinguishedName: r.OnPremisesDistinguishedName}) {
			continue
		}
		if (r.ToSku == "") != (op == OpRemove) {
			other[r.Rule]++
			continue
		}
		key := r.Tenant + "/" + r.UserID + "/" + strings.ToLower(r.FromSkuID)
		if planned[key] {
			continue
		}
		it := rightsizingItem(r)
		if op == OpReplace {
			k, ok := targets[r.Tenant+"/"+strings.ToLower(r.ToSku)]
			if !ok || strings.EqualFold(k.SkuID, r.FromSkuID) {
				untargeted[fmt.Sprintf("tenant %s has no %s in its latest snapshot", r.Tenant, r.ToSku)]++
				continue
			}
			it.ToSkuID, it.ToSkuPartNumber = k.SkuID, k.SkuPartNumber
		}
		planned[key] = true
		items = append(items, it)
	}
	for _, why := range slices.Sorted(maps.Keys(untargeted)) {
		fmt.Fprintf(pl.Stderr, "note: %d rightsizing rows left out: %s to replace with\n", untargeted[why], why)
	}
	if len(other) > 0 {
		note := otherKind(op, other)
		if len(items) == 0 && len(untargeted) == 0 {
			what := "removes a SKU with no replacement"
			if op == OpReplace {
				what = "replaces a SKU with a cheaper one"
			}
			return nil, exit.UsageError(fmt.Errorf("plan: no matching rightsizing row %s; %s", what, note))
		}
		fmt.Fprintln(pl.Stderr, "note: "+note)
	}
	return items, nil
}

// skuTargets are the SKUs of the tenants' latest snapshots, by tenant and
// lower-case part number.
func skuTargets(ctx context.Context, w Reader) (map[string]load.TenantSKU, error) {
	skus, err := w.LatestSKUs(ctx, "")
	if err != nil {
		return nil, err
	}
	targets := map[string]load.TenantSKU{}
	for _, k := range skus {
		targets[k.Tenant+"/"+strings.ToLower(k.SkuPartNumber)] = k
	}
	return targets, nil
}

// otherKind says how many matching rows the other command plans, by rule.
func otherKind(op string, other map[string]int) string {
	n, rules := 0, []string{}
	for _, r := range slices.Sorted(maps.Keys(other)) {
		n += other[r]
		rules = append(rules, fmt.Sprintf("%s %d", r, other[r]))
	}
	if op == OpRemove {
		return fmt.Sprintf("%d matching rightsizing rows replace their SKU with a cheaper one (%s): reclaim replace --rightsizing plans them",
			n, strings.Join(rules, ", "))
	}
	return fmt.Sprintf("%d matching rightsizing rows remove their SKU with no replacement (%s): reclaim plan --rightsizing plans them",
		n, strings.Join(rules, ", "))
}

// rightsizingItem turns a rightsizing row into a plan item (its target, if
// any, still to be filled): the rule is the reason, so that the actions
// table and the undo file say why.
func rightsizingItem(r load.Rightsizing) Item {
	action := "remove_direct"
	if !r.Direct {
		action = "remove_from_group"
	}
	it := Item{Tenant: r.Tenant, UserID: r.UserID, UserPrincipalName: r.UserPrincipalName, SkuID: r.FromSkuID,
		SkuPartNumber: r.FromSku, Reason: r.Rule, Reasons: []string{r.Rule}, Action: action,
		AssignedByGroups: r.AssignedByGroups, Currency: r.Currency, AnnualSavings: r.AnnualSaving,
		Rule: r.Rule, Confidence: r.Confidence}
	if json.Valid([]byte(r.Evidence)) {
		it.Evidence = json.RawMessage(r.Evidence)
	}
	return it
}

// currentRightsizing reads, when outs hold rightsizing items, the latest
// rightsizing rows of their users, by rightsizingKey.
func currentRightsizing(ctx context.Context, w Reader, outs []Outcome) (map[string]load.Rightsizing, error) {
	var ids []string
	for _, o := range outs {
		if o.Item.Rule != "" {
			ids = append(ids, o.Item.UserID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := w.RightsizingOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := map[string]load.Rightsizing{}
	for _, r := range rows {
		m[rightsizingKey(r.Tenant, r.UserID, r.FromSkuID, r.Rule)] = r
	}
	return m, nil
}

func rightsizingKey(tenant, user, skuID, rule string) string {
	return tenant + "/" + user + "/" + strings.ToLower(skuID) + "/" + rule
}

// staleRightsizing says why a rightsizing item is no longer to be acted
// on, or "": its row must still be in the latest snapshot with the same
// target, and a row planned as safe must still be safe.
func staleRightsizing(it Item, current map[string]load.Rightsizing) string {
	r, ok := current[rightsizingKey(it.Tenant, it.UserID, it.SkuID, it.Rule)]
	none := func(s string) string { return cmp.Or(s, "no replacement") }
	switch {
	case !ok:
		return fmt.Sprintf("no longer a rightsizing row (rule %s) in the latest snapshot", it.Rule)
	case !strings.EqualFold(r.ToSku, it.ToSkuPartNumber):
		return fmt.Sprintf("rule %s now says %s in the latest snapshot, the plan %s", it.Rule, none(r.ToSku), none(it.ToSkuPartNumber))
	case strings.EqualFold(it.Confidence, "safe") && !strings.EqualFold(r.Confidence, "safe"):
		return fmt.Sprintf("rule %s was safe when planned and is %s in the latest snapshot", it.Rule, r.Confidence)
	}
	return ""
}
