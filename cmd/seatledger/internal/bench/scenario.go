package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// scenario is one bench workload against the simulator.
type scenario struct {
	Name    string
	Title   string
	Tenants int
	Users   int // per tenant
	Latency time.Duration
	// Explicit scenarios run only when named with --scenario.
	Explicit bool
}

// Scenario names with code of their own.
const (
	scenarioNightly = "nightly-100k"
	scenarioHistory = "history"
)

// scenarios are the workloads of extract + load (load-100k, load-1m),
// the scale targets (P1, P2 and P3 from load-1m, P6), the whole nightly job against
// the SDK's own read, and the growth of a warehouse night after night.
var scenarios = []scenario{
	{Name: "load-100k", Title: "extract + load, 100k users, 0 ms", Tenants: 1, Users: 100_000},
	{Name: "load-1m", Title: "P2/P3 extract + load, 1M users, 0 ms", Tenants: 1, Users: 1_000_000},
	{Name: "p1", Title: "P1 100k users, 200 ms per response", Tenants: 1, Users: 100_000, Latency: 200 * time.Millisecond},
	{Name: "p6", Title: "P6 1,000 tenants x 100 users, 200 ms per response", Tenants: 1000, Users: 100, Latency: 200 * time.Millisecond},
	{Name: scenarioNightly, Title: "whole nightly job vs the SDK's read, 100k users, 0 ms", Tenants: 1, Users: 100_000},
	{Name: scenarioHistory, Title: "nights of a tenant with 1 % daily churn through the CLI", Tenants: 1, Users: 20_000, Explicit: true},
}

func (s scenario) scaled(f float64) scenario {
	if f > 0 && f != 1 {
		s.Users = max(1, int(float64(s.Users)*f))
		s.Tenants = max(1, int(float64(s.Tenants)*f))
	}
	return s
}

// usersPageSize is the $top the client asks for (graph.DefaultPageSize).
const usersPageSize = graph.DefaultPageSize

// chain is the longest chain of sequential requests one tenant needs that
// the simulator delays by its latency: the users pages, one after the
// other (each needs the previous page's nextLink). Everything else is one
// delayed request that can run beside the chain: subscribedSkus,
// subscriptions, reportSettings, groups (one page: the simulated tenants
// have far fewer than 999 licence groups) and the report's 302; the
// simulator serves the report download and the token without latency.
func (s scenario) chain() int {
	return max(1, (s.Users+usersPageSize-1)/usersPageSize)
}

// floor is the wall time Graph's latency alone sets: ceil(tenants /
// concurrency) rounds of one tenant's chain.
func (s scenario) floor(concurrency int) time.Duration {
	rounds := (s.Tenants + concurrency - 1) / concurrency
	return time.Duration(rounds*s.chain()) * s.Latency
}

// Measure is one scenario's measurement (the JSON a child prints).
type Measure struct {
	Scenario    string        `json:"scenario"`
	Title       string        `json:"title"`
	Tenants     int           `json:"tenants"`
	Users       int           `json:"users_per_tenant"`
	Latency     time.Duration `json:"latency_ns"`
	Concurrency int           `json:"concurrency"`
	// Wall is pipeline.Run: extract, load and transforms; Extract ends
	// when the last tenant's snapshot is committed.
	Wall      time.Duration `json:"wall_ns"`
	Extract   time.Duration `json:"extract_ns"`
	Transform time.Duration `json:"transform_ns"`
	Floor     time.Duration `json:"floor_ns"`
	Chain     int           `json:"chain_requests"`
	Loaded    int64         `json:"users_loaded"`
	Requests  int64         `json:"graph_requests"`
	Failed    int           `json:"tenants_failed"`
	PeakRSS   int64         `json:"peak_rss_bytes"`
	PeakHeap  uint64        `json:"peak_heap_bytes"`
	GoPeak    uint64        `json:"peak_go_runtime_bytes"`
	Cores     string        `json:"cores"`
	// Nightly and History carry what only those scenarios measure.
	Nightly *NightlyMeasure `json:"nightly,omitempty"`
	History *HistoryMeasure `json:"history,omitempty"`
}

// usersPerSecond is users loaded per second of the whole run.
func (m Measure) usersPerSecond() float64 {
	return float64(m.Loaded) / math.Max(m.Wall.Seconds(), 1e-9)
}

