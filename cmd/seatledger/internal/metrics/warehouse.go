package metrics

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/seatledger/seatledger/load"
)

// Warehouse is a prometheus.Collector of the licence series of the README's metrics table
// ("Metrics"). It serves the State last set, so a scrape never touches the
// warehouse: the file stays free for readers and for the next run. A SKU or
// tenant gone from the latest snapshot disappears from the output.
type Warehouse struct {
	state atomic.Pointer[State]
	now   func() time.Time
	descs warehouseDescs
}

type warehouseDescs struct {
	units, consumed, unused, limit, idle, reclaimable, realised, rightsizing, lifecycle *prometheus.Desc
	concealed, reportAge, lastSuccess, lastRunStatus                                    *prometheus.Desc
	rows, hasSnapshot, refreshed                                                        *prometheus.Desc
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("seatledger_"+name, help, labels, nil)
}

// NewWarehouse returns a collector with an empty state; now is the clock
// of seatledger_usage_report_age_days (computed at scrape time, so that it
// keeps growing when runs stop).
func NewWarehouse(now func() time.Time) *Warehouse {
	w := &Warehouse{now: now, descs: warehouseDescs{
		units:       desc("sku_units", "Prepaid seats of a SKU by state (enabled, warning, suspended, locked_out), latest snapshot.", "tenant", "sku", "state"),
		consumed:    desc("sku_consumed_units", "Seats of a SKU assigned to users, latest snapshot.", "tenant", "sku"),
		unused:      desc("sku_unused_units", "Active seats of a SKU not assigned: max(enabled + warning - consumed, 0), or 0 for a suspended SKU.", "tenant", "sku"),
		limit:       desc("sku_limit_units", "The tenant's hard limit on consumed seats of a SKU (tenants[].limits), latest snapshot; absent without one.", "tenant", "sku"),
		idle:        desc("idle_licenses", "Reclamation candidates by SKU and first reason, latest snapshot.", "tenant", "sku", "reason"),
		reclaimable: desc("reclaimable_annual_cost", "Annual cost of the reclamation candidates, by currency.", "tenant", "currency"),
		realised:    desc("realised_annual_savings", "Annual savings realised by reclaimed seats (cut at renewal or reused by others), latest snapshot, by currency.", "tenant", "currency"),
		rightsizing: desc("rightsizing_annual_savings", "Annual savings of the rightsizing rows (seats that could be a cheaper SKU, or none), safe and review together, latest snapshot, by rule and currency; rows without a price left out.",
			"tenant", "rule", "currency"),
		lifecycle:   desc("subscription_next_lifecycle_timestamp_seconds", "Earliest nextLifecycleDateTime (renewal or expiry) of a SKU's subscriptions, Unix time.", "tenant", "sku"),
		concealed:   desc("usage_report_concealed", "1 when the latest usage report conceals user names: activity rules are off.", "tenant"),
		reportAge:   desc("usage_report_age_days", "Whole days from the newest usage report's Report Refresh Date to now (UTC).", "tenant"),
		lastSuccess: desc("last_success_timestamp_seconds", "End of the tenant's last ok or degraded run, Unix time; 0 when none succeeded.", "tenant"),
		lastRunStatus: desc("last_run_status", "1 for the status of the tenant's latest run (running, ok, degraded, failed, aborted), 0 for the others.",
			"tenant", "status"),
		rows:        desc("rows_loaded", "Rows the tenant's latest run loaded, by dataset.", "tenant", "dataset"),
		hasSnapshot: desc("snapshot_present", "1 when the warehouse holds a snapshot of the tenant.", "tenant"),
		refreshed:   desc("metrics_refresh_timestamp_seconds", "When these series were last read from the warehouse, Unix time; 0 before the first read."),
	}}
	w.state.Store(&State{})
	return w
}

// Set replaces the state served; a nil state is ignored.
func (w *Warehouse) Set(s *State) {
	if s != nil {
		w.state.Store(s)
	}
}

