package load

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// The reads of the nightly job's reports: the run summary, the workbook's
// Summary sheet, its mart sheets and the snapshots a report shows. Each
// returns typed rows; the SQL stays here.

// latestSnapshots picks each tenant's latest snapshot, as the marts do:
// the one place that says which snapshot is a tenant's latest.
const latestSnapshots = `SELECT tenant, snapshot_date FROM stg_snapshots WHERE is_latest`

// TenantSnapshot names one tenant's snapshot.
type TenantSnapshot struct {
	Tenant string
	Date   time.Time
}

// LatestSnapshots lists each tenant's latest snapshot, the one the marts
// show, by tenant.
func (w *Warehouse) LatestSnapshots(ctx context.Context) ([]TenantSnapshot, error) {
	var out []TenantSnapshot
	err := w.readRows(ctx, latestSnapshots+" ORDER BY tenant", nil, func(r *sql.Rows) error {
		var s TenantSnapshot
		if err := r.Scan(asText(&s.Tenant), asDate(&s.Date)); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read latest snapshots: %w", err)
	}
	return out, nil
}

// SnapshotRange is the first snapshot of a tenant and its latest on or
// before a day (zero when it has none by then).
type SnapshotRange struct {
	Tenant        string
	First, Latest time.Time
}

// SnapshotRanges lists, by tenant, the first snapshot and the latest on or
// before asOf (zero asOf: the latest of all), from the snapshots stored.
func (w *Warehouse) SnapshotRanges(ctx context.Context, asOf time.Time) ([]SnapshotRange, error) {
	var day any
	if !asOf.IsZero() {
		day = asOf
	}
	var out []SnapshotRange
	err := w.readRows(ctx, `SELECT tenant, min(snapshot_date), max(snapshot_date) FILTER (WHERE ? IS NULL OR snapshot_date <= ?)
		FROM snapshots GROUP BY tenant ORDER BY tenant`, []any{day, day}, func(r *sql.Rows) error {
		var s SnapshotRange
		if err := r.Scan(asText(&s.Tenant), asDate(&s.First), asDate(&s.Latest)); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	return out, nil
}

// SnapshotTenants lists the tenants with a snapshot, by name.
func (w *Warehouse) SnapshotTenants(ctx context.Context) ([]string, error) {
	var out []string
	err := w.readRows(ctx, `SELECT DISTINCT tenant FROM snapshots ORDER BY tenant`, nil, func(r *sql.Rows) error {
		var t string
		if err := r.Scan(asText(&t)); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read tenants: %w", err)
	}
	return out, nil
}

// SummaryKPI is one row of mart_summary_kpis: one tenant's headline
// figures in one currency ("" for the SKUs without a price). Unknown
// amounts are 0; Unpriced says that neither reclaimable amount is known.
type SummaryKPI struct {
	Tenant, Currency                                      string
	AsOf                                                  time.Time
	SeatsPurchased, SeatsConsumed, SeatsUnused            int64
	IdleLicences                                          int64
	UnusedAnnualCost, ReassignableNow, ReducibleAtRenewal float64
	Unpriced                                              bool
}

// SummaryKPIs reads mart_summary_kpis by tenant, then currency (the
// unpriced ” last).
func (w *Warehouse) SummaryKPIs(ctx context.Context) ([]SummaryKPI, error) {
	var out []SummaryKPI
	err := w.readRows(ctx, `SELECT tenant, currency, as_of, seats_purchased, seats_consumed, seats_unused,
		idle_licences, unused_annual_cost, reassignable_now, reducible_at_renewal,
		reassignable_now IS NULL AND reducible_at_renewal IS NULL
		FROM mart_summary_kpis ORDER BY tenant, currency = '', currency`, nil, func(r *sql.Rows) error {
		var k SummaryKPI
		if err := r.Scan(asText(&k.Tenant), asText(&k.Currency), asDate(&k.AsOf),
			asInt(&k.SeatsPurchased), asInt(&k.SeatsConsumed), asInt(&k.SeatsUnused), asInt(&k.IdleLicences),
			asMoney(&k.UnusedAnnualCost), asMoney(&k.ReassignableNow), asMoney(&k.ReducibleAtRenewal),
			&k.Unpriced); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read mart_summary_kpis: %w", err)
	}
	return out, nil
}

// Units are licence units of a SKU, or of all SKUs on a day.
type Units struct {
	Purchased, Consumed, Idle int64
}

// SKUUnits are one SKU's units.
type SKUUnits struct {
	SKU string
	Units
}

// SKUUtilisation sums the units of each SKU over the tenants' latest
// snapshots, ignored SKUs left out, the most purchased first.
func (w *Warehouse) SKUUtilisation(ctx context.Context) ([]SKUUnits, error) {
	var out []SKUUnits
	err := w.readRows(ctx, `SELECT u.sku_part_number, sum(u.active_units), sum(u.consumed_units), sum(u.idle_units)
		FROM mart_utilization_history u JOIN (`+latestSnapshots+`) USING (tenant, snapshot_date)
		WHERE u.sku_part_number NOT IN (SELECT sku_part_number FROM param_ignore_skus)
		GROUP BY ALL ORDER BY 2 DESC, 1`, nil, func(r *sql.Rows) error {
		var s SKUUnits
		if err := r.Scan(asText(&s.SKU), asInt(&s.Purchased), asInt(&s.Consumed), asInt(&s.Idle)); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read utilisation: %w", err)
	}
	return out, nil
}

// DayUnits are the units of all SKUs and tenants on one snapshot day.
type DayUnits struct {
	Date time.Time
	Units
}

// UtilisationTrend sums the units of every snapshot day, ignored SKUs left
// out, oldest first.
func (w *Warehouse) UtilisationTrend(ctx context.Context) ([]DayUnits, error) {
	var out []DayUnits
	err := w.readRows(ctx, `SELECT snapshot_date, sum(active_units), sum(consumed_units), sum(idle_units)
		FROM mart_utilization_history
		WHERE sku_part_number NOT IN (SELECT sku_part_number FROM param_ignore_skus)
		GROUP BY ALL ORDER BY 1`, nil, func(r *sql.Rows) error {
		var d DayUnits
		if err := r.Scan(asDate(&d.Date), asInt(&d.Purchased), asInt(&d.Consumed), asInt(&d.Idle)); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read utilisation trend: %w", err)
	}
	return out, nil
}

// SKUCost is the annual cost of one SKU's idle and unused licences in one
// currency.
type SKUCost struct {
	SKU, Currency string
	AnnualCost    float64
}

// IdleCosts reads mart_summary_idle_cost by currency, the dearest first.
func (w *Warehouse) IdleCosts(ctx context.Context) ([]SKUCost, error) {
	var out []SKUCost
	err := w.readRows(ctx, `SELECT sku_part_number, currency, annual_cost FROM mart_summary_idle_cost
		ORDER BY currency, annual_cost DESC, sku_part_number`, nil, func(r *sql.Rows) error {
		var c SKUCost
		if err := r.Scan(asText(&c.SKU), asText(&c.Currency), asMoney(&c.AnnualCost)); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read mart_summary_idle_cost: %w", err)
	}
	return out, nil
}

// TenantTotals are the totals of a tenant's latest snapshot that a run
// prints: users and SKUs valid on its day, and its seats.
type TenantTotals struct {
	Tenant                            string
	Users, SKUs                       int64
	Purchased, Consumed, Unused, Idle int64
}

// RunTotals totals the latest snapshot of every tenant, by tenant: users
// and SKUs from the raw versions valid on its day (the raw_ views would
// expand every night first), seats from mart_summary_kpis (ignored free
// and viral SKUs left out, suspended units not counted as purchased).
func (w *Warehouse) RunTotals(ctx context.Context) ([]TenantTotals, error) {
	var out []TenantTotals
	err := w.readRows(ctx, `
WITH latest AS (`+latestSnapshots+`
), seats AS (
    SELECT tenant, sum(seats_purchased) AS purchased, sum(seats_consumed) AS consumed,
        sum(seats_unused) AS unused, sum(idle_licences) AS idle
    FROM mart_summary_kpis GROUP BY tenant
)
SELECT l.tenant,
    (SELECT count(*) FROM raw_users_versions u WHERE u.tenant = l.tenant AND u.valid_from <= l.snapshot_date
        AND (u.valid_to IS NULL OR u.valid_to > l.snapshot_date)) AS users,
    (SELECT count(*) FROM raw_subscribed_skus_versions s WHERE s.tenant = l.tenant AND s.valid_from <= l.snapshot_date
        AND (s.valid_to IS NULL OR s.valid_to > l.snapshot_date)) AS skus,
    coalesce(s.purchased, 0), coalesce(s.consumed, 0), coalesce(s.unused, 0), coalesce(s.idle, 0)
FROM latest l LEFT JOIN seats s USING (tenant) ORDER BY l.tenant`, nil, func(r *sql.Rows) error {
		var t TenantTotals
		if err := r.Scan(asText(&t.Tenant), asInt(&t.Users), asInt(&t.SKUs),
			asInt(&t.Purchased), asInt(&t.Consumed), asInt(&t.Unused), asInt(&t.Idle)); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read run totals: %w", err)
	}
	return out, nil
}

// reportMarts are the marts ScanMart streams, in the workbook's order.
var reportMarts = func() []mart {
	var out []mart
	for _, m := range marts {
		if m.sheet > 0 {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b mart) int { return a.sheet - b.sheet })
	return out
}()

// ReportMarts names the marts whose rows ScanMart streams, in the order
// of the workbook's sheets.
func ReportMarts() []string {
	out := make([]string, len(reportMarts))
	for i, m := range reportMarts {
		out[i] = m.latest
	}
	return out
}

// reportMart returns the ordered query of the sheet of a mart of
// ReportMarts: the mart's columns as they are, or for a mart of
// sheetSelects its readable columns first; any other name is an error.
func (w *Warehouse) reportMart(ctx context.Context, name string) (string, error) {
	i := slices.IndexFunc(reportMarts, func(m mart) bool { return m.latest == name })
	if i < 0 || !slices.ContainsFunc(marts, func(m mart) bool { return m.latest == name }) {
		return "", fmt.Errorf("mart %q: not one of the marts a report shows %v", name, ReportMarts())
	}
	from := name
	if sheet, ok := sheetSelects[name]; ok {
		q, err := w.sheetSelect(ctx, sheet)
		if err != nil {
			return "", fmt.Errorf("sheet of %s: %w", name, err)
		}
		from = "(" + q + ")"
	}
	return "SELECT * FROM " + from + " ORDER BY " + reportMarts[i].order, nil
}

// MartShape is what a mart's sheet needs before its rows: its columns and
// its exact row count.
type MartShape struct {
	Columns []string
	Rows    int
}

// MartShape reads the columns of the sheet of one of ReportMarts (the
// mart's own, or for the candidates and rightsizing marts, the readable
// columns first and then the mart's: see sheetSelects) and its row count,
// the mart's.
func (w *Warehouse) MartShape(ctx context.Context, name string) (MartShape, error) {
	query, err := w.reportMart(ctx, name)
	if err != nil {
		return MartShape{}, err
	}
	rows, err := w.db.QueryContext(ctx, "SELECT * FROM ("+query+") LIMIT 0")
	if err != nil {
		return MartShape{}, fmt.Errorf("columns of %s: %w", name, confined(err))
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return MartShape{}, fmt.Errorf("columns of %s: %w", name, err)
	}
	s := MartShape{Columns: cols}
	if err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM "+name).Scan(&s.Rows); err != nil {
		return MartShape{}, fmt.Errorf("count %s: %w", name, confined(err))
	}
	return s, nil
}

// ScanMart streams the rows of the sheet of one of ReportMarts in the
// mart's declared order, its columns those MartShape lists, calling row
// for each without holding the result. vals is new for every row and
// holds the plain Go types stream documents. An error from row stops the
// scan and is returned wrapped.
func (w *Warehouse) ScanMart(ctx context.Context, name string, row func(vals []any) error) error {
	query, err := w.reportMart(ctx, name)
	if err != nil {
		return err
	}
	return w.scanQuery(ctx, name, query, nil, row)
}

// scanQuery streams the rows of one of this package's report queries
// (named name in errors) as ScanMart documents.
func (w *Warehouse) scanQuery(ctx context.Context, name, query string, args []any, row func(vals []any) error) error {
	rows, err := w.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("scan %s: %w", name, confined(err))
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return fmt.Errorf("scan %s: column types: %w", name, err)
	}
	dbTypes := make([]string, len(types))
	for i, t := range types {
		dbTypes[i] = t.DatabaseTypeName()
	}
	ptrs := make([]any, len(types))
	n := 0
	for rows.Next() {
		n++
		vals := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("scan %s row %d: %w", name, n, err)
		}
		for i, v := range vals {
			vals[i] = plain(v, dbTypes[i])
		}
		if err := row(vals); err != nil {
			return fmt.Errorf("scan %s row %d: %w", name, n, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan %s after row %d: %w", name, n, confined(err))
	}
	return nil
}

// readRows runs one of this package's typed reads (SQL of its own, never
// a user's) and calls scan for each row.
func (w *Warehouse) readRows(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := w.db.QueryContext(ctx, query, args...)
	if err != nil {
		return confined(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return confined(rows.Err())
}

// The scanners below read a column into a typed field whatever numeric
// type DuckDB gives it (sums of integers are HUGEINT, amounts DECIMAL);
// NULL reads as the zero value.

type scanFunc func(src any) error

func (f scanFunc) Scan(src any) error { return f(src) }

func asText(p *string) sql.Scanner {
	return scanFunc(func(src any) error {
		*p = ""
		if src != nil {
			*p = fmt.Sprint(plain(src, ""))
		}
		return nil
	})
}

func asDate(p *time.Time) sql.Scanner {
	return scanFunc(func(src any) error {
		*p, _ = src.(time.Time)
		return nil
	})
}

func asInt(p *int64) sql.Scanner {
	return scanFunc(func(src any) error {
		*p = toInt(plain(src, ""))
		return nil
	})
}

func asMoney(p *float64) sql.Scanner {
	return scanFunc(func(src any) error {
		*p = toMoney(plain(src, ""))
		return nil
	})
}

// toInt converts a SQL integer or sum (HUGEINT sums arrive as *big.Int,
// DECIMAL as float64 once plain) to int64; NULL is 0.
func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case interface{ Int64() int64 }:
		return x.Int64()
	}
	return 0
}

// toMoney converts a SQL amount to float64; NULL is 0.
func toMoney(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return float64(toInt(v))
}
