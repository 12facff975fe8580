package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/seatledger/seatledger/load"
)

// runTenants runs every tenant and returns their results in the order of
// tenants. At most opts.Concurrency tenants talk to Graph at once: a
// tenant gives its slot back as soon as its Graph work is done, so the
// next one starts while it commits. A tenant's failure is its own Result:
// the others go on.
func runTenants(ctx context.Context, w *load.Warehouse, tenants []Tenant, runID string, opts Options) []Result {
	results := make([]Result, len(tenants))
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	for i, t := range tenants {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := sync.OnceFunc(func() { <-sem })
			defer release()
			results[i] = runTenant(ctx, w, t, runID, opts, release)
		}()
	}
	wg.Wait()
	return results
}

// runTenant extracts and loads one tenant and journals it in etl_runs.
// release is called once the tenant's Graph work is over.
func runTenant(ctx context.Context, w *load.Warehouse, t Tenant, runID string, opts Options, release func()) Result {
	start := opts.Now()
	log := opts.Logger.With("run_id", runID, "tenant", t.Name)
	res := Result{Tenant: t.Name, RunID: runID, SnapshotDate: utcDate(start)}
	run := load.Run{ID: runID, Tenant: t.Name, SnapshotDate: utcDate(start), StartedAt: start, Status: load.StatusRunning}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	out := extractTenant(ctx, w, t, run, opts, log, release)
	if !out.started {
		res.Status, res.Err = StatusFailed, out.err
		log.Error("tenant failed before its run was journaled", "err", out.err)
		return res
	}
	res.Degraded = out.degraded
	var health []string
	if out.err == nil && out.snap != nil {
		health = healthProblems(out.snap.Health(), out.degraded)
		res.Degraded = append(res.Degraded, health...)
		res.MartsTook = out.snap.MartsTook()
	}
	switch {
	case out.err != nil:
		res.Status, res.Err = StatusFailed, out.err
	case len(res.Degraded) > 0:
		res.Status = StatusDegraded
	default:
		res.Status = StatusOK
	}
	if out.snap != nil {
		res.Counts = out.snap.Counts()
	}
	run.FinishedAt, run.Status = opts.Now(), res.Status
	res.Duration = run.FinishedAt.Sub(start)
	fillRunCounts(&run, res.Counts, t)
	if res.Err != nil {
		run.Error = res.Err.Error()
	} else if len(health) > 0 {
		run.Error = strings.Join(health, ", ")
		log.Warn("snapshot degraded", "why", health)
	}
	// The journal must be written even when ctx was cancelled mid-run.
	if ferr := w.FinishRun(context.WithoutCancel(ctx), run); ferr != nil {
		res.Err = errors.Join(res.Err, fmt.Errorf("record run end: %w", ferr))
	}
	log.Info("tenant done", "status", res.Status, "users", res.Counts.Users,
		"duration_ms", res.Duration.Milliseconds(), "degraded", out.degraded)
	return res
}