// State returns the state being served.
func (w *Warehouse) State() *State { return w.state.Load() }

// Describe implements prometheus.Collector.
func (w *Warehouse) Describe(ch chan<- *prometheus.Desc) {
	d := w.descs
	for _, x := range []*prometheus.Desc{d.units, d.consumed, d.unused, d.limit, d.idle, d.reclaimable, d.realised, d.rightsizing, d.lifecycle,
		d.concealed, d.reportAge, d.lastSuccess, d.lastRunStatus, d.rows, d.hasSnapshot, d.refreshed} {
		ch <- x
	}
}

// Collect implements prometheus.Collector.
func (w *Warehouse) Collect(ch chan<- prometheus.Metric) {
	s := w.state.Load()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(w.descs.refreshed, unix(s.ReadAt))
	now := w.now()
	for _, t := range s.Tenants {
		w.collectTenant(gauge, t, now)
	}
}

func (w *Warehouse) collectTenant(gauge func(*prometheus.Desc, float64, ...string), t Tenant, now time.Time) {
	d := w.descs
	gauge(d.hasSnapshot, b2f(t.HasSnapshot), t.Name)
	gauge(d.lastSuccess, unix(t.LastSuccess), t.Name)
	if t.LastRun.Status != "" {
		for _, st := range RunStatuses {
			gauge(d.lastRunStatus, b2f(st == t.LastRun.Status), t.Name, st)
		}
		for _, ds := range datasets {
			gauge(d.rows, t.LastRun.Rows[ds.label], t.Name, ds.label)
		}
	}
	if !t.HasSnapshot {
		return
	}
	gauge(d.concealed, b2f(t.Concealed), t.Name)
	if !t.ReportRefreshDate.IsZero() {
		gauge(d.reportAge, ageDays(t.ReportRefreshDate, now), t.Name)
	}
	for _, k := range t.SKUs {
		for _, u := range []struct {
			state string
			v     float64
		}{{"enabled", k.Enabled}, {"warning", k.Warning}, {"suspended", k.Suspended}, {"locked_out", k.LockedOut}} {
			gauge(d.units, u.v, t.Name, k.PartNumber, u.state)
		}
		gauge(d.consumed, k.Consumed, t.Name, k.PartNumber)
		gauge(d.unused, k.Unused, t.Name, k.PartNumber)
		if k.HasLimit {
			gauge(d.limit, k.Limit, t.Name, k.PartNumber)
		}
	}
	for _, i := range t.Idle {
		gauge(d.idle, i.Count, t.Name, i.SKU, i.Reason)
	}
	for cur, v := range t.Reclaimable {
		gauge(d.reclaimable, v, t.Name, cur)
	}
	for cur, v := range t.Realised {
		gauge(d.realised, v, t.Name, cur)
	}
	for _, r := range t.Rightsizing {
		gauge(d.rightsizing, r.AnnualSavings, t.Name, r.Rule, r.Currency)
	}
	for sku, at := range t.NextLifecycle {
		gauge(d.lifecycle, unix(at), t.Name, sku)
	}
}

// datasets are the rows_loaded dataset labels, the keys of Run.Rows, each
// with the journal's count of rows it shows.
var datasets = []struct {
	label string
	rows  func(load.Run) int64
}{
	{"users", func(r load.Run) int64 { return r.Users }},
	{"licenses", func(r load.Run) int64 { return r.Licenses }},
	{"skus", func(r load.Run) int64 { return r.SKUs }},
	{"subscriptions", func(r load.Run) int64 { return r.Subscriptions }},
	{"groups", func(r load.Run) int64 { return r.Groups }},
	{"usage_report", func(r load.Run) int64 { return r.ReportRows }},
}

// ageDays counts whole UTC calendar days from date to now, as the README's metrics table
// counts every age.
func ageDays(date, now time.Time) float64 {
	y, m, d := date.UTC().Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = now.UTC().Date()
	to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return math.Round(to.Sub(from).Hours() / 24)
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1000
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
