package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// targetNightlyRatio is the nightly job's wall over the SDK's plain read
// of the same tenant: the whole job should cost no more than reading the
// users with msgraph-sdk-go as documented.
const targetNightlyRatio = 1.00

// NightlyMeasure is what nightly-100k measures besides Measure's
// Wall (the whole job), Extract and Transform.
type NightlyMeasure struct {
	// SDKRead is graph.Client.SDKReadUsers against the same simulator,
	// measured before the first night; SDKUsers the users it saw.
	// SDKReadAfter is the same read after the second night. Their mean is
	// the yardstick both nights' ratios take, so that a machine that
	// slows down or speeds up during the bench moves both sides alike.
	SDKRead      time.Duration `json:"sdk_read_ns"`
	SDKReadAfter time.Duration `json:"sdk_read_after_ns"`
	SDKUsers     int           `json:"sdk_users"`
	SDKPeakRSS   int64         `json:"sdk_peak_rss_bytes"`
	// Signals are the usage-signal datasets the job read.
	Signals []string `json:"signals"`
	// Job is the whole nightly job (Deps.Job with the workbook and Parquet
	// on), the same as Measure.Wall.
	Job time.Duration `json:"job_ns"`
	// ExtractLoad and Transform split the pipeline's extract stage
	// (Measure.Extract), which includes computing the marts.
	ExtractLoad time.Duration `json:"extract_load_ns"`
	Transform   time.Duration `json:"transform_ns"`
	Workbook    time.Duration `json:"workbook_ns"`
	// Parquet runs from the end of the workbook to the end of the job: what
	// the Parquet export (which runs beside the workbook) takes longer than
	// the workbook, and the printed summary.
	Parquet time.Duration `json:"parquet_ns"`
	// Other is the rest of the job: configuration, opening the warehouse,
	// retention.
	Other time.Duration `json:"other_ns"`
	// Ratio is Job / the mean of SDKRead and SDKReadAfter, the figure the
	// target applies to.
	Ratio float64 `json:"ratio"`
	// RSSReset says whether the peak RSS was reset after the SDK read
	// (/proc/self/clear_refs), so that Measure.PeakRSS is the job's
	// own; otherwise it is the peak of both.
	RSSReset bool `json:"rss_reset"`
	// Next is the following night of the same tenant into the same
	// warehouse, a day later with nightlyChurn of the users changed:
	// the steady state (a delta read, a fold that matches every row).
	Next *NightlyStages `json:"next_night,omitempty"`
}

// NightlyStages are one night's job and its stages.
type NightlyStages struct {
	Job, ExtractLoad, Transform, Workbook, Parquet, Other time.Duration
	Ratio                                                 float64
	Requests                                              int64
}

// nightlyChurn is the share of users the second night changes.
const nightlyChurn = 0.01

// runNightly measures the SDK's read of every user, the whole nightly job
// on two nights, and the SDK's read again, against one simulated tenant in
// this process.
func runNightly(ctx context.Context, d Deps, o Options, s scenario) (Measure, error) {
	log, err := d.Logger()
	if err != nil {
		return Measure{}, err
	}
	dir, cleanup, err := workDir(o.Dir, s.Name)
	if err != nil {
		return Measure{}, err
	}
	defer cleanup()
	cfg, err := nightlyConfig(d, o, dir)
	if err != nil {
		return Measure{}, err
	}
	now := d.Now().UTC()
	srv, err := startSim(graphsim.GenOptions{Users: s.Users, Seed: 1, Now: now},
		graphsim.ServerOptions{Dir: filepath.Join(dir, "ca"), Seed: 1, Permissions: graphsim.SignInPermissions, SignInThrottle: -1}) // as history
	if err != nil {
		return Measure{}, err
	}
	defer srv.Close()
	m := Measure{Scenario: s.Name, Title: s.Title, Tenants: 1, Users: s.Users, Chain: s.chain(), Cores: cores(),
		Concurrency: pipeline.Options{Concurrency: cfg.Run.Concurrency}.WithDefaults().Concurrency}
	nm := &NightlyMeasure{Signals: o.Signals}
	if nm.Signals == nil {
		nm.Signals = config.DefaultSignals() // as a tenant configured without signals
	}
	m.Nightly = nm
	if err := sdkRead(ctx, srv, log, nm); err != nil {
		return m, err
	}
	if err := nightlyJob(ctx, d, cfg, srv, log, now, nm.Signals, &m); err != nil {
		return m, err
	}
	if m.Loaded != int64(s.Users) || nm.SDKUsers != s.Users {
		return m, fmt.Errorf("job loaded %d users and the SDK read %d, want %d each", m.Loaded, nm.SDKUsers, s.Users)
	}
	// The next night: no request is in flight, so the tenant may churn.
	srv.Tenant().Churn(nightlyChurn, 2)
	next := Measure{Nightly: &NightlyMeasure{}}
	if err := nightlyJob(ctx, d, cfg, srv, log, now.Add(24*time.Hour), nm.Signals, &next); err != nil {
		return m, fmt.Errorf("next night: %w", err)
	}
	after := &NightlyMeasure{}
	if err := sdkRead(ctx, srv, log, after); err != nil {
		return m, fmt.Errorf("SDK read after the next night: %w", err)
	}
	nm.SDKReadAfter = after.SDKRead
	yardstick := (nm.SDKRead + nm.SDKReadAfter) / 2
	n := next.Nightly
	nm.Ratio = ratio(nm.Job, yardstick)
	nm.Next = &NightlyStages{Job: n.Job, ExtractLoad: n.ExtractLoad, Transform: n.Transform, Workbook: n.Workbook,
		Parquet: n.Parquet, Other: n.Other, Ratio: ratio(n.Job, yardstick), Requests: next.Requests}
	return m, nil
}

