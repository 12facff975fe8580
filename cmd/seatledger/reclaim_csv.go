package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/load"
)

// heldLicence is one row of mart_user_licenses for a CSV row's user.
type heldLicence struct {
	tenant, userID, upn, skuID, sku string
	direct                          bool
	groups                          []string
}

// planFromCSV resolves the rows of f.csv against the latest snapshot: the
// user (by object id or user principal name, case-insensitively) must
// hold the SKU, and the pair must be a current candidate unless
// --force-listed. Every bad row is reported with its line number (object
// ids, never names, in the messages); any bad row means no plan. For
// replace, the SKU is from and the SkuPartNumber column is optional.
func planFromCSV(ctx context.Context, g *globals, w *load.Warehouse, f planFlags, from string) ([]reclaim.Item, error) {
	rows, err := readCSV(f.csv, from == "")
	var errs []error
	var le *reclaim.LineError
	switch {
	case errors.As(err, &le): // bad lines: resolve the others too, report all
		errs = append(errs, err)
	case err != nil:
		return nil, usageErr(fmt.Errorf("--csv %s: %w", f.csv, err))
	}
	tenants, err := latestTenants(ctx, w)
	if err != nil {
		return nil, err
	}
	var ids, upns []string
	for _, r := range rows {
		ids, upns = append(ids, r.ObjectID), append(upns, strings.ToLower(r.UserPrincipalName))
	}
	held, err := licencesOf(ctx, w, ids, upns)
	if err != nil {
		return nil, err
	}
	cands := map[string]reclaim.Item{}
	err = w.Stream(ctx, "SELECT "+candidateColumns+` FROM mart_reclamation_candidates
		WHERE user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))
		   OR lower(user_principal_name) IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`,
		[]any{jsonList(ids), jsonList(upns)}, func(_ []string, v []any) error {
			it := candidateItem(v)
			cands[it.Tenant+"/"+it.UserID+"/"+it.SkuID] = it
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	var items []reclaim.Item
	seen := map[string]int{}
	for _, r := range rows {
		it, msg := resolveRow(r, f, from, tenants, held, cands)
		if msg == "" {
			key := it.Tenant + "/" + it.UserID + "/" + it.SkuID
			if first, dup := seen[key]; dup {
				msg = fmt.Sprintf("same user and SKU as line %d", first)
			}
			seen[key] = r.Line
		}
		if msg != "" {
			errs = append(errs, &reclaim.LineError{Line: r.Line, Msg: msg})
			continue
		}
		items = append(items, it)
	}
	if len(errs) > 0 {
		return nil, csvProblems(g, errors.Join(errs...))
	}
	return items, nil
}

// csvProblems prints each problem of a CSV on stderr and returns a usage
// error counting them.
func csvProblems(g *globals, err error) error {
	var lines []*reclaim.LineError
	var walk func(error)
	walk = func(err error) {
		if le, ok := err.(*reclaim.LineError); ok {
			lines = append(lines, le)
		} else if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	slices.SortStableFunc(lines, func(a, b *reclaim.LineError) int { return a.Line - b.Line })
	for _, e := range lines {
		fmt.Fprintf(g.stderr, "csv: %v\n", e)
	}
	return usageErr(fmt.Errorf("--csv: %d rows refused (see above); no plan written", len(lines)))
}

// resolveRow turns one CSV row into a plan item, or says what is wrong.
func resolveRow(r reclaim.Row, f planFlags, from string, tenants []string, held []heldLicence, cands map[string]reclaim.Item) (reclaim.Item, string) {
	tenant := r.Tenant
	switch {
	case tenant != "":
	case len(f.tenants) == 1:
		tenant = f.tenants[0]
	case len(tenants) == 1:
		tenant = tenants[0]
	default:
		return reclaim.Item{}, "the warehouse holds several tenants: add a Tenant column or pass one --tenant"
	}
	sku := r.SkuPartNumber
	if from != "" {
		if sku != "" && !strings.EqualFold(sku, from) {
			return reclaim.Item{}, fmt.Sprintf("SkuPartNumber %s is not --from %s", sku, from)
		}
		sku = from
	}
	who := "UserPrincipalName"
	if r.ObjectID != "" {
		who = "ObjectId " + r.ObjectID
	}
	var user *heldLicence
	var lic *heldLicence
	for i := range held {
		h := &held[i]
		if h.tenant != tenant || !(h.userID == r.ObjectID || (r.ObjectID == "" && h.upn == strings.ToLower(r.UserPrincipalName))) {
			continue
		}
		user = h
		if strings.EqualFold(h.sku, sku) {
			lic = h
		}
	}
	switch {
	case user == nil:
		return reclaim.Item{}, fmt.Sprintf("%s: no licensed user in tenant %s's latest snapshot", who, tenant)
	case lic == nil:
		return reclaim.Item{}, fmt.Sprintf("user %s does not hold %s", user.userID, sku)
	}
	if it, ok := cands[tenant+"/"+lic.userID+"/"+lic.skuID]; ok {
		it.CSVLine = r.Line
		return it, ""
	}
	if !f.forceListed {
		return reclaim.Item{}, fmt.Sprintf("user %s %s: not a current reclamation candidate (--force-listed plans it anyway)", lic.userID, lic.sku)
	}
	action := "remove_direct"
	if !lic.direct {
		action = "remove_from_group"
	}
	return reclaim.Item{Tenant: tenant, UserID: lic.userID, UserPrincipalName: lic.upn, SkuID: lic.skuID,
		SkuPartNumber: lic.sku, Reason: reclaim.ReasonListed, Action: action, AssignedByGroups: lic.groups,
		CSVLine: r.Line, Forced: true}, ""
}

// latestTenants lists the tenants with a snapshot.
func latestTenants(ctx context.Context, w *load.Warehouse) ([]string, error) {
	var out []string
	err := w.Stream(ctx, "SELECT DISTINCT tenant FROM stg_snapshots WHERE is_latest ORDER BY tenant", nil,
		func(_ []string, v []any) error {
			out = append(out, s(v[0]))
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// licencesOf reads the latest licences of the users named by object id
// or (lower-cased) user principal name.
func licencesOf(ctx context.Context, w *load.Warehouse, ids, upns []string) ([]heldLicence, error) {
	var out []heldLicence
	err := w.Stream(ctx, `SELECT tenant, user_id, lower(user_principal_name), sku_id, sku_part_number,
			assigned_direct, assigned_by_groups
		FROM mart_user_licenses
		WHERE user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))
		   OR lower(user_principal_name) IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`,
		[]any{jsonList(ids), jsonList(upns)}, func(_ []string, v []any) error {
			direct, _ := v[5].(bool)
			out = append(out, heldLicence{tenant: s(v[0]), userID: s(v[1]), upn: s(v[2]), skuID: s(v[3]),
				sku: s(v[4]), direct: direct, groups: strs(v[6])})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read user licences: %w", err)
	}
	return out, nil
}
