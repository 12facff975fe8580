package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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
func extractSignals(ctx context.Context, w *load.Warehouse, ls *lockedSnapshot, t Tenant, run load.Run) []signalResult {
	out := make([]signalResult, len(t.Signals))
	var wg sync.WaitGroup
	for i, name := range t.Signals {
		wg.Go(func() {
			out[i] = signalResult{name: name}
			if extract.IsSignIn(name) {
				out[i].rows, out[i].err = readSignIns(ctx, w, ls, t, run, name)
				return
			}
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

// DefaultSignInLogMaxPages bounds a night's read of the sign-in logs:
// 100 pages of 1,000 events, about 200 s at the logs' throttle of 5
// requests per 10 s. Past it the read stops, its window starts at the
// oldest event read, and mart_findings says so.
const DefaultSignInLogMaxPages = 100

// signInRetention is how long Entra keeps sign-in logs (P1/P2).
const signInRetention = 30 * 24 * time.Hour

// readSignIns reads one sign-in dataset into the snapshot:
// signin_activity, every user's signInActivity; powerbi_signins, the
// Power BI service's sign-in log events since the last read (before this
// snapshot's day; at most the logs' 30 days), summed up per user.
func readSignIns(ctx context.Context, w *load.Warehouse, ls *lockedSnapshot, t Tenant, run load.Run, name string) (int64, error) {
	src, ok := t.Source.(extract.SignInSource)
	if !ok {
		return 0, fmt.Errorf("extract %s: the source reads no sign-in data", name)
	}
	var n int64
	var err error
	if name == extract.SignalSignInActivity {
		n, err = streamRows(ctx, ls, func(row func(extract.SignInActivity) error) error {
			return src.SignInActivity(ctx, func(rs []extract.SignInActivity) error {
				for _, r := range rs {
					if err := row(r); err != nil {
						return err
					}
				}
				return nil
			})
		}, (*load.Snapshot).AppendSignInActivity)
	} else {
		n, err = readPowerBISignIns(ctx, w, ls, src, t, run)
	}
	if err != nil {
		return n, fmt.Errorf("extract %s: %w", name, err)
	}
	return n, nil
}

// readPowerBISignIns reads the Power BI service's sign-in log events in
// [since, run start): since is where the last read before this day
// ended, or the start of the logs' retention when that is longer ago or
// there was none. It returns the events read.
func readPowerBISignIns(ctx context.Context, w *load.Warehouse, ls *lockedSnapshot, src extract.SignInSource, t Tenant, run load.Run) (int64, error) {
	until := run.StartedAt.UTC()
	since := until.Add(-signInRetention)
	last, ok, err := w.SignInLogsReadTo(ctx, t.Name, extract.PowerBIAppID, run.SnapshotDate)
	if err != nil {
		return 0, err
	}
	if ok && last.After(since) {
		since = last
	}
	if !since.Before(until) {
		return 0, errors.New("the last read of the sign-in logs ended after this run started")
	}
	maxPages := t.SignInLogMaxPages
	if maxPages == 0 {
		maxPages = DefaultSignInLogMaxPages
	}
	users := map[string]*load.SignInUser{}
	var events int64
	win, err := src.SignIns(ctx, extract.PowerBIAppID, since, until, maxPages, func(es []extract.SignIn) error {
		for _, e := range es {
			if e.UserID == "" {
				continue
			}
			events++
			u := users[e.UserID]
			if u == nil {
				u = &load.SignInUser{UserID: e.UserID}
				users[e.UserID] = u
			}
			if e.ErrorCode != 0 {
				u.Failures++
				continue
			}
			u.Successes++
			if e.CreatedDateTime.After(u.LastSuccess) {
				u.LastSuccess = e.CreatedDateTime
			}
		}
		return nil
	})
	if err != nil {
		return events, err
	}
	rows := make([]load.SignInUser, 0, len(users))
	for _, u := range users {
		rows = append(rows, *u)
	}
	return events, ls.with(ctx, func(s *load.Snapshot) error { return s.AppendPowerBISignIns(win, events, rows) })
}
