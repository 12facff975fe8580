package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The queries Read runs: marts are views over each tenant's latest
// snapshot; run facts come from the journal, etl_runs. Sums are cast to
// DOUBLE (a DuckDB sum of BIGINT is a HUGEINT).
const (
	skuQuery = `SELECT tenant, coalesce(sku_part_number, sku_id),
    sum(enabled_units)::DOUBLE, sum(warning_units)::DOUBLE, sum(suspended_units)::DOUBLE,
    sum(locked_out_units)::DOUBLE, sum(consumed_units)::DOUBLE, sum(unused_units)::DOUBLE
FROM mart_license_inventory WHERE NOT ignored GROUP BY ALL ORDER BY ALL`
	idleQuery = `SELECT tenant, coalesce(sku_part_number, sku_id), reason, count(*)::DOUBLE
FROM mart_reclamation_candidates GROUP BY ALL ORDER BY ALL`
	reclaimQuery = `SELECT tenant, currency, sum(annual_savings)::DOUBLE
FROM mart_reclamation_candidates WHERE currency IS NOT NULL AND annual_savings IS NOT NULL
GROUP BY ALL ORDER BY ALL`
	lifecycleQuery = `SELECT tenant, coalesce(sku_part_number, sku_id), min(next_lifecycle_at)
FROM mart_renewals WHERE next_lifecycle_at IS NOT NULL AND coalesce(status, '') <> 'Deleted'
GROUP BY ALL ORDER BY ALL`
	snapshotQuery = `SELECT tenant, bool_or(concealed AND is_latest), max(report_refresh_date)
FROM stg_snapshots GROUP BY ALL`
	successQuery = `SELECT tenant, max(finished_at) FROM etl_runs
WHERE status IN ('ok', 'degraded') GROUP BY ALL`
	lastRunQuery = `SELECT tenant, status, finished_at, coalesce(users, 0)::DOUBLE, coalesce(licenses, 0)::DOUBLE,
    coalesce(skus, 0)::DOUBLE, coalesce(subscriptions, 0)::DOUBLE, coalesce(groups, 0)::DOUBLE,
    coalesce(report_rows, 0)::DOUBLE
FROM etl_runs QUALIFY row_number() OVER (PARTITION BY tenant ORDER BY started_at DESC, run_id DESC) = 1`
)

// Read reads the latest snapshot of each tenant in tenants (the
// configured ones, in order: tenants in the warehouse but no longer
// configured are left out) from db, a read-only warehouse.
func Read(ctx context.Context, db *sql.DB, tenants []string, now time.Time) (*State, error) {
	st := &State{ReadAt: now}
	idx := map[string]*Tenant{}
	st.Tenants = make([]Tenant, len(tenants))
	for i, name := range tenants {
		st.Tenants[i] = Tenant{Name: name, Reclaimable: map[string]float64{}, NextLifecycle: map[string]time.Time{}}
		idx[name] = &st.Tenants[i]
	}
	if db == nil {
		return st, nil
	}
	for _, r := range readers(func(name string) *Tenant { return idx[name] }) {
		if err := each(ctx, db, r.query, r.row); err != nil {
			return nil, fmt.Errorf("read %s: %w", r.what, err)
		}
	}
	return st, nil
}

// each runs query and calls row for every result row.
func each(ctx context.Context, db *sql.DB, query string, row func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readers are Read's queries, each with its row: the first column is the
// tenant; rows of tenants not configured are skipped.
func readers(tenant func(string) *Tenant) []reader {
	return []reader{
		{"seats", skuQuery, func(r *sql.Rows) error {
			var name string
			var k SKU
			if err := r.Scan(&name, &k.PartNumber, &k.Enabled, &k.Warning, &k.Suspended, &k.LockedOut, &k.Consumed, &k.Unused); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.SKUs = append(t.SKUs, k)
			}
			return nil
		}},
		{"idle licences", idleQuery, func(r *sql.Rows) error {
			var name string
			var i Idle
			if err := r.Scan(&name, &i.SKU, &i.Reason, &i.Count); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.Idle = append(t.Idle, i)
			}
			return nil
		}},
		{"reclaimable cost", reclaimQuery, func(r *sql.Rows) error {
			var name, currency string
			var v float64
			if err := r.Scan(&name, &currency, &v); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.Reclaimable[currency] = v
			}
			return nil
		}},
		{"renewals", lifecycleQuery, func(r *sql.Rows) error {
			var name, sku string
			var at time.Time
			if err := r.Scan(&name, &sku, &at); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.NextLifecycle[sku] = at
			}
			return nil
		}},
		{"snapshots", snapshotQuery, func(r *sql.Rows) error {
			var name string
			var concealed sql.NullBool
			var refresh sql.NullTime
			if err := r.Scan(&name, &concealed, &refresh); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.HasSnapshot, t.Concealed, t.ReportRefreshDate = true, concealed.Bool, refresh.Time
			}
			return nil
		}},
		{"last success", successQuery, func(r *sql.Rows) error {
			var name string
			var at sql.NullTime
			if err := r.Scan(&name, &at); err != nil {
				return err
			}
			if t := tenant(name); t != nil {
				t.LastSuccess = at.Time
			}
			return nil
		}},
		{"last run", lastRunQuery, scanLastRun(tenant)},
	}
}

func scanLastRun(tenant func(string) *Tenant) func(*sql.Rows) error {
	return func(r *sql.Rows) error {
		var name string
		var run Run
		var finished sql.NullTime
		var users, licenses, skus, subs, groups, report float64
		if err := r.Scan(&name, &run.Status, &finished, &users, &licenses, &skus, &subs, &groups, &report); err != nil {
			return err
		}
		run.FinishedAt = finished.Time
		run.Rows = map[string]float64{
			"users": users, "licenses": licenses, "skus": skus,
			"subscriptions": subs, "groups": groups, "usage_report": report,
		}
		if t := tenant(name); t != nil {
			t.LastRun = run
		}
		return nil
	}
}

type reader struct {
	what, query string
	row         func(*sql.Rows) error
}
