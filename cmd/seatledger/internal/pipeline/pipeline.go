// Package pipeline runs one ETL pass: for each tenant it extracts the Graph
// datasets from an extract.Source and writes them as one snapshot into the
// warehouse, then rebuilds the transforms. It owns the order of work and the
// failure policy; the stages themselves know nothing of each other.
//
// Failure policy: required datasets (subscribedSkus, users) that
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
	"sync"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
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
	// Signals are the usage-signal datasets to read (of
	// extract.SignalDatasets), each optional; the Source must implement
	// extract.SignalSource for the reports, extract.SignInSource for the
	// sign-in datasets.
	Signals []string
	// SignInLogMaxPages bounds the pages of one read of the sign-in logs
	// (powerbi_signins); 0 means DefaultSignInLogMaxPages.
	SignInLogMaxPages int
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
	// Concurrency is how many tenants are extracted and loaded at once;
	// 0 means DefaultConcurrency. Each tenant writes its own snapshot
	// transaction on its own connection.
	Concurrency int
	// StageDone, when set, is told how long each stage of the run took:
	// StageExtract (every tenant extracted, loaded and committed) and
	// StageTransform (the part of it that computed marts, summed over
	// tenants).
	StageDone func(stage string, elapsed time.Duration)
}

// DefaultConcurrency is Options.Concurrency when unset: enough tenants at
// once to hide Graph's latency, few enough to stay polite to it (Graph
// throttles per app and tenant, so tenants do not slow each other) and to
// keep DuckDB's uncommitted data for large tenants bounded.
const DefaultConcurrency = 4

// Stages reported to Options.StageDone.
const (
	StageExtract   = "extract"
	StageTransform = "transform"
)

// Result is the outcome of one tenant.
type Result struct {
	Tenant string
	RunID  string
	// SnapshotDate is the UTC day of the snapshot the run wrote.
	SnapshotDate time.Time
	Status       string
	Err          error
	Counts       load.SnapshotCounts
	Degraded     []string // optional datasets that failed, and health problems
	Duration     time.Duration
	MartsTook    time.Duration // computing the snapshot's marts at commit
}

// Run writes the parameter tables, then extracts every tenant into w, one
// snapshot each, whose marts are computed as it commits. It returns one
// Result per tenant; the error is non-nil when any tenant failed or the
// parameter tables could not be written (then no tenant ran).
func Run(ctx context.Context, w *load.Warehouse, tenants []Tenant, opts Options) ([]Result, error) {
	opts = opts.WithDefaults()
	runID := newRunID()
	if err := w.ReplaceParams(ctx, opts.Params); err != nil {
		return nil, fmt.Errorf("write parameter tables: %w", err)
	}
	start := time.Now()
	results := runTenants(ctx, w, tenants, runID, opts)
	opts.StageDone(StageExtract, time.Since(start))
	var errs []error
	var marts time.Duration
	for _, r := range results {
		marts += r.MartsTook
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", r.Tenant, r.Err))
		}
	}
	opts.StageDone(StageTransform, marts)
	return results, errors.Join(errs...)
}

// WithDefaults returns o with its unset fields set, as Run uses it. The
// Progress hook is serialised: Run calls it from several tenants at once.
func (o Options) WithDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.StageDone == nil {
		o.StageDone = func(string, time.Duration) {}
	}
	if p := o.Progress; p != nil {
		var mu sync.Mutex
		o.Progress = func(tenant string, users int64) {
			mu.Lock()
			defer mu.Unlock()
			p(tenant, users)
		}
	}
	return o
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

// small holds the small datasets, fetched concurrently with each other
// and with the users chain.
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
