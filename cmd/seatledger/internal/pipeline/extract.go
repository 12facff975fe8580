package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

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

// tenantOutcome is what extractTenant did: the snapshot (for its counts,
// also after a failure), whether the run was journaled as started, the
// optional datasets that failed, and the error when the tenant failed as
// a whole; then the snapshot was rolled back and nothing was written.
type tenantOutcome struct {
	snap     *load.Snapshot
	started  bool
	degraded []string
	err      error
}

// extractTenant writes one snapshot.
//
// The critical path is the users page chain (each page needs the previous
// page's nextLink), so everything else runs beside it: the run is
// journaled and the snapshot transaction begun while the first requests
// are in flight, the small datasets are fetched, and the usage report is
// streamed into the snapshot, while the users pages are. A required
// dataset failing (subscribedSkus, users) cancels the rest at once.
// release is called when the Graph work is over, before the commit.
func extractTenant(parent context.Context, w *load.Warehouse, t Tenant, run load.Run, opts Options, log *slog.Logger, release func()) tenantOutcome {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	start := time.Now()
	// The journal and the snapshot open on the caller's ctx: a Graph
	// failure that cancels the extraction must still be journaled.
	ls := openSnapshot(parent, w, run, cancel)
	defer func() {
		<-ls.ready
		if ls.snap != nil {
			_ = ls.snap.Rollback() // a no-op after Commit
		}
	}()
	smallDone := make(chan small, 1)
	go func() {
		sm := fetchSmall(ctx, t.Source)
		if sm.errs[DatasetSKUs] != nil {
			cancel()
		}
		smallDone <- sm
	}()
	reportDone := make(chan signalResult, 1)
	go func() {
		rows, err := extractReport(ctx, ls, t)
		reportDone <- signalResult{DatasetUsageReport, rows, err}
	}()
	signalsDone := make(chan []signalResult, 1)
	go func() { signalsDone <- extractSignals(ctx, w, ls, t, run) }()
	users, uerr := syncUsers(ctx, w, ls, t, run, opts)
	usersMS := time.Since(start).Milliseconds()
	if uerr != nil {
		cancel()
	}
	sm, rep, sig := <-smallDone, <-reportDone, <-signalsDone
	log.Debug("graph work done", "elapsed_ms", time.Since(start).Milliseconds(), "users_ms", usersMS)
	release()
	<-ls.ready
	out := tenantOutcome{snap: ls.snap, started: ls.started}
	var skuErr, ctxErr error
	if err := sm.errs[DatasetSKUs]; err != nil {
		skuErr = fmt.Errorf("extract subscribedSkus: %w", err)
	}
	if ctx.Err() != nil {
		ctxErr = fmt.Errorf("extract tenant: %w", ctx.Err())
	}
	if !ls.started {
		out.err = ls.err
		return out
	}
	// One failure cancels the others, which then fail with "context
	// canceled": report the first error that is not such an echo.
	if out.err = rootCause(skuErr, ls.err, uerr, ctxErr); out.err != nil {
		return out
	}
	out.degraded, out.err = finish(ls.snap, sm, users, append([]signalResult{rep}, sig...), log)
	return out
}

// finish writes the small datasets and every dataset's status (streamed
// are the usage report and the signal datasets), then commits the
// snapshot.
func finish(snap *load.Snapshot, sm small, users int64, streamed []signalResult, log *slog.Logger) ([]string, error) {
	degraded, err := writeSmall(snap, sm, users, log)
	if err != nil {
		return degraded, err
	}
	for _, r := range streamed {
		if err := recordOptional(snap, r.name, r.rows, r.err, &degraded, log); err != nil {
			return degraded, err
		}
	}
	status := StatusOK
	if len(degraded) > 0 {
		status = StatusDegraded
	}
	start := time.Now()
	if err := snap.Commit(status); err != nil {
		return degraded, fmt.Errorf("commit snapshot: %w", err)
	}
	log.Debug("snapshot committed", "commit_ms", time.Since(start).Milliseconds())
	return degraded, nil
}

// writeSmall appends the small datasets, once users are in, and records
// every dataset's status; it returns the optional datasets that failed.
func writeSmall(snap *load.Snapshot, sm small, users int64, log *slog.Logger) ([]string, error) {
	if err := snap.DatasetStatus(DatasetUsers, true, users, nil); err != nil {
		return nil, err
	}
	if err := snap.AppendSKUs(sm.skus); err != nil {
		return nil, fmt.Errorf("load subscribedSkus: %w", err)
	}
	if err := snap.DatasetStatus(DatasetSKUs, true, int64(len(sm.skus)), nil); err != nil {
		return nil, err
	}
	var degraded []string
	load := func(name string, rows int, write func() error) error {
		err := sm.errs[name]
		if err == nil {
			if werr := write(); werr != nil {
				return fmt.Errorf("load %s: %w", name, werr)
			}
		}
		return recordOptional(snap, name, int64(rows), err, &degraded, log)
	}
	err := errors.Join(
		load(DatasetSubscriptions, len(sm.subs), func() error { return snap.AppendSubscriptions(sm.subs) }),
		load(DatasetReportSettings, 1, func() error { return snap.SetReportSettings(sm.settings) }),
		load(DatasetGroups, len(sm.groups), func() error { return snap.AppendGroups(sm.groups) }),
	)
	return degraded, err
}

// recordOptional records an optional dataset's status; a failed one is
// added to degraded and its rows (if any were appended) are discarded. A
// sign-in dataset refused for want of a permission or of Entra ID P1/P2
// is not a failure (PRODUCT.md): the tenant cannot have it, and
// mart_findings says so.
func recordOptional(snap *load.Snapshot, name string, rows int64, err error, degraded *[]string, log *slog.Logger) error {
	switch {
	case err == nil:
	case extract.IsSignIn(name) && errors.Is(err, extract.ErrForbidden):
		log.Info("sign-in data not available to this app or tenant", "dataset", name, "err", err)
	default:
		*degraded = append(*degraded, name)
		log.Warn("optional dataset failed", "dataset", name, "err", err)
	}
	return snap.DatasetStatus(name, err == nil, rows, err)
}

func extractUsers(ctx context.Context, ls *lockedSnapshot, t Tenant, opts Options) (int64, error) {
	var n int64
	page := 0
	err := t.Source.Users(ctx, func(users []extract.User) error {
		page++
		if err := ls.appendUsers(ctx, users); err != nil {
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
// appended so far are discarded (DatasetStatus) so that no partial report
// is kept.
func extractReport(ctx context.Context, ls *lockedSnapshot, t Tenant) (int64, error) {
	period := t.ReportPeriod
	if period == "" {
		period = "D7"
	}
	n, err := streamRows(ctx, ls, func(row func(extract.ActivityRow) error) error {
		return t.Source.ActivityReport(ctx, period, row)
	}, func(s *load.Snapshot, r extract.ActivityRow) error { return s.AppendActivity(period, r) })
	if err != nil {
		return n, fmt.Errorf("extract usage report: %w", err)
	}
	return n, nil
}

// rootCause returns the first of errs that is not merely the cancellation
// caused by another failure, else the first non-nil one.
func rootCause(errs ...error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
