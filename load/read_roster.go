package load

import (
	"context"
	"database/sql"
	"fmt"
)

// RosterUser is one user of a tenant's latest snapshot, licensed or not,
// as assign and plans select them: who they are, where they sit and
// which SKUs they hold.
type RosterUser struct {
	Tenant                 string
	UserID                 string
	UserPrincipalNameLower string
	Department             string
	UsageLocation          string // "" when not set
	UserType               string // Member or Guest
	AccountEnabled         bool
	// OnPremisesDistinguishedName is the user's DN in the directory it is
	// synced from; "" for a cloud-only user (or a warehouse not migrated
	// to 0009 yet, opened read-only).
	OnPremisesDistinguishedName string
	SkuIDs                      []string // the SKUs held (lower-case ids)
}

// LatestRoster reads the users of tenant's latest snapshot, in user id
// order.
func (w *Warehouse) LatestRoster(ctx context.Context, tenant string) ([]RosterUser, error) {
	// NULL in a warehouse opened read-only before a writer ran 0009.
	dn, err := w.columnOrNull(ctx, "raw_users", "u", "on_premises_distinguished_name")
	if err != nil {
		return nil, err
	}
	query := `SELECT u.tenant, u.id, lower(u.user_principal_name), u.department, u.usage_location, u.user_type,
			coalesce(u.account_enabled, true), ` + dn + `,
			(SELECT list(lower(l.sku_id) ORDER BY lower(l.sku_id)) FROM raw_user_licenses l
				WHERE l.tenant = u.tenant AND l.snapshot_date = u.snapshot_date AND l.user_id = u.id)
		FROM raw_users u JOIN stg_snapshots s USING (tenant, snapshot_date)
		WHERE s.is_latest AND u.tenant = ?
		ORDER BY u.id`
	var out []RosterUser
	err = w.readRows(ctx, query, []any{tenant}, func(rows *sql.Rows) error {
		var t, id, upn, dept, loc, typ, ou sql.NullString
		var enabled sql.NullBool
		var skus any
		if err := rows.Scan(&t, &id, &upn, &dept, &loc, &typ, &enabled, &ou, &skus); err != nil {
			return err
		}
		out = append(out, RosterUser{Tenant: t.String, UserID: id.String, UserPrincipalNameLower: upn.String,
			Department: dept.String, UsageLocation: loc.String, UserType: typ.String, AccountEnabled: enabled.Bool,
			OnPremisesDistinguishedName: ou.String, SkuIDs: stringList(skus)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the roster of tenant %s: %w", tenant, err)
	}
	return out, nil
}
