package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// Candidate is one row of mart_reclamation_candidates: a licence the
// latest snapshot says could be reclaimed, and why.
type Candidate struct {
	Tenant            string
	UserID            string
	UserPrincipalName string
	SkuID             string
	SkuPartNumber     string
	Reason            string   // the first reason
	Reasons           []string // every reason
	IdleDays          *int64   // nil when unknown
	Action            string   // remove_direct or remove_from_group
	AssignedByGroups  []string
	Currency          string
	AnnualSavings     *float64 // nil when unpriced
	// UsageLocation and OnPremisesDistinguishedName are the user's (from
	// mart_user_licenses), for filters by country, domain and OU; empty
	// when unset.
	UsageLocation               string
	OnPremisesDistinguishedName string
}

// CandidateFilter selects reclamation candidates; an empty field selects
// everything.
type CandidateFilter struct {
	Tenants     []string
	Reasons     []string
	SKUs        []string // SKU part numbers
	Departments []string
	MinIdleDays int // 0: no minimum
}

// UserLicence is one row of mart_user_licenses: a licence a user holds in
// the latest snapshot, and how.
type UserLicence struct {
	Tenant                 string
	UserID                 string
	UserPrincipalNameLower string
	SkuID                  string
	SkuPartNumber          string
	Direct                 bool
	AssignedByGroups       []string
	// UsageLocation and OnPremisesDistinguishedName are the user's; empty
	// when unset.
	UsageLocation               string
	OnPremisesDistinguishedName string
}

// TenantReport is whether a tenant's latest snapshot has a usage report
// that conceals user names.
type TenantReport struct {
	Tenant    string
	Concealed bool
}

// TenantSKU is a SKU a tenant subscribes to in its latest snapshot.
type TenantSKU struct {
	Tenant        string
	SkuID         string
	SkuPartNumber string
}

// candidateFrom is the candidates with their users' usage location and
// on-premises DN, from the licence row each candidate is (same grain:
// tenant × user × SKU, both from the same snapshot's transforms).
const candidateFrom = ` FROM mart_reclamation_candidates c
	LEFT JOIN mart_user_licenses u ON u.tenant = c.tenant AND u.user_id = c.user_id AND u.sku_id = c.sku_id`

// candidateColumns are the columns candidates scans; dn is the on-premises
// DN column (see onPremDN).
func candidateColumns(dn string) string {
	return `c.tenant, c.user_id, c.user_principal_name, c.sku_id, c.sku_part_number, c.reason, c.reasons,
	c.idle_days, c.action, c.assigned_by_groups, c.currency, c.annual_savings, u.usage_location, ` + dn
}

// onPremDN is the expression that reads mart_user_licenses' on-premises
// DN as alias: the column, or NULL in a warehouse opened read-only before
// a writer ran migration 0009 (the reads work there, knowing no DN).
func (w *Warehouse) onPremDN(ctx context.Context, alias string) (string, error) {
	return w.columnOrNull(ctx, "mart_user_licenses", alias, "on_premises_distinguished_name")
}

// columnOrNull is alias.column when relation has the column, else a
// VARCHAR NULL: for columns of a migration that a warehouse opened
// read-only may not have run yet.
func (w *Warehouse) columnOrNull(ctx context.Context, relation, alias, column string) (string, error) {
	return w.columnOr(ctx, relation, alias, column, "NULL::VARCHAR")
}

// columnOr is alias.column when relation has the column, else the
// expression fallback (what the migration that adds it would have
// filled in).
func (w *Warehouse) columnOr(ctx context.Context, relation, alias, column, fallback string) (string, error) {
	ok, err := w.has(ctx, relation, column)
	if err != nil {
		return "", err
	}
	if !ok {
		return fallback, nil
	}
	return alias + "." + column, nil
}

