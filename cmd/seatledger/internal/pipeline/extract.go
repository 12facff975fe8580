package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// Dataset names, as recorded in raw_dataset_status.
const (
	DatasetUsers          = "users"
	DatasetSKUs           = "subscribed_skus"
	DatasetSubscriptions  = "subscriptions"
	DatasetReportSettings = "report_settings"
	DatasetGroups         = "groups"
	DatasetUsageReport    = "usage_report"
)

// extractTenant writes one snapshot. It returns the snapshot (for its
// counts, also after a failure), the optional datasets that failed, and an
// error when the tenant failed as a whole; then nothing was written.
func extractTenant(ctx context.Context, w *load.Warehouse, t Tenant, run load.Run, opts Options, log *slog.Logger) (*load.Snapshot, []string, error) {
	sm := fetchSmall(ctx, t.Source)
	if err := sm.errs[DatasetSKUs]; err != nil {
		return nil, nil, fmt.Errorf("extract subscribedSkus: %w", err)
	}
	snap, err := w.BeginSnapshot(ctx, t.Name, run.SnapshotDate, run.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("begin snapshot: %w", err)
	}
	defer snap.Rollback() //nolint:errcheck // a no-op after Commit
	var degraded []string
	optional := func(name string, rows int, err error, write func() error) error {
		if err == nil {
			err = write()
			if err != nil {
				return fmt.Errorf("load %s: %w", name, err)
			}
		} else {
			degraded = append(degraded, name)
			log.Warn("optional dataset failed", "dataset", name, "err", err)
		}
		return snap.DatasetStatus(name, err == nil, int64(rows), err)
	}
	if err := snap.AppendSKUs(sm.skus); err != nil {
		return snap, nil, fmt.Errorf("load subscribedSkus: %w", err)
	}
	if err := snap.DatasetStatus(DatasetSKUs, true, int64(len(sm.skus)), nil); err != nil {
		return snap, nil, err
	}
	steps := []error{
		optional(DatasetSubscriptions, len(sm.subs), sm.errs[DatasetSubscriptions], func() error { return snap.AppendSubscriptions(sm.subs) }),
		optional(DatasetReportSettings, 1, sm.errs[DatasetReportSettings], func() error { return snap.SetReportSettings(sm.settings) }),
		optional(DatasetGroups, len(sm.groups), sm.errs[DatasetGroups], func() error { return snap.AppendGroups(sm.groups) }),
	}
	if err := errors.Join(steps...); err != nil {
		return snap, degraded, err
	}
	users, err := extractUsers(ctx, snap, t, opts)
	if err != nil {
		return snap, degraded, err
	}
	if err := snap.DatasetStatus(DatasetUsers, true, users, nil); err != nil {
		return snap, degraded, err
	}
	rows, rerr := extractReport(ctx, snap, t)
	if ctx.Err() != nil {
		return snap, degraded, fmt.Errorf("extract usage report: %w", ctx.Err())
	}
	if err := optional(DatasetUsageReport, int(rows), rerr, func() error { return nil }); err != nil {
		return snap, degraded, err
	}
	status := StatusOK
	if len(degraded) > 0 {
		status = StatusDegraded
	}
	if err := snap.Commit(status); err != nil {
		return snap, degraded, fmt.Errorf("commit snapshot: %w", err)
	}
	return snap, degraded, nil
}

func extractUsers(ctx context.Context, snap *load.Snapshot, t Tenant, opts Options) (int64, error) {
	var n int64
	page := 0
	err := t.Source.Users(ctx, func(users []extract.User) error {
		page++
		if err := snap.AppendUsers(users); err != nil {
			return fmt.Errorf("load users page %d: %w", page, err)
		}
		n += int64(len(users))
		opts.Logger.Debug("users page loaded", "tenant", t.Name, "page", page, "users", n)
		if opts.Progress != nil {
			opts.Progress(t.Name, n)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("extract users: %w", err)
	}
	return n, nil
}

// extractReport streams the usage report into the snapshot. A failure part
// way through is a failure of the whole (optional) dataset: the rows
// appended so far are discarded by load so that no partial report is kept.
func extractReport(ctx context.Context, snap *load.Snapshot, t Tenant) (int64, error) {
	period := t.ReportPeriod
	if period == "" {
		period = "D7"
	}
	var n int64
	err := t.Source.ActivityReport(ctx, period, func(row extract.ActivityRow) error {
		n++
		return snap.AppendActivity(period, row)
	})
	if err != nil {
		return n, fmt.Errorf("extract usage report: %w", err)
	}
	return n, nil
}
