package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// MaxDeltaAge is how long users are read incrementally before a full read.
// Graph's delta links for directory objects live seven days
// (https://devblogs.microsoft.com/microsoft365dev/duration-of-change-tracking-tokens-for-identity-and-education-resources/),
// and "changes to the licenseAssignmentStates property are currently not
// tracked" (https://learn.microsoft.com/graph/api/user-delta): a state
// change alone (an assignment error cleared, a group assignment replaced
// by a direct one with the same SKU) shows up at the weekly full read.
// Changes of assignedLicenses, group-inherited licences included, are
// tracked, and a changed user comes back with its current states.
const MaxDeltaAge = 7 * 24 * time.Hour

// syncUsers is the users step when the source can follow /users/delta
// (extract.DeltaSource); otherwise it is extractUsers. It decides between
// a delta round and a full read, runs it into the snapshot, and stores
// the next delta link in the snapshot's transaction, so that the link
// always continues a committed snapshot:
//
//   - delta: the round's changed users are appended, then the previous
//     snapshot's users are carried over minus the changed and removed
//     ones, so that the snapshot is still a full picture;
//   - full (no state, a same-day re-run, the state's snapshot pruned, the
//     last full read or the link seven days old, or the link refused):
//     a link from now ($deltatoken=latest) is taken first, then GET /users
//     is read as before (999 users a page, where delta pages hold 200).
//
// It returns the users in the snapshot. The link is never logged.
func syncUsers(ctx context.Context, w *load.Warehouse, ls *lockedSnapshot, t Tenant, run load.Run, opts Options) (int64, error) {
	src, ok := t.Source.(extract.DeltaSource)
	if !ok {
		return extractUsers(ctx, ls, t, opts)
	}
	log := opts.Logger.With("tenant", t.Name)
	st, why, err := deltaPlan(ctx, w, t.Name, run.SnapshotDate, run.StartedAt)
	if err != nil {
		return 0, err
	}
	if why == "" {
		n, err := deltaUsers(ctx, src, ls, t, st, opts)
		if !errors.Is(err, extract.ErrDeltaExpired) {
			if err == nil {
				log.Info("users read incrementally", "users", n, "since", st.SnapshotDate.Format(time.DateOnly))
			}
			return n, err
		}
		why = "delta link refused"
		if err := ls.with(ctx, (*load.Snapshot).ResetUsers); err != nil {
			return 0, fmt.Errorf("extract users: %w", err)
		}
	}
	log.Info("users read in full", "reason", why)
	return fullUsers(ctx, src, ls, t, opts)
}

// deltaPlan returns the stored state and, when a full read is due, why.
func deltaPlan(ctx context.Context, w *load.Warehouse, tenant string, day, now time.Time) (load.UserDeltaState, string, error) {
	st, ok, err := w.UserDeltaState(ctx, tenant)
	switch {
	case err != nil:
		return st, "", fmt.Errorf("extract users: %w", err)
	case !ok:
		return st, "no delta link stored", nil
	case !st.SnapshotDate.Before(utcDate(day)):
		return st, "re-run of the same day", nil
	case now.Sub(st.FullSyncAt) >= MaxDeltaAge:
		return st, "weekly full read", nil
	case now.Sub(st.ObtainedAt) >= MaxDeltaAge:
		return st, "delta link older than 7 days", nil
	}
	has, err := w.HasSnapshot(ctx, tenant, st.SnapshotDate)
	if err != nil {
		return st, "", fmt.Errorf("extract users: %w", err)
	}
	if !has {
		return st, "snapshot of the delta link pruned", nil
	}
	return st, "", nil
}

// deltaUsers runs one delta round from st into the snapshot.
func deltaUsers(ctx context.Context, src extract.DeltaSource, ls *lockedSnapshot, t Tenant, st load.UserDeltaState, opts Options) (int64, error) {
	removed := map[string]bool{} // id -> removed by its last mention in the round
	appended := map[string]bool{}
	var n int64
	page := 0
	link, err := src.UsersDelta(ctx, st.Link, func(changed []extract.User, gone []string) error {
		page++
		for _, u := range changed {
			removed[u.ID], appended[u.ID] = false, true
		}
		for _, id := range gone {
			removed[id] = true
		}
		if len(changed) > 0 {
			if err := ls.appendUsers(ctx, changed); err != nil {
				return fmt.Errorf("load users delta page %d: %w", page, err)
			}
		}
		n += int64(len(changed))
		if opts.Progress != nil {
			opts.Progress(t.Name, n)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("extract users delta: %w", err)
	}
	obtained := opts.Now().UTC()
	except := make([]string, 0, len(removed))
	var drop []string // returned, then removed, in the same round
	for id, gone := range removed {
		except = append(except, id)
		if gone && appended[id] {
			drop = append(drop, id)
		}
	}
	err = ls.with(ctx, func(s *load.Snapshot) error {
		if err := s.RemoveUsers(ctx, drop); err != nil {
			return err
		}
		if _, err := s.CarryUsers(ctx, st.SnapshotDate, except); err != nil {
			return err
		}
		n = s.Counts().Users
		return s.SetUserDeltaState(load.UserDeltaState{Link: link, ObtainedAt: obtained, FullSyncAt: st.FullSyncAt})
	})
	if err != nil {
		return n, fmt.Errorf("extract users delta: %w", err)
	}
	if opts.Progress != nil {
		opts.Progress(t.Name, n)
	}
	return n, nil
}

// fullUsers takes a delta link from now, then reads every user. Without a
// link the read goes on and the stored state is cleared: the next run
// reads in full again.
func fullUsers(ctx context.Context, src extract.DeltaSource, ls *lockedSnapshot, t Tenant, opts Options) (int64, error) {
	obtained := opts.Now().UTC()
	// The link is asked for beside the first users page, not before it:
	// the users chain is the critical path (P1), and a change made while
	// the pages are read is then in the read, the next round, or both.
	type latest struct {
		link string
		err  error
	}
	got := make(chan latest, 1)
	go func() {
		link, err := src.UsersDeltaLatest(ctx)
		got <- latest{link, err}
	}()
	n, err := extractUsers(ctx, ls, t, opts)
	l := <-got
	link, lerr := l.link, l.err
	if err != nil {
		return n, err
	}
	if lerr != nil && ctx.Err() == nil {
		opts.Logger.Warn("no users delta link: the next run reads users in full too", "tenant", t.Name, "err", lerr)
	}
	err = ls.with(ctx, func(s *load.Snapshot) error {
		if lerr != nil {
			return s.ClearUserDeltaState()
		}
		return s.SetUserDeltaState(load.UserDeltaState{Link: link, ObtainedAt: obtained, FullSyncAt: obtained})
	})
	if err != nil {
		return n, fmt.Errorf("extract users: %w", err)
	}
	return n, nil
}
