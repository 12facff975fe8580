package metrics

import (
	"context"
	"time"

	"github.com/seatledger/seatledger/load"
)

// Read reads the latest snapshot of each tenant in tenants (the
// configured ones, in order: tenants in the warehouse but no longer
// configured are left out) from w, a read-only warehouse. A nil w (no
// warehouse file yet) gives every tenant without a snapshot or run.
func Read(ctx context.Context, w *load.Warehouse, tenants []string, now time.Time) (*State, error) {
	st := &State{ReadAt: now}
	idx := map[string]*Tenant{}
	st.Tenants = make([]Tenant, len(tenants))
	for i, name := range tenants {
		st.Tenants[i] = Tenant{Name: name, Reclaimable: map[string]float64{}, Realised: map[string]float64{}, NextLifecycle: map[string]time.Time{}}
		idx[name] = &st.Tenants[i]
	}
	if w == nil {
		return st, nil
	}
	for _, read := range []func() error{
		func() error {
			return fill(ctx, idx, w.LatestSeats, func(r load.SKUSeats) string { return r.Tenant }, func(t *Tenant, r load.SKUSeats) {
				k := SKU{
					PartNumber: r.PartNumber,
					Enabled:    float64(r.Enabled), Warning: float64(r.Warning), Suspended: float64(r.Suspended), LockedOut: float64(r.LockedOut),
					Consumed: float64(r.Consumed), Unused: float64(r.Unused),
				}
				if r.Limit != nil {
					k.Limit, k.HasLimit = float64(*r.Limit), true
				}
				t.SKUs = append(t.SKUs, k)
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestIdle, func(r load.IdleCount) string { return r.Tenant }, func(t *Tenant, r load.IdleCount) {
				t.Idle = append(t.Idle, Idle{SKU: r.SKU, Reason: r.Reason, Count: float64(r.Count)})
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestReclaimable, func(r load.ReclaimableCost) string { return r.Tenant }, func(t *Tenant, r load.ReclaimableCost) {
				t.Reclaimable[r.Currency] = r.AnnualSavings
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestRealised, func(r load.ReclaimableCost) string { return r.Tenant }, func(t *Tenant, r load.ReclaimableCost) {
				t.Realised[r.Currency] = r.AnnualSavings
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestRightsizing, func(r load.RightsizingSavings) string { return r.Tenant }, func(t *Tenant, r load.RightsizingSavings) {
				t.Rightsizing = append(t.Rightsizing, Rightsizing{Rule: r.Rule, Currency: r.Currency, AnnualSavings: r.AnnualSavings})
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestNextLifecycles, func(r load.NextLifecycle) string { return r.Tenant }, func(t *Tenant, r load.NextLifecycle) {
				t.NextLifecycle[r.SKU] = r.At
			})
		},
		func() error {
			return fill(ctx, idx, w.ReportStates, func(r load.ReportState) string { return r.Tenant }, func(t *Tenant, r load.ReportState) {
				t.HasSnapshot, t.Concealed, t.ReportRefreshDate = true, r.Concealed, r.RefreshDate
			})
		},
		func() error {
			return fill(ctx, idx, w.LastSuccesses, func(r load.LastSuccess) string { return r.Tenant }, func(t *Tenant, r load.LastSuccess) {
				t.LastSuccess = r.FinishedAt
			})
		},
		func() error {
			return fill(ctx, idx, w.LatestRuns, func(r load.Run) string { return r.Tenant }, func(t *Tenant, r load.Run) {
				t.LastRun = lastRun(r)
			})
		},
	} {
		if err := read(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// fill reads rows with read and hands each row of a configured tenant
// (named by tenant) to add; rows of other tenants are skipped.
func fill[R any](ctx context.Context, idx map[string]*Tenant, read func(context.Context) ([]R, error),
	tenant func(R) string, add func(*Tenant, R)) error {
	rows, err := read(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if t := idx[tenant(r)]; t != nil {
			add(t, r)
		}
	}
	return nil
}

// lastRun is a journal row reduced to what the metrics show.
func lastRun(r load.Run) Run {
	run := Run{Status: r.Status, FinishedAt: r.FinishedAt, Rows: make(map[string]float64, len(datasets))}
	for _, ds := range datasets {
		run.Rows[ds.label] = float64(ds.rows(r))
	}
	return run
}
