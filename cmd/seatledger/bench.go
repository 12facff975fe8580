package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// benchOptions are the flags of seatledger bench.
type benchOptions struct {
	scenarios   []string
	dir         string
	scale       float64
	concurrency int
	memoryLimit string
	threads     int
	inProcess   bool
	jsonOut     bool
	cpuProfile  string
	nights      int
	nightsSet   bool // --nights given: only with the history scenario
}

func benchCmd(g *globals) *cobra.Command {
	o := benchOptions{}
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure extract + load and the whole nightly job against the tenant simulator and print each figure beside its floor and target",
		Long: `bench runs scenarios against the in-process tenant simulator, through the real
Azure Identity credential and Microsoft Graph SDK client, into a DuckDB warehouse
in a temporary directory, and prints for each the measurement, the floor Graph's
latency sets and the target:

  load-100k  extract + load of 100k users at zero latency: users/s, peak memory
  load-1m    P2 users/s and P3 peak RSS for 1M users at zero latency
  p1         P1 wall time / latency floor, 100k users at 200 ms per response
  p6         P6 1,000 tenants x 100 users at 200 ms per response, bounded concurrency
  nightly-100k
             the whole nightly job (extract, load, marts, workbook, Parquet) for
             100k users beside the documented msgraph-sdk-go read of the same
             tenant (Users().Get + PageIterator), measured first: job / SDK read
  history    --nights N (default 90) nights of a 20k-user tenant with 1 % daily
             churn through the real CLI (run, report, export, query), night N
             against night 1; writes history.csv. Runs only when named.

Each scenario runs in a child process (this binary, re-executed) so that its peak
RSS is its own; --in-process runs them in this process instead. history runs
every command of every night in a child process of its own.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.nightsSet = cmd.Flags().Changed("nights")
			return runBench(cmd.Context(), g, o, cmd.Flags().Changed("log-level"))
		},
	}
	f := c.Flags()
	f.StringSliceVar(&o.scenarios, "scenario", nil, "scenarios to run (default all but history): "+strings.Join(scenarioNames(), ", "))
	f.StringVar(&o.dir, "dir", "", "directory for the warehouses and CA files (default a temporary directory, removed)")
	f.Float64Var(&o.scale, "scale", 1, "multiply user and tenant counts by this factor (quick runs)")
	f.IntVar(&o.concurrency, "concurrency", 0, "tenants extracted at once (default the pipeline's)")
	f.StringVar(&o.memoryLimit, "memory-limit", "", "DuckDB memory_limit (default the warehouse's)")
	f.IntVar(&o.threads, "threads", 0, "DuckDB threads (default the warehouse's)")
	f.BoolVar(&o.inProcess, "in-process", false, "run the scenarios in this process, not one child each")
	f.BoolVar(&o.jsonOut, "json", false, "print one JSON measurement per scenario instead of the table")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the in-process scenarios to this file")
	f.IntVar(&o.nights, "nights", defaultNights, "nights of the history scenario (history only)")
	return c
}

func runBench(ctx context.Context, g *globals, o benchOptions, logLevelSet bool) error {
	if !logLevelSet {
		g.logLevel = "warn" // a thousand "tenant done" lines would drown the table
	}
	if o.scale <= 0 || o.concurrency < 0 || o.threads < 0 || o.nights < 1 {
		return usageErr(errors.New("--scale and --nights must be positive, --concurrency and --threads not negative"))
	}
	if len(o.scenarios) == 0 {
		o.scenarios = defaultScenarios()
	}
	if o.nightsSet && !slices.Contains(o.scenarios, scenarioHistory) {
		return usageErr(errors.New("--nights: applies only to --scenario history"))
	}
	var plan []benchScenario
	for _, name := range o.scenarios {
		s, ok := scenarioByName(name)
		if !ok {
			return usageErr(fmt.Errorf("--scenario: unknown %q, want one of %s", name, strings.Join(scenarioNames(), ", ")))
		}
		plan = append(plan, s.scaled(o.scale))
	}
	child := len(plan) > 1 && !o.inProcess
	if o.cpuProfile != "" && !child {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var results []benchMeasure
	for _, s := range plan {
		var m benchMeasure
		var err error
		if child {
			m, err = benchChild(ctx, g, o, s.Name)
		} else {
			m, err = measure(ctx, g, o, s)
		}
		if err != nil {
			return fmt.Errorf("bench %s: %w", s.Name, err)
		}
		if o.jsonOut {
			if err := json.NewEncoder(g.stdout).Encode(m); err != nil {
				return fmt.Errorf("write measurement: %w", err)
			}
		}
		results = append(results, m)
	}
	if o.jsonOut {
		return nil
	}
	return printBenchTable(g.stdout, results)
}

// benchChild re-executes this binary for one scenario and reads its JSON
// measurement from stdout; stderr goes through.
func benchChild(ctx context.Context, g *globals, o benchOptions, name string) (benchMeasure, error) {
	exe, err := os.Executable()
	if err != nil {
		return benchMeasure{}, fmt.Errorf("find own executable: %w", err)
	}
	args := []string{"bench", "--scenario", name, "--json", "--log-level", g.logLevel,
		"--scale", strconv.FormatFloat(o.scale, 'g', -1, 64), "--concurrency", strconv.Itoa(o.concurrency),
		"--threads", strconv.Itoa(o.threads)}
	if o.dir != "" {
		args = append(args, "--dir", o.dir)
	}
	if o.memoryLimit != "" {
		args = append(args, "--memory-limit", o.memoryLimit)
	}
	if g.configPath != "" {
		args = append(args, "--config", g.configPath)
	}
	if name == scenarioHistory {
		args = append(args, "--nights", strconv.Itoa(o.nights))
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, g.stderr
	if err := cmd.Run(); err != nil {
		return benchMeasure{}, fmt.Errorf("child process: %w", err)
	}
	var m benchMeasure
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &m); err == nil && m.Scenario == name {
			return m, nil
		}
	}
	return benchMeasure{}, fmt.Errorf("child process printed no measurement for %s", name)
}

// cores is what the table says the figures were measured on.
func cores() string {
	return fmt.Sprintf("%d CPUs, GOMAXPROCS %d, %s/%s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
}

// measure runs scenario s in this process.
func measure(ctx context.Context, g *globals, o benchOptions, s benchScenario) (benchMeasure, error) {
	switch s.Name {
	case scenarioNightly:
		return runNightly(ctx, g, o, s)
	case scenarioHistory:
		return runHistory(ctx, g, o, s)
	}
	return runScenario(ctx, g, o, s)
}

// defaultScenarios are those that run without --scenario: all but the
// explicit ones (history, which takes minutes per ten nights).
func defaultScenarios() []string {
	var names []string
	for _, s := range benchScenarios {
		if !s.Explicit {
			names = append(names, s.Name)
		}
	}
	return names
}

func scenarioNames() []string {
	names := make([]string, len(benchScenarios))
	for i, s := range benchScenarios {
		names[i] = s.Name
	}
	return names
}

func scenarioByName(name string) (benchScenario, bool) {
	i := slices.IndexFunc(benchScenarios, func(s benchScenario) bool { return s.Name == name })
	if i < 0 {
		return benchScenario{}, false
	}
	return benchScenarios[i], true
}

// seconds formats a duration in seconds with two decimals.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s" }
