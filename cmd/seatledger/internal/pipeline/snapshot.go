package pipeline

import (
	"context"
	"fmt"
	"sync"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// lockedSnapshot is a tenant's snapshot, opened (run journaled, snapshot
// transaction begun) while the first Graph requests are in flight, and
// shared by the users chain and the usage report, which append from two
// goroutines: load.Snapshot is not safe for concurrent use, so every
// append holds mu.
type lockedSnapshot struct {
	ready   chan struct{} // closed once open has finished
	started bool          // the run is in etl_runs: FinishRun is due
	snap    *load.Snapshot
	err     error

	mu sync.Mutex
}

// openSnapshot journals run as started and begins its snapshot in the
// background; on failure it calls fail (which cancels the extraction).
func openSnapshot(ctx context.Context, w *load.Warehouse, run load.Run, fail func()) *lockedSnapshot {
	l := &lockedSnapshot{ready: make(chan struct{})}
	go func() {
		defer close(l.ready)
		if err := w.StartRun(ctx, run); err != nil {
			l.err = fmt.Errorf("record run start: %w", err)
			fail()
			return
		}
		l.started = true
		snap, err := w.BeginSnapshot(ctx, run.Tenant, run.SnapshotDate, run.ID)
		if err != nil {
			l.err = fmt.Errorf("begin snapshot: %w", err)
			fail()
			return
		}
		l.snap = snap
	}()
	return l
}

// wait returns the open snapshot, or why there is none.
func (l *lockedSnapshot) wait(ctx context.Context) (*load.Snapshot, error) {
	select {
	case <-l.ready:
		return l.snap, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *lockedSnapshot) appendUsers(ctx context.Context, users []extract.User) error {
	return l.with(ctx, func(s *load.Snapshot) error { return s.AppendUsers(users) })
}

// with runs f on the open snapshot, serialised with the other appends.
func (l *lockedSnapshot) with(ctx context.Context, f func(*load.Snapshot) error) error {
	snap, err := l.wait(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return f(snap)
}