// runScenario runs s in this process: simulators, clients, warehouse,
// pipeline.Run.
func runScenario(ctx context.Context, d Deps, o Options, s scenario) (Measure, error) {
	log, err := d.Logger()
	if err != nil {
		return Measure{}, err
	}
	dir, cleanup, err := workDir(o.Dir, s.Name)
	if err != nil {
		return Measure{}, err
	}
	defer cleanup()
	cfg, err := d.LoadConfig()
	if err != nil {
		return Measure{}, err
	}
	params, err := cfg.ParamTables()
	if err != nil {
		return Measure{}, exit.UsageError(err)
	}
	pts, counters, stop, err := startTenants(ctx, s, dir, log)
	if err != nil {
		return Measure{}, err
	}
	defer stop()
	var lopts []load.Option
	if o.MemoryLimit != "" {
		lopts = append(lopts, load.WithMemoryLimit(o.MemoryLimit))
	}
	if o.Threads > 0 {
		lopts = append(lopts, load.WithThreads(o.Threads))
	}
	w, err := load.Open(ctx, filepath.Join(dir, "seatledger.duckdb"), append(lopts, load.WithLogger(log))...)
	if err != nil {
		return Measure{}, fmt.Errorf("open warehouse: %w", err)
	}
	defer w.Close()

	m := Measure{Scenario: s.Name, Title: s.Title, Tenants: s.Tenants, Users: s.Users,
		Latency: s.Latency, Chain: s.chain(), Cores: cores()}
	opts := pipeline.Options{Logger: log, Params: params, Concurrency: o.Concurrency,
		StageDone: func(stage string, elapsed time.Duration) {
			switch stage {
			case pipeline.StageExtract:
				m.Extract = elapsed
			case pipeline.StageTransform:
				m.Transform = elapsed
			}
		}}
	m.Concurrency = opts.WithDefaults().Concurrency
	m.Floor = s.floor(m.Concurrency)
	runtime.GC()
	heap := startHeapSampler(20 * time.Millisecond)
	start := time.Now()
	results, runErr := pipeline.Run(ctx, w, pts, opts)
	m.Wall = time.Since(start)
	m.PeakHeap, m.PeakRSS = heap.Stop(), peakRSS()
	m.GoPeak = heap.goPeak
	for _, r := range results {
		m.Loaded += r.Counts.Users
		if r.Err != nil {
			m.Failed++
		}
	}
	for _, c := range counters {
		n, _ := c.Totals()
		m.Requests += n
	}
	if want := int64(s.Tenants) * int64(s.Users); m.Loaded != want {
		return m, fmt.Errorf("loaded %d users, want %d: %w", m.Loaded, want, runErr)
	}
	return m, runErr
}

// startTenants starts one simulator per tenant (each its own CA,
// port and seed) and builds a Graph client for each through the real
// credential, as seatledger demo does.
func startTenants(ctx context.Context, s scenario, dir string, log *slog.Logger) ([]pipeline.Tenant, []*tenants.RequestCounter, func(), error) {
	var servers []*graphsim.Server
	stop := func() { // in parallel: each Close waits for its connections to go idle
		var wg sync.WaitGroup
		for _, srv := range servers {
			wg.Go(func() { _ = srv.Close() })
		}
		wg.Wait()
	}
	now := time.Now().UTC()
	out := make([]pipeline.Tenant, 0, s.Tenants)
	counters := make([]*tenants.RequestCounter, 0, s.Tenants)
	for i := range s.Tenants {
		name := fmt.Sprintf("t%04d", i+1)
		srv, err := startSim(graphsim.GenOptions{Users: s.Users, Seed: int64(i + 1), Now: now},
			graphsim.ServerOptions{Dir: filepath.Join(dir, "ca", name), Latency: s.Latency, Seed: int64(i + 1)})
		if err != nil {
			stop()
			return nil, nil, nil, fmt.Errorf("simulator %s: %w", name, err)
		}
		servers = append(servers, srv)
		counter := tenants.NewRequestCounter()
		src, err := tenants.SimClient(ctx, srv, log.With("tenant", name), counter.Observe)
		if err != nil {
			stop()
			return nil, nil, nil, fmt.Errorf("tenant %s: %w", name, err)
		}
		counters = append(counters, counter)
		out = append(out, pipeline.Tenant{Name: name, Source: src, ReportPeriod: "D7", Counter: counter.Totals})
	}
	return out, counters, stop, nil
}

// startSim generates a tenant and starts a simulator for it.
func startSim(gen graphsim.GenOptions, opts graphsim.ServerOptions) (*graphsim.Server, error) {
	srv, err := graphsim.NewServer(graphsim.Generate(gen), opts)
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("start simulator: %w", err)
	}
	return srv, nil
}

// workDir is dir/name (kept) or a temporary directory (removed).
func workDir(dir, name string) (string, func(), error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "seatledger-bench-")
		if err != nil {
			return "", nil, fmt.Errorf("create bench directory: %w", err)
		}
		return d, func() { _ = os.RemoveAll(d) }, nil
	}
	d := filepath.Join(dir, name)
	if err := os.RemoveAll(d); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, fmt.Errorf("clear bench directory %s: %w", d, err)
	}
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", nil, fmt.Errorf("create bench directory %s: %w", d, err)
	}
	return d, func() {}, nil
}
