package load

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The reads behind serve's licence metrics (the README's metrics table):
// each tenant's latest snapshot, summed to the series' grain, and the run
// journal. Each returns every tenant in the warehouse, in a stable order;
// which tenants to show is the caller's choice.

// SubscriptionDeleted is the status Graph gives a subscription that no
// longer exists; its lifecycle date is no renewal.
const SubscriptionDeleted = "Deleted"

// SKUSeats is one SKU part number's seats in a tenant's latest snapshot
// (mart_license_inventory): the SKU ids that share a part number are
// summed. A SKU without a part number goes by its id.
type SKUSeats struct {
	Tenant     string
	PartNumber string
	// Prepaid units by state.
	Enabled, Warning, Suspended, LockedOut int64
	Consumed                               int64
	Unused                                 int64 // unused_units: active seats not assigned
	// Limit is the tenant's hard limit on consumed units
	// (tenants[].limits) as of the snapshot; nil without one.
	Limit *int64
}

// LatestSeats returns the seats of every SKU in each tenant's latest
// snapshot, free and viral SKUs that the rules ignore left out, ordered by
// tenant and part number.
func (w *Warehouse) LatestSeats(ctx context.Context) ([]SKUSeats, error) {
	const q = `SELECT tenant, coalesce(sku_part_number, sku_id),
    sum(enabled_units)::BIGINT, sum(warning_units)::BIGINT, sum(suspended_units)::BIGINT,
    sum(locked_out_units)::BIGINT, sum(consumed_units)::BIGINT, sum(unused_units)::BIGINT,
    max(limit_units)
FROM mart_license_inventory WHERE NOT ignored GROUP BY ALL ORDER BY ALL`
	return readMetricRows(ctx, w, "seats of the latest snapshots", q, func(r *sql.Rows) (SKUSeats, error) {
		var s SKUSeats
		err := r.Scan(&s.Tenant, &s.PartNumber, &s.Enabled, &s.Warning, &s.Suspended, &s.LockedOut, &s.Consumed, &s.Unused, &s.Limit)
		return s, err
	})
}

// IdleCount is how many reclamation candidates of a tenant's latest
// snapshot hold one SKU for one first reason.
type IdleCount struct {
	Tenant string
	SKU    string // part number, or the SKU id without one
	Reason string // the candidate's first reason
	Count  int64
}

// LatestIdle counts the reclamation candidates of each tenant's latest
// snapshot by SKU and first reason, ordered by tenant, SKU and reason.
func (w *Warehouse) LatestIdle(ctx context.Context) ([]IdleCount, error) {
	const q = `SELECT tenant, coalesce(sku_part_number, sku_id), reason, count(*)
FROM mart_reclamation_candidates GROUP BY ALL ORDER BY ALL`
	return readMetricRows(ctx, w, "idle licences of the latest snapshots", q, func(r *sql.Rows) (IdleCount, error) {
		var c IdleCount
		err := r.Scan(&c.Tenant, &c.SKU, &c.Reason, &c.Count)
		return c, err
	})
}

// ReclaimableCost is the annual savings of a tenant's reclamation
// candidates in one currency.
type ReclaimableCost struct {
	Tenant   string
	Currency string
	// AnnualSavings is the exact decimal sum, as a float64.
	AnnualSavings float64
}

// LatestReclaimable sums the annual savings of each tenant's latest
// reclamation candidates by currency (candidates without a price left
// out), ordered by tenant and currency.
func (w *Warehouse) LatestReclaimable(ctx context.Context) ([]ReclaimableCost, error) {
	return w.sumsByCurrency(ctx, "reclaimable cost of the latest snapshots", "mart_reclamation_candidates", "annual_savings")
}

// LatestRealised sums the realised annual savings of each tenant's
// reclaimed seats (mart_reclaim_outcomes of its latest snapshot) by
// currency, ordered by tenant and currency; the reclaimable type carries
// them.
func (w *Warehouse) LatestRealised(ctx context.Context) ([]ReclaimableCost, error) {
	return w.sumsByCurrency(ctx, "realised savings of the latest snapshots", "mart_reclaim_outcomes", "realised_annual_savings")
}

// sumsByCurrency sums an amount column of a latest mart per tenant and
// currency, rows without either left out.
func (w *Warehouse) sumsByCurrency(ctx context.Context, what, mart, amount string) ([]ReclaimableCost, error) {
	q := `SELECT tenant, currency, sum(` + amount + `)::DOUBLE FROM ` + mart + `
WHERE currency IS NOT NULL AND ` + amount + ` IS NOT NULL GROUP BY ALL ORDER BY ALL`
	return readMetricRows(ctx, w, what, q, func(r *sql.Rows) (ReclaimableCost, error) {
		var c ReclaimableCost
		err := r.Scan(&c.Tenant, &c.Currency, &c.AnnualSavings)
		return c, err
	})
}

// RightsizingSavings is the annual saving of a tenant's rightsizing rows
// of one rule in one currency, safe and review together.
type RightsizingSavings struct {
	Tenant   string
	Rule     string
	Currency string
	// AnnualSavings is the exact decimal sum, as a float64.
	AnnualSavings float64
}