// has reports whether the warehouse has the table or view relation and,
// unless column is "", that column of it: for what a migration adds that a
// warehouse opened read-only may not have run yet.
func (w *Warehouse) has(ctx context.Context, relation, column string) (bool, error) {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?
		AND (? = '' OR column_name = ?)`, relation, column, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for %s %s: %w", relation, column, err)
	}
	return n > 0, nil
}

// ReclaimCandidates reads the reclamation candidates matching f, ordered
// by tenant, user id and SKU part number.
func (w *Warehouse) ReclaimCandidates(ctx context.Context, f CandidateFilter) ([]Candidate, error) {
	var q where
	q.in("c.tenant", f.Tenants)
	q.in("c.reason", f.Reasons)
	q.in("c.sku_part_number", f.SKUs)
	q.in("c.department", f.Departments)
	if f.MinIdleDays > 0 {
		q.clauses = append(q.clauses, "c.idle_days >= ?")
		q.args = append(q.args, f.MinIdleDays)
	}
	dn, err := w.onPremDN(ctx, "u")
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	out, err := w.candidates(ctx, "SELECT "+candidateColumns(dn)+candidateFrom+q.sql()+
		" ORDER BY c.tenant, c.user_id, c.sku_part_number", q.args)
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	return out, nil
}

// ReclaimCandidatesOf reads the reclamation candidates of the users named
// by object id or by lower-cased user principal name, in no set order.
func (w *Warehouse) ReclaimCandidatesOf(ctx context.Context, ids, upnsLower []string) ([]Candidate, error) {
	dn, err := w.onPremDN(ctx, "u")
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	out, err := w.candidates(ctx, "SELECT "+candidateColumns(dn)+candidateFrom+`
		WHERE c.user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))
		   OR lower(c.user_principal_name) IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`,
		[]any{jsonList(ids), jsonList(upnsLower)})
	if err != nil {
		return nil, fmt.Errorf("read reclamation candidates: %w", err)
	}
	return out, nil
}

func (w *Warehouse) candidates(ctx context.Context, query string, args []any) ([]Candidate, error) {
	var out []Candidate
	err := w.readRows(ctx, query, args, func(rows *sql.Rows) error {
		var tenant, userID, upn, skuID, sku, reason, action, currency, location, dn sql.NullString
		var idle sql.NullInt64
		var reasons, groups, savings any
		if err := rows.Scan(&tenant, &userID, &upn, &skuID, &sku, &reason, &reasons,
			&idle, &action, &groups, &currency, &savings, &location, &dn); err != nil {
			return err
		}
		c := Candidate{Tenant: tenant.String, UserID: userID.String, UserPrincipalName: upn.String,
			SkuID: skuID.String, SkuPartNumber: sku.String, Reason: reason.String, Reasons: stringList(reasons),
			Action: action.String, AssignedByGroups: stringList(groups), Currency: currency.String,
			UsageLocation: location.String, OnPremisesDistinguishedName: dn.String}
		if idle.Valid {
			c.IdleDays = &idle.Int64
		}
		if x, ok := plain(savings, "DECIMAL").(float64); ok {
			c.AnnualSavings = &x
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// UserLicencesOf reads the licences held in the latest snapshot by the
// users named by object id or by lower-cased user principal name, in no
// set order.
func (w *Warehouse) UserLicencesOf(ctx context.Context, ids, upnsLower []string) ([]UserLicence, error) {
	dn, err := w.onPremDN(ctx, "u")
	if err != nil {
		return nil, fmt.Errorf("read user licences: %w", err)
	}
	query := `SELECT u.tenant, u.user_id, lower(u.user_principal_name), u.sku_id, u.sku_part_number,
			u.assigned_direct, u.assigned_by_groups, u.usage_location, ` + dn + `
		FROM mart_user_licenses u
		WHERE u.user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))
		   OR lower(u.user_principal_name) IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`
	var out []UserLicence
	err = w.readRows(ctx, query, []any{jsonList(ids), jsonList(upnsLower)}, func(rows *sql.Rows) error {
		var tenant, userID, upn, skuID, sku, location, dn sql.NullString
		var direct sql.NullBool
		var groups any
		if err := rows.Scan(&tenant, &userID, &upn, &skuID, &sku, &direct, &groups, &location, &dn); err != nil {
			return err
		}
		out = append(out, UserLicence{Tenant: tenant.String, UserID: userID.String, UserPrincipalNameLower: upn.String,
			SkuID: skuID.String, SkuPartNumber: sku.String, Direct: direct.Bool, AssignedByGroups: stringList(groups),
			UsageLocation: location.String, OnPremisesDistinguishedName: dn.String})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read user licences: %w", err)
	}
	return out, nil
}

// LatestTenants lists the tenants with a snapshot, in name order.
func (w *Warehouse) LatestTenants(ctx context.Context) ([]string, error) {
	var out []string
	err := w.readRows(ctx, "SELECT DISTINCT tenant FROM stg_snapshots WHERE is_latest ORDER BY tenant", nil, func(rows *sql.Rows) error {
		var t sql.NullString
		if err := rows.Scan(&t); err != nil {
			return err
		}
		out = append(out, t.String)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// LatestReports says, per tenant, whether the usage report of its latest
// snapshot conceals user names.
func (w *Warehouse) LatestReports(ctx context.Context) ([]TenantReport, error) {
	var out []TenantReport
	err := w.readRows(ctx, "SELECT tenant, concealed FROM stg_snapshots WHERE is_latest", nil, func(rows *sql.Rows) error {
		var t sql.NullString
		var concealed sql.NullBool
		if err := rows.Scan(&t, &concealed); err != nil {
			return err
		}
		out = append(out, TenantReport{Tenant: t.String, Concealed: concealed.Bool})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read report concealment: %w", err)
	}
	return out, nil
}

// LatestSKUs reads, per tenant, the subscribed SKUs of its latest
// snapshot whose part number is partNumber (case-insensitively), or all
// of them when partNumber is "", by tenant and part number.
func (w *Warehouse) LatestSKUs(ctx context.Context, partNumber string) ([]TenantSKU, error) {
	const query = `SELECT k.tenant, k.sku_id, k.sku_part_number FROM raw_subscribed_skus k
		JOIN stg_snapshots s USING (tenant, snapshot_date)
		WHERE s.is_latest AND (lower(k.sku_part_number) = lower($1) OR $1 = '')
		ORDER BY k.tenant, k.sku_part_number`
	var out []TenantSKU
	err := w.readRows(ctx, query, []any{partNumber}, func(rows *sql.Rows) error {
		var t, id, name sql.NullString
		if err := rows.Scan(&t, &id, &name); err != nil {
			return err
		}
		out = append(out, TenantSKU{Tenant: t.String, SkuID: id.String, SkuPartNumber: name.String})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up SKU %s: %w", partNumber, err)
	}
	return out, nil
}

// where builds "col IN (?, ?)" clauses: values are always parameters.
type where struct {
	clauses []string
	args    []any
}

func (q *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	q.clauses = append(q.clauses, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
	for _, v := range vals {
		q.args = append(q.args, v)
	}
}

func (q *where) sql() string {
	if len(q.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.clauses, " AND ")
}

// jsonList is a parameter for from_json(?, '["VARCHAR"]').
func jsonList(vals []string) string {
	if vals == nil {
		vals = []string{}
	}
	b, _ := json.Marshal(vals) // a []string always encodes
	return string(b)
}

// stringList reads a VARCHAR[] value; NULL and NULL elements are left out.
func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
