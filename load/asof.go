package load

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// AsOf makes a read-only warehouse show itself as it stood at the end of
// day (UTC): snapshots after day are hidden, so every mart, _history table
// and stg_snapshots follow as if later runs had not happened, each
// tenant's latest mart being its newest snapshot on or before day. It is
// for seatledger report --as-of; Open (writable) refuses it.
//
// How: every connection gets temporary views named like the tables they
// hide: snapshots and each _history table filtered to the scope, and each
// latest mart table computed from its _history table. DuckDB resolves
// names when a query runs, searching the temp schema before main, so the
// temporary views shadow the tables for every query and view built on
// them (TestAsOfScopesEveryView pins this). Temporary objects live in
// memory per connection, which a read-only database allows.
// https://duckdb.org/docs/sql/statements/create_view (temporary views)
func AsOf(day time.Time) Option {
	return func(o *options) { o.asOf = dateOf(day.UTC()) }
}

// OnlyTenants makes a read-only warehouse show only the snapshots of the
// named tenants, the same way as AsOf (the two combine): every mart and
// _history view then covers those tenants alone. It is for seatledger
// report --tenant; Open (writable) refuses it.
func OnlyTenants(names ...string) Option {
	return func(o *options) { o.tenants = append([]string(nil), names...) }
}

// scope is the WHERE clause of the AsOf and OnlyTenants view, or "".
func (o options) scope() string {
	var conds []string
	if !o.asOf.IsZero() {
		conds = append(conds, "snapshot_date <= DATE "+quoteLiteral(o.asOf.Format(time.DateOnly)))
	}
	if t := o.tenantScope(); t != "" {
		conds = append(conds, t)
	}
	return strings.Join(conds, " AND ")
}

// tenantScope is the OnlyTenants condition alone, or "".
func (o options) tenantScope() string {
	if len(o.tenants) == 0 {
		return ""
	}
	lits := make([]string, len(o.tenants))
	for i, t := range o.tenants {
		lits[i] = quoteLiteral(t)
	}
	return "tenant IN (" + strings.Join(lits, ", ") + ")"
}

// connInit is the connector's per-connection setup: initConn (the time
// zone; ConfineFiles sets it globally instead, since its locked
// configuration refuses SET), and the AsOf and OnlyTenants scope when set.
func (o options) connInit(readOnly bool) (func(driver.ExecerContext) error, error) {
	if o.confined && !readOnly {
		return nil, errors.New("file confinement: a warehouse opened for writing cannot be confined")
	}
	base := initConn
	if o.confined {
		base = func(driver.ExecerContext) error { return nil }
	}
	where := o.scope()
	if where == "" {
		return base, nil
	}
	if !readOnly {
		return nil, errors.New("as-of/tenant scope: a warehouse opened for writing cannot be scoped")
	}
	day := o.asOf.Format(time.DateOnly)
	if o.asOf.IsZero() {
		day = "latest"
	}
	return func(ex driver.ExecerContext) error {
		if err := base(ex); err != nil {
			return err
		}
		catalog, err := currentDatabase(ex)
		if err != nil {
			return fmt.Errorf("as-of %s: %w", day, err)
		}
		prefix := quoteIdent(catalog) + ".main."
		latest, err := scopedLatest(ex, prefix, where)
		if err != nil {
			return fmt.Errorf("as-of %s: %w", day, err)
		}
		for _, q := range o.scopeViews(prefix, where, latest) {
			if _, err := ex.ExecContext(context.Background(), q, nil); err != nil {
				return fmt.Errorf("as-of %s: scope the warehouse: %w", day, err)
			}
		}
		return nil
	}, nil
}

// scopedLatest is the condition that picks each scoped tenant's newest
// snapshot, as literals ("false" for none): DuckDB pushes literal filters
// into the versioned _history views, so that reading the latest night
// costs one night however many are stored.
func scopedLatest(ex driver.ExecerContext, prefix, where string) (string, error) {
	q, ok := ex.(driver.QueryerContext)
	if !ok {
		return "", errors.New("the DuckDB connection cannot query")
	}
	rows, err := q.QueryContext(context.Background(), "SELECT tenant, strftime(max(snapshot_date), '%Y-%m-%d') FROM "+
		prefix+"snapshots WHERE "+where+" GROUP BY tenant ORDER BY tenant", nil)
	if err != nil {
		return "", fmt.Errorf("latest snapshots in scope: %w", err)
	}
	defer rows.Close()
	conds := []string{}
	v := make([]driver.Value, 2)
	for {
		err := rows.Next(v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("latest snapshots in scope: %w", err)
		}
		conds = append(conds, fmt.Sprintf("(tenant = %s AND snapshot_date = DATE %s)", quoteLiteral(fmt.Sprint(v[0])), quoteLiteral(fmt.Sprint(v[1]))))
	}
	if len(conds) == 0 {
		return "false", nil
	}
	return strings.Join(conds, " OR "), nil
}

// scopeViews are the statements that create the scope's temporary views;
// tables are qualified with the catalog (prefix), since "main.snapshots"
// would find the temporary view itself (temp.main) and recurse. latest
// picks the newest snapshot of each tenant in scope (scopedLatest).
func (o options) scopeViews(prefix, where, latest string) []string {
	qs := []string{"CREATE OR REPLACE TEMP VIEW snapshots AS SELECT * FROM " + prefix + "snapshots WHERE " + where}
	if t := o.tenantScope(); t != "" {
		// The provisioning report: the tenants' actions only (its window
		// in time is the reader's, ScanActions').
		qs = append(qs, "CREATE OR REPLACE TEMP VIEW actions AS SELECT * FROM "+prefix+"actions WHERE "+t)
	}
	for _, m := range marts {
		qs = append(qs, "CREATE OR REPLACE TEMP VIEW "+m.history+" AS SELECT * FROM "+prefix+m.history+" WHERE "+where)
		switch {
		case m.latest == "":
		case o.asOf.IsZero():
			// Tenants only: the latest tables already hold the newest snapshots.
			qs = append(qs, "CREATE OR REPLACE TEMP VIEW "+m.latest+" AS SELECT * FROM "+prefix+m.latest+" WHERE "+where)
		default:
			qs = append(qs, "CREATE OR REPLACE TEMP VIEW "+m.latest+" AS SELECT * EXCLUDE (snapshot_date) FROM "+
				prefix+m.history+" WHERE "+latest)
		}
	}
	return qs
}

// currentDatabase is the catalog name DuckDB gave the warehouse file.
func currentDatabase(ex driver.ExecerContext) (string, error) {
	q, ok := ex.(driver.QueryerContext)
	if !ok {
		return "", errors.New("the DuckDB connection cannot query")
	}
	rows, err := q.QueryContext(context.Background(), "SELECT current_database()", nil)
	if err != nil {
		return "", fmt.Errorf("current database: %w", err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("current database: %w", err)
	}
	name, ok := v[0].(string)
	if !ok || name == "" {
		return "", fmt.Errorf("current database: got %v", v[0])
	}
	return name, nil
}
