// Package metrics holds seatledger's Prometheus metrics: the licence
// series of the README's metrics table, read from the latest snapshot of each tenant and
// served from memory between runs (Warehouse), and the job's own metrics:
// runs, stages, Graph requests (Job).
//
// Nothing here registers itself globally: package serve builds the
// registry and passes it in. Labels carry tenant names, SKU part numbers,
// reasons, rightsizing rules, currencies, Graph endpoint names and status
// codes: never a user name or id.
package metrics

import (
	"time"

	"github.com/seatledger/seatledger/load"
)

// State is what the warehouse said at the last refresh: one entry per
// configured tenant, in configuration order.
type State struct {
	// ReadAt is when the warehouse was read.
	ReadAt  time.Time
	Tenants []Tenant
}

// Tenant is one tenant's latest snapshot, reduced to what the metrics
// show.
type Tenant struct {
	Name string
	// SKUs are the tenant's SKUs (ignored free and viral SKUs left out),
	// one per part number: a part number with two SKU ids is summed.
	SKUs []SKU
	// Idle counts reclamation candidates by SKU and first reason.
	Idle []Idle
	// Reclaimable is the annual savings of the candidates by currency
	// (candidates without a price are left out).
	Reclaimable map[string]float64
	// Realised is the realised annual savings of the reclaimed seats
	// (mart_reclaim_outcomes) by currency.
	Realised map[string]float64
	// Rightsizing is the annual saving of the rightsizing rows
	// (mart_rightsizing) by rule and currency, safe and review together
	// (rows without a price are left out), ordered by rule and currency.
	Rightsizing []Rightsizing
	// NextLifecycle is the earliest nextLifecycleDateTime of the SKU's
	// subscriptions that are not deleted, by SKU part number.
	NextLifecycle map[string]time.Time
	// Concealed is true when the latest snapshot's usage report conceals
	// user names.
	Concealed bool
	// HasSnapshot is false for a configured tenant without any snapshot.
	HasSnapshot bool
	// ReportRefreshDate is the newest usage report's Report Refresh Date
	// over all snapshots; zero when none was ever loaded.
	ReportRefreshDate time.Time
	// LastSuccess is when the last ok or degraded run ended; zero when
	// none did.
	LastSuccess time.Time
	// LastRun is the tenant's latest run in etl_runs; Status is empty when
	// there is none.
	LastRun Run
}

// SKU is one SKU part number's seats.
type SKU struct {
	PartNumber string
	// Units by prepaid state: enabled, warning, suspended, locked_out.
	Enabled, Warning, Suspended, LockedOut float64
	Consumed, Unused                       float64
	// Limit is the tenant's hard limit on consumed units; HasLimit is
	// false without one.
	Limit    float64
	HasLimit bool
}

// Idle is the number of candidates of one SKU with one first reason.
type Idle struct {
	SKU, Reason string
	Count       float64
}

// Rightsizing is the annual saving of one rightsizing rule in one
// currency.
type Rightsizing struct {
	Rule, Currency string
	AnnualSavings  float64
}

// Run is a tenant's latest run: its status and the rows it loaded.
type Run struct {
	Status     string
	FinishedAt time.Time
	// Rows loaded by dataset (users, licenses, skus, subscriptions,
	// groups, usage_report).
	Rows map[string]float64
}

// RunStatuses are the values of seatledger_last_run_status's status
// label, every one emitted (1 for the current status, 0 for the others).
var RunStatuses = []string{load.StatusRunning, load.StatusOK, load.StatusDegraded, load.StatusFailed, load.StatusAborted}