// LatestRightsizing sums the annual saving of each tenant's latest
// rightsizing rows (mart_rightsizing) by rule and currency, rows without a
// saving (a missing price) left out, ordered by tenant, rule and currency.
// A warehouse opened read-only before a writer ran migration 0013 has no
// mart_rightsizing: it reads as no rows.
func (w *Warehouse) LatestRightsizing(ctx context.Context) ([]RightsizingSavings, error) {
	const what = "rightsizing savings of the latest snapshots"
	ok, err := w.has(ctx, "mart_rightsizing", "")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if !ok {
		return nil, nil
	}
	const q = `SELECT tenant, rule, currency, sum(annual_saving)::DOUBLE FROM mart_rightsizing
WHERE rule IS NOT NULL AND currency IS NOT NULL AND annual_saving IS NOT NULL GROUP BY ALL ORDER BY ALL`
	return readMetricRows(ctx, w, what, q, func(r *sql.Rows) (RightsizingSavings, error) {
		var s RightsizingSavings
		err := r.Scan(&s.Tenant, &s.Rule, &s.Currency, &s.AnnualSavings)
		return s, err
	})
}

// NextLifecycle is the earliest next lifecycle (renewal or expiry) of the
// live subscriptions of one SKU in a tenant's latest snapshot.
type NextLifecycle struct {
	Tenant string
	SKU    string // part number, or the SKU id without one
	At     time.Time
}

// LatestNextLifecycles returns, per tenant and SKU of the latest snapshot,
// the earliest next lifecycle of its subscriptions that have one and are
// not deleted, ordered by tenant and SKU.
func (w *Warehouse) LatestNextLifecycles(ctx context.Context) ([]NextLifecycle, error) {
	const q = `SELECT tenant, coalesce(sku_part_number, sku_id), min(next_lifecycle_at)
FROM mart_renewals WHERE next_lifecycle_at IS NOT NULL AND coalesce(status, '') <> ?
GROUP BY ALL ORDER BY ALL`
	return readMetricRows(ctx, w, "renewals of the latest snapshots", q, func(r *sql.Rows) (NextLifecycle, error) {
		var l NextLifecycle
		err := r.Scan(&l.Tenant, &l.SKU, &l.At)
		return l, err
	}, SubscriptionDeleted)
}

// ReportState is what a tenant's snapshots say about its usage report.
type ReportState struct {
	Tenant string
	// Concealed is true when the latest snapshot's report conceals user
	// names.
	Concealed bool
	// RefreshDate is the newest Report Refresh Date over all snapshots;
	// zero when no snapshot had a usable report.
	RefreshDate time.Time
}

// ReportStates returns one row per tenant with a snapshot, in no
// particular order.
func (w *Warehouse) ReportStates(ctx context.Context) ([]ReportState, error) {
	const q = `SELECT tenant, bool_or(concealed AND is_latest), max(report_refresh_date)
FROM stg_snapshots GROUP BY ALL`
	return readMetricRows(ctx, w, "snapshots", q, func(r *sql.Rows) (ReportState, error) {
		var s ReportState
		var concealed sql.NullBool
		var refresh sql.NullTime
		err := r.Scan(&s.Tenant, &concealed, &refresh)
		s.Concealed, s.RefreshDate = concealed.Bool, refresh.Time
		return s, err
	})
}

// LastSuccess is when a tenant's last ok or degraded run ended.
type LastSuccess struct {
	Tenant     string
	FinishedAt time.Time // zero when that run has no end recorded
}

// LastSuccesses returns one row per tenant with an ok or degraded run in
// etl_runs, in no particular order.
func (w *Warehouse) LastSuccesses(ctx context.Context) ([]LastSuccess, error) {
	const q = `SELECT tenant, max(finished_at) FROM etl_runs WHERE status IN (?, ?) GROUP BY ALL`
	return readMetricRows(ctx, w, "last successes", q, func(r *sql.Rows) (LastSuccess, error) {
		var s LastSuccess
		var at sql.NullTime
		err := r.Scan(&s.Tenant, &at)
		s.FinishedAt = at.Time
		return s, err
	}, StatusOK, StatusDegraded)
}

// LatestRuns returns each tenant's latest run in etl_runs (the last
// started; of two started at once, the greater run id), in no particular
// order. Columns that are NULL (a run still going, counts never written)
// are zero values.
func (w *Warehouse) LatestRuns(ctx context.Context) ([]Run, error) {
	const q = `SELECT run_id, tenant, snapshot_date, started_at, finished_at, status, error,
    users, licenses, skus, subscriptions, groups, report_rows, report_refresh_date,
    graph_requests, graph_throttled
FROM etl_runs QUALIFY row_number() OVER (PARTITION BY tenant ORDER BY started_at DESC, run_id DESC) = 1`
	return readMetricRows(ctx, w, "last runs", q, func(r *sql.Rows) (Run, error) {
		var run Run
		var finished, refresh sql.NullTime
		var errText sql.NullString
		var n [8]sql.NullInt64
		err := r.Scan(&run.ID, &run.Tenant, &run.SnapshotDate, &run.StartedAt, &finished, &run.Status, &errText,
			&n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &refresh, &n[6], &n[7])
		run.FinishedAt, run.ReportRefreshDate, run.Error = finished.Time, refresh.Time, errText.String
		run.Users, run.Licenses, run.SKUs, run.Subscriptions = n[0].Int64, n[1].Int64, n[2].Int64, n[3].Int64
		run.Groups, run.ReportRows, run.GraphRequests, run.GraphThrottled = n[4].Int64, n[5].Int64, n[6].Int64, n[7].Int64
		return run, err
	})
}

// readMetricRows runs query with args and decodes every row with scan
// (readRows); errors say what was being read.
func readMetricRows[T any](ctx context.Context, w *Warehouse, what, query string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	var out []T
	err := w.readRows(ctx, query, args, func(r *sql.Rows) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return out, nil
}
