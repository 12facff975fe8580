// Package pipeline runs one ETL pass: for each tenant it extracts the Graph
// datasets from an extract.Source and writes them as one snapshot into the
// warehouse, then rebuilds the transforms. It owns the order of work and the
// failure policy; the stages themselves know nothing of each other.
//
// Failure policy (STYLE.md): required datasets (subscribedSkus, users) that
// fail abort the tenant before anything is written; optional ones (report
// settings, subscriptions, groups, the usage report) degrade the snapshot,
// are recorded in raw_dataset_status and the run goes on.
package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
	xform "github.com/seatledger/seatledger/transform"
)

// Run statuses, as recorded in etl_runs.
const (
	StatusOK       = load.StatusOK
	StatusDegraded = load.StatusDegraded
	StatusFailed   = load.StatusFailed
)

// Tenant is one tenant to extract.
type Tenant struct {
	Name         string
	Source       extract.Source
	ReportPeriod string // D7, D30, D90 or D180
	// Counter reports Graph requests and throttles made for this tenant so
	// far; the pipeline records them in etl_runs. Optional.
	Counter func() (requests, throttled int64)
}

// Options configures a run.
type Options struct {
	Logger *slog.Logger
	// Now returns the run time; the snapshot date is its UTC date.
	Now func() time.Time
	// Params are the parameter and reference tables (prices, rules,
	// catalogue) written before the transforms run.
	Params []load.ParamTable
	// Progress, when set, is told how many users each tenant has loaded.
	Progress func(tenant string, users int64)
	// Timeout bounds one tenant's extraction; 0 means none.
	Timeout time.Duration
}

// Result is the outcome of one tenant.
type Result struct {
	Tenant string
	RunID  string
	// SnapshotDate is the UTC day of the snapshot the run wrote.
	SnapshotDate time.Time
	Status       string
	Err          error
	Counts       load.SnapshotCounts
	Degraded     []string // optional datasets that failed
	Duration     time.Duration
}