// nightlyJob times the whole nightly job (Deps.Job, as run does) on the
// day of now against srv through a client of its own, and its stages: the
// pipeline's, the workbook's (the Parquet export runs beside it), and from
// the workbook's end to the job's end the rest of the export and the
// summary.
func nightlyJob(ctx context.Context, d Deps, cfg *config.Config, srv *graphsim.Server, log *slog.Logger, now time.Time, signals []string, m *Measure) error {
	nm := m.Nightly
	counter := tenants.NewRequestCounter()
	src, err := tenants.SimClient(ctx, srv, log.With("tenant", "t0001"), counter.Observe)
	if err != nil {
		return err
	}
	pts := []pipeline.Tenant{{Name: "t0001", Source: src, ReportPeriod: "D7", Signals: signals, Counter: counter.Totals}}
	var workbookDone time.Time
	stage := func(name string, elapsed time.Duration, _ bool) {
		switch name {
		case pipeline.StageExtract:
			m.Extract = elapsed
		case pipeline.StageTransform:
			m.Transform = elapsed
		case job.StageWorkbook:
			nm.Workbook, workbookDone = elapsed, time.Now()
		}
	}
	heap := startHeapSampler(20 * time.Millisecond)
	start := time.Now()
	results, runErr := d.Job(ctx, cfg, pts, now, stage)
	end := time.Now()
	m.PeakHeap, m.PeakRSS, m.GoPeak = heap.Stop(), peakRSS(), heap.goPeak
	m.Wall, nm.Job = end.Sub(start), end.Sub(start)
	if !workbookDone.IsZero() {
		nm.Parquet = end.Sub(workbookDone)
	}
	nm.ExtractLoad, nm.Transform = m.Extract-m.Transform, m.Transform
	nm.Other = nm.Job - m.Extract - nm.Workbook - nm.Parquet
	for _, r := range results {
		m.Loaded += r.Counts.Users
		if r.Err != nil {
			m.Failed++
		}
	}
	m.Requests, _ = counter.Totals()
	if runErr != nil {
		return fmt.Errorf("nightly job: %w", runErr)
	}
	return nil
}

// nightlyConfig is the configuration of the bench (--config, else the
// defaults and the demo's prices) with the warehouse, the workbook and
// the Parquet export in dir and the bench's tuning flags.
func nightlyConfig(d Deps, o Options, dir string) (*config.Config, error) {
	cfg, err := d.LoadConfig()
	if err != nil {
		return nil, err
	}
	cfg.Warehouse.Path = filepath.Join(dir, "seatledger.duckdb")
	cfg.Reports.Excel = true
	cfg.Reports.Dir = filepath.Join(dir, "reports")
	cfg.Reports.ParquetDir = filepath.Join(dir, "parquet")
	if o.MemoryLimit != "" {
		cfg.Warehouse.MemoryLimit = o.MemoryLimit
	}
	if o.Threads > 0 {
		cfg.Warehouse.Threads = o.Threads
	}
	if o.Concurrency > 0 {
		cfg.Run.Concurrency = o.Concurrency
	}
	return cfg, nil
}

