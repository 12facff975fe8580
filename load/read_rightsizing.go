package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Rightsizing is one row of mart_rightsizing (a seat that could be a
// cheaper SKU, or none), with how the user holds the from SKU and where
// the user is (from mart_user_licenses), for reclaim's plans.
type Rightsizing struct {
	Tenant            string
	UserID            string
	UserPrincipalName string
	FromSkuID         string
	FromSku           string // part number
	// ToSku is the part number to put in its place; "" when none is
	// needed (shared_mailbox: remove, no replacement).
	ToSku        string
	Rule         string // shared_mailbox, no_desktop_apps, e5_extras_unused
	Confidence   string // safe or review
	Evidence     string // JSON: the facts and report dates behind the rule
	Currency     string
	AnnualSaving *float64 // nil when a price is missing
	Department   string
	// Direct and AssignedByGroups are how the user holds the from SKU;
	// UsageLocation and OnPremisesDistinguishedName are the user's (empty
	// when unset).
	Direct                      bool
	AssignedByGroups            []string
	UsageLocation               string
	OnPremisesDistinguishedName string
}

// RightsizingFilter selects rightsizing rows; an empty field selects
// everything. SKUs, rules and confidences compare case-insensitively; a
// ToSKUs value of "" selects the rows with no replacement.
type RightsizingFilter struct {
	Tenants     []string
	Rules       []string
	Confidences []string
	FromSKUs    []string // part numbers
	ToSKUs      []string // part numbers
	Departments []string
}

// rightsizingFrom is the rows with the licence row each is about (same
// snapshot, tenant × user × from SKU).
const rightsizingFrom = ` FROM mart_rightsizing r
	LEFT JOIN mart_user_licenses u ON u.tenant = r.tenant AND u.user_id = r.user_id AND u.sku_id = r.from_sku_id`

// rightsizingOrder puts, of the rows of one user and from SKU, the safe
// one with the larger saving first: the one a plan keeps.
const rightsizingOrder = ` ORDER BY r.tenant, r.user_id, r.from_sku, r.confidence = 'safe' DESC,
	r.annual_saving DESC NULLS LAST, r.rule`

// RightsizingRows reads the latest rightsizing rows matching f, ordered by
// tenant, user id and from SKU, then safe before review and the larger
// saving first. A warehouse opened read-only before a writer ran
// migration 0013 has no mart_rightsizing: it reads as no rows.
func (w *Warehouse) RightsizingRows(ctx context.Context, f RightsizingFilter) ([]Rightsizing, error) {
	var q where
	q.in("r.tenant", f.Tenants)
	q.in("lower(r.rule)", lowerAll(f.Rules))
	q.in("lower(r.confidence)", lowerAll(f.Confidences))
	q.in("lower(r.from_sku)", lowerAll(f.FromSKUs))
	q.in("lower(coalesce(r.to_sku, ''))", lowerAll(f.ToSKUs))
	q.in("r.department", f.Departments)
	return w.rightsizing(ctx, q.sql()+rightsizingOrder, q.args)
}

// RightsizingOf reads the latest rightsizing rows of the users named by
// object id, in the order of RightsizingRows: what an apply re-checks its
// rows against.
func (w *Warehouse) RightsizingOf(ctx context.Context, ids []string) ([]Rightsizing, error) {
	return w.rightsizing(ctx, ` WHERE r.user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`+rightsizingOrder,
		[]any{jsonList(ids)})
}

// rightsizing reads mart_rightsizing's rows with the clauses tail.
func (w *Warehouse) rightsizing(ctx context.Context, tail string, args []any) ([]Rightsizing, error) {
	const what = "read rightsizing rows"
	ok, err := w.has(ctx, "mart_rightsizing", "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if !ok {
		return nil, nil
	}
	dn, err := w.onPremDN(ctx, "u")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	query := `SELECT r.tenant, r.user_id, r.user_principal_name, r.from_sku_id, r.from_sku, r.to_sku, r.rule,
	r.confidence, r.evidence, r.currency, r.annual_saving, r.department,
	u.assigned_direct, u.assigned_by_groups, u.usage_location, ` + dn + rightsizingFrom + tail
	var out []Rightsizing
	err = w.readRows(ctx, query, args, func(rows *sql.Rows) error {
		var s [13]sql.NullString
		var direct sql.NullBool
		var saving, groups any
		if err := rows.Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8], &s[9], &saving, &s[10],
			&direct, &groups, &s[11], &s[12]); err != nil {
			return err
		}
		r := Rightsizing{Tenant: s[0].String, UserID: s[1].String, UserPrincipalName: s[2].String,
			FromSkuID: s[3].String, FromSku: s[4].String, ToSku: s[5].String, Rule: s[6].String,
			Confidence: s[7].String, Evidence: s[8].String, Currency: s[9].String, Department: s[10].String,
			Direct: direct.Bool, AssignedByGroups: stringList(groups), UsageLocation: s[11].String,
			OnPremisesDistinguishedName: s[12].String}
		if x, ok := plain(saving, "DECIMAL").(float64); ok {
			r.AnnualSaving = &x
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// lowerAll lower-cases every value.
func lowerAll(vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, strings.ToLower(v))
	}
	return out
}