// Run extracts every tenant into w, one snapshot each, then rebuilds the
// transforms. It returns one Result per tenant; the error is non-nil when
// any tenant failed or the transforms failed.
func Run(ctx context.Context, w *load.Warehouse, tenants []Tenant, opts Options) ([]Result, error) {
	opts = opts.withDefaults()
	runID := newRunID()
	results := make([]Result, 0, len(tenants))
	var errs []error
	for _, t := range tenants {
		r := runTenant(ctx, w, t, runID, opts)
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t.Name, r.Err))
		}
		results = append(results, r)
	}
	if err := transform(ctx, w, opts); err != nil {
		errs = append(errs, err)
	} else {
		for i := range results {
			if err := checkHealth(ctx, w, &results[i], opts); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return results, errors.Join(errs...)
}

// Degradations found by the transforms, reported in Result.Degraded.
const (
	DegradedConcealed     = "usage_report_concealed"
	DegradedReportMissing = "usage_report_missing"
)

// checkHealth marks a tenant's fresh snapshot degraded when the
// transforms found its usage report concealed or missing: reclamation
// candidates of such a snapshot cannot be trusted (PRODUCT.md).
func checkHealth(ctx context.Context, w *load.Warehouse, r *Result, opts Options) error {
	if r.Err != nil || r.Status == StatusFailed {
		return nil
	}
	var concealed, missing bool
	err := w.DB().QueryRowContext(ctx, xform.SnapshotHealthQuery, r.Tenant, r.SnapshotDate).Scan(&concealed, &missing)
	if err != nil {
		return fmt.Errorf("tenant %s: check snapshot health: %w", r.Tenant, err)
	}
	var why []string
	if concealed {
		why = append(why, DegradedConcealed)
	}
	if missing && !slices.Contains(r.Degraded, DatasetUsageReport) {
		why = append(why, DegradedReportMissing)
	}
	if len(why) == 0 {
		return nil
	}
	run := load.Run{ID: r.RunID, Tenant: r.Tenant, SnapshotDate: r.SnapshotDate}
	if err := w.MarkDegraded(ctx, run, strings.Join(why, ", ")); err != nil {
		return err
	}
	r.Status, r.Degraded = StatusDegraded, append(r.Degraded, why...)
	opts.Logger.Warn("snapshot degraded", "tenant", r.Tenant, "run_id", r.RunID, "why", why)
	return nil
}

func transform(ctx context.Context, w *load.Warehouse, opts Options) error {
	if err := w.ReplaceParams(ctx, opts.Params); err != nil {
		return fmt.Errorf("write parameter tables: %w", err)
	}
	if err := w.RunTransforms(ctx); err != nil {
		return fmt.Errorf("run transforms: %w", err)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func runTenant(ctx context.Context, w *load.Warehouse, t Tenant, runID string, opts Options) Result {
	start := opts.Now()
	log := opts.Logger.With("run_id", runID, "tenant", t.Name)
	res := Result{Tenant: t.Name, RunID: runID, SnapshotDate: utcDate(start)}
	run := load.Run{ID: runID, Tenant: t.Name, SnapshotDate: utcDate(start), StartedAt: start, Status: load.StatusRunning}
	if err := w.StartRun(ctx, run); err != nil {
		res.Status, res.Err = StatusFailed, fmt.Errorf("record run start: %w", err)
		return res
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	snap, degraded, err := extractTenant(ctx, w, t, run, opts, log)
	res.Degraded = degraded
	switch {
	case err != nil:
		res.Status, res.Err = StatusFailed, err
	case len(degraded) > 0:
		res.Status = StatusDegraded
	default:
		res.Status = StatusOK
	}
	if snap != nil {
		res.Counts = snap.Counts()
	}
	run.FinishedAt, run.Status = opts.Now(), res.Status
	res.Duration = run.FinishedAt.Sub(start)
	fillRunCounts(&run, res.Counts, t)
	if res.Err != nil {
		run.Error = res.Err.Error()
	}
	// The journal must be written even when ctx was cancelled mid-run.
	if ferr := w.FinishRun(context.WithoutCancel(ctx), run); ferr != nil {
		res.Err = errors.Join(res.Err, fmt.Errorf("record run end: %w", ferr))
	}
	log.Info("tenant done", "status", res.Status, "users", res.Counts.Users,
		"duration_ms", res.Duration.Milliseconds(), "degraded", degraded)
	return res
}

func fillRunCounts(run *load.Run, c load.SnapshotCounts, t Tenant) {
	run.Users, run.Licenses, run.SKUs = c.Users, c.Licenses, c.SKUs
	run.Subscriptions, run.Groups, run.ReportRows = c.Subscriptions, c.Groups, c.ReportRows
	run.ReportRefreshDate = c.ReportRefreshDate
	if t.Counter != nil {
		run.GraphRequests, run.GraphThrottled = t.Counter()
	}
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:4])
}

func utcDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// small holds the small datasets, fetched concurrently before the snapshot
// transaction opens.
type small struct {
	skus     []extract.SKU
	subs     []extract.Subscription
	settings extract.ReportSettings
	groups   []extract.Group
	errs     map[string]error
}

func fetchSmall(ctx context.Context, src extract.Source) small {
	var s small
	var mu sync.Mutex
	var wg sync.WaitGroup
	s.errs = map[string]error{}
	fail := func(name string, err error) {
		mu.Lock()
		s.errs[name] = err
		mu.Unlock()
	}
	do := func(name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				fail(name, err)
			}
		}()
	}
	do(DatasetSKUs, func() (err error) { s.skus, err = src.SubscribedSKUs(ctx); return })
	do(DatasetSubscriptions, func() (err error) { s.subs, err = src.Subscriptions(ctx); return })
	do(DatasetReportSettings, func() (err error) { s.settings, err = src.ReportSettings(ctx); return })
	do(DatasetGroups, func() (err error) { s.groups, err = src.Groups(ctx); return })
	wg.Wait()
	return s
}