// sdkRead times graph.Client.SDKReadUsers through a client of its own
// (its own credential: the token is part of the read), then frees what it
// held and resets the peak RSS where Linux allows, so that the job's peak
// is its own.
func sdkRead(ctx context.Context, srv *graphsim.Server, log *slog.Logger, nm *NightlyMeasure) error {
	c, err := tenants.SimClient(ctx, srv, log.With("tenant", "sdk-read"), nil)
	if err != nil {
		return err
	}
	runtime.GC()
	start := time.Now()
	nm.SDKUsers, err = c.SDKReadUsers(ctx)
	nm.SDKRead = time.Since(start)
	if err != nil {
		return fmt.Errorf("SDK read: %w", err)
	}
	nm.SDKPeakRSS = peakRSS()
	runtime.GC()
	debug.FreeOSMemory()
	nm.RSSReset = resetPeakRSS() == nil && peakRSS() < nm.SDKPeakRSS
	return nil
}

// ratio is num / den; 0 when den is not positive (no figure).
func ratio(num, den time.Duration) float64 {
	if den <= 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// nightlyRows are the table lines of nightly-100k: the SDK read, the job
// and its stages, and their ratio against its target.
func nightlyRows(m Measure) []row {
	nm, name := m.Nightly, m.Scenario
	rssNote := "job"
	if !nm.RSSReset {
		rssNote = "SDK read and job: no reset"
	}
	rows := []row{
		{name, "SDK read: Users().Get + PageIterator", seconds(nm.SDKRead), "-", "-", ""},
		{name, "  again after the next night", seconds(nm.SDKReadAfter), "-", "-", ""},
		{name, "whole job", seconds(nm.Job), "-", "-", ""},
		{name, "  extract+load", seconds(nm.ExtractLoad), "-", "-", ""},
		{name, "  transform (marts)", seconds(nm.Transform), "-", "-", ""},
		{name, "  workbook", seconds(nm.Workbook), "-", "-", ""},
		{name, "  parquet beyond the workbook, summary", seconds(nm.Parquet), "-", "-", ""},
		{name, "  other (open, retention)", seconds(nm.Other), "-", "-", ""},
		{name, "job / mean SDK read", fmt.Sprintf("%.2f", nm.Ratio), "-", fmt.Sprintf("<= %.2f", targetNightlyRatio), atMost(nm.Ratio, targetNightlyRatio)},
		{name, "peak RSS (" + rssNote + ")", mb(m.PeakRSS), "-", "-", ""},
		{name, "peak RSS (SDK read)", mb(nm.SDKPeakRSS), "-", "-", ""},
	}
	if n := nm.Next; n != nil {
		rows = append(rows,
			row{name, "next night (1 % churn): whole job", seconds(n.Job), "-", "-", ""},
			row{name, "  extract+load", seconds(n.ExtractLoad), "-", "-", ""},
			row{name, "  transform (marts)", seconds(n.Transform), "-", "-", ""},
			row{name, "  workbook", seconds(n.Workbook), "-", "-", ""},
			row{name, "next night job / mean SDK read", fmt.Sprintf("%.2f", n.Ratio), "-", fmt.Sprintf("<= %.2f", targetNightlyRatio), atMost(n.Ratio, targetNightlyRatio)})
	}
	return rows
}

// printNightlyNotes is the footer line of nightly-100k.
func printNightlyNotes(w io.Writer, m Measure) {
	nm := m.Nightly
	signals := "none"
	if len(nm.Signals) > 0 {
		signals = strings.Join(nm.Signals, ",")
	}
	fmt.Fprintf(w, "%-10s %s: %d users, concurrency %d, usage signals %s; SDK read %s of %d users (%s after the next night), then job %s = extract+load %s + transform %s + workbook %s + parquet and summary %s + other %s; %d Graph requests, %d tenant(s) failed\n",
		m.Scenario, m.Title, m.Users, m.Concurrency, signals, seconds(nm.SDKRead), nm.SDKUsers, seconds(nm.SDKReadAfter), seconds(nm.Job), seconds(nm.ExtractLoad),
		seconds(nm.Transform), seconds(nm.Workbook), seconds(nm.Parquet), seconds(nm.Other), m.Requests, m.Failed)
	if n := nm.Next; n != nil {
		fmt.Fprintf(w, "%-10s next night, %.0f %% of the users changed: job %s = extract+load %s + transform %s + workbook %s + parquet and summary %s + other %s; %d Graph requests\n",
			m.Scenario, nightlyChurn*100, seconds(n.Job), seconds(n.ExtractLoad), seconds(n.Transform), seconds(n.Workbook),
			seconds(n.Parquet), seconds(n.Other), n.Requests)
	}
}
