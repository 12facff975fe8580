package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// signalPeriods are the report periods read: Copilot over D90 (its
// per-app dates are all-time anyway), Apps over D180 (the desktop-use
// window of no_desktop_apps), mailboxes over D7 (storage is a snapshot).
const (
	copilotPeriod = "D90"
	appsPeriod    = "D180"
	mailboxPeriod = "D7"
)

// signalResult is how one streamed dataset (the usage report or a signal
// dataset) went.
type signalResult struct {
	name string
	rows int64
	err  error
}

// extractSignals streams the tenant's usage-signal datasets (t.Signals, of
// extract.SignalDatasets; PRODUCT.md, "Further usage signals and
// rightsizing") into the snapshot, each on its own goroutine beside the
// users chain, and returns their results in the order of t.Signals. Each
// is optional: its failure degrades the snapshot, as the usage report's
// does. A source that reads no signals fails each one.
func extractSignals(ctx context.Context, ls *lockedSnapshot, t Tenant) []signalResult {
	out := make([]signalResult, len(t.Signals))
	var wg sync.WaitGroup
	for i, name := range t.Signals {
		wg.Go(func() {
			out[i] = signalResult{name: name}
			src, ok := t.Source.(extract.SignalSource)
			if !ok {
				out[i].err = fmt.Errorf("extract %s: the source reads no usage signals", name)
				return
			}
			out[i].rows, out[i].err = readSignal(ctx, ls, src, name)
		})
	}
	wg.Wait()
	return out
}

// readSignal streams one signal dataset into the snapshot.
func readSignal(ctx context.Context, ls *lockedSnapshot, src extract.SignalSource, name string) (int64, error) {
	var n int64
	var err error
	switch name {
	case extract.SignalCopilotUsage:
		n, err = streamRows(ctx, ls, func(row func(extract.CopilotUsageRow) error) error {
			return src.CopilotUsage(ctx, copilotPeriod, row)
		}, func(s *load.Snapshot, r extract.CopilotUsageRow) error { return s.AppendCopilotUsage(copilotPeriod, r) })
	case extract.SignalAppsUsage:
		n, err = streamRows(ctx, ls, func(row func(extract.AppsUsageRow) error) error {
			return src.AppsUsage(ctx, appsPeriod, row)
		}, func(s *load.Snapshot, r extract.AppsUsageRow) error { return s.AppendAppsUsage(appsPeriod, r) })
	case extract.SignalActivations:
		n, err = streamRows(ctx, ls, func(row func(extract.ActivationRow) error) error {
			return src.Activations(ctx, row)
		}, (*load.Snapshot).AppendActivation)
	case extract.SignalMailboxUsage:
		n, err = streamRows(ctx, ls, func(row func(extract.MailboxUsageRow) error) error {
			return src.MailboxUsage(ctx, mailboxPeriod, row)
		}, func(s *load.Snapshot, r extract.MailboxUsageRow) error { return s.AppendMailboxUsage(mailboxPeriod, r) })
	default:
		return 0, fmt.Errorf("unknown signal dataset %q", name)
	}
	if err != nil {
		return n, fmt.Errorf("extract %s: %w", name, err)
	}
	return n, nil
}

// reportBatch is how many report rows are appended per lock of the
// snapshot, so that the reports and the users pages interleave cheaply.
const reportBatch = 1024

// streamRows reads a report row by row and appends the rows to the
// snapshot in batches of reportBatch, each under the snapshot's lock. It
// returns the rows read.
func streamRows[R any](ctx context.Context, ls *lockedSnapshot, read func(func(R) error) error, add func(*load.Snapshot, R) error) (int64, error) {
	var n int64
	batch := make([]R, 0, reportBatch)
	flush := func() error {
		err := ls.with(ctx, func(s *load.Snapshot) error {
			for _, r := range batch {
				if err := add(s, r); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	err := read(func(r R) error {
		n++
		if batch = append(batch, r); len(batch) < reportBatch {
			return nil
		}
		return flush()
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return n, err
}
