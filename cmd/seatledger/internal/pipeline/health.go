package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatledger/seatledger/load"
	xform "github.com/seatledger/seatledger/transform"
)

// Degradations found by the transforms, reported in Result.Degraded.
const (
	DegradedConcealed     = "usage_report_concealed"
	DegradedReportMissing = "usage_report_missing"
)

type health struct{ concealed, missing bool }

// checkHealth marks a tenant's fresh snapshot degraded when the
// transforms found its usage report concealed or missing: reclamation
// candidates of such a snapshot cannot be trusted (PRODUCT.md).
func checkHealth(ctx context.Context, w *load.Warehouse, results []Result, opts Options) error {
	byDate := map[time.Time]map[string]health{}
	var errs []error
	for i := range results {
		r := &results[i]
		if r.Err != nil || r.Status == StatusFailed {
			continue
		}
		if _, ok := byDate[r.SnapshotDate]; !ok {
			h, err := readHealth(ctx, w, r.SnapshotDate)
			if err != nil {
				return err
			}
			byDate[r.SnapshotDate] = h
		}
		if err := markDegraded(ctx, w, r, byDate[r.SnapshotDate][r.Tenant], opts); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func readHealth(ctx context.Context, w *load.Warehouse, date time.Time) (map[string]health, error) {
	rows, err := w.DB().QueryContext(ctx, xform.SnapshotHealthQuery, date)
	if err != nil {
		return nil, fmt.Errorf("check snapshot health of %s: %w", date.Format(time.DateOnly), err)
	}
	defer rows.Close()
	out := map[string]health{}
	for rows.Next() {
		var tenant string
		var h health
		if err := rows.Scan(&tenant, &h.concealed, &h.missing); err != nil {
			return nil, fmt.Errorf("check snapshot health of %s: %w", date.Format(time.DateOnly), err)
		}
		out[tenant] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check snapshot health of %s: %w", date.Format(time.DateOnly), err)
	}
	return out, nil
}

func markDegraded(ctx context.Context, w *load.Warehouse, r *Result, h health, opts Options) error {
	var why []string
	if h.concealed {
		why = append(why, DegradedConcealed)
	}
	if h.missing && !slices.Contains(r.Degraded, DatasetUsageReport) {
		why = append(why, DegradedReportMissing)
	}
	if len(why) == 0 {
		return nil
	}
	run := load.Run{ID: r.RunID, Tenant: r.Tenant, SnapshotDate: r.SnapshotDate}
	if err := w.MarkDegraded(ctx, run, strings.Join(why, ", ")); err != nil {
		return fmt.Errorf("tenant %s: %w", r.Tenant, err)
	}
	r.Status, r.Degraded = StatusDegraded, append(r.Degraded, why...)
	opts.Logger.Warn("snapshot degraded", "tenant", r.Tenant, "run_id", r.RunID, "why", why)
	return nil
}
