// Package bench is seatledger bench: it runs the scenarios against the
// in-process tenant simulator (each in a child process of its own unless
// told otherwise), and prints each measurement beside its floor and target
// as a table or as JSON.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract"
)

// Options are the flags of seatledger bench.
type Options struct {
	Scenarios   []string // default all but the explicit ones
	Dir         string   // kept warehouses and CA files; default a temporary directory, removed
	Scale       float64  // multiplies user and tenant counts
	Concurrency int      // tenants extracted at once; 0: the pipeline's
	MemoryLimit string   // DuckDB memory_limit; "": the warehouse's
	Threads     int      // DuckDB threads; 0: the warehouse's
	InProcess   bool     // run the scenarios in this process, not one child each
	JSON        bool     // one JSON measurement per scenario instead of the table
	CPUProfile  string   // CPU profile of the in-process scenarios
	Nights      int      // of the history scenario
	NightsSet   bool     // Nights was given: only with the history scenario
	// Signals are the usage-signal datasets nightly-100k's and history's
	// jobs read (tenants[].signals); nil: config.DefaultSignals.
	Signals []string
}

// JobFunc runs the whole nightly job (as seatledger run does) for tenants
// on the day of now, writing nothing to stdout and reading the business
// time as now, and tells stage about each stage as it ends:
// pipeline.StageExtract, pipeline.StageTransform and job.StageWorkbook.
type JobFunc func(ctx context.Context, cfg *config.Config, tenants []pipeline.Tenant, now time.Time,
	stage job.StageFunc) ([]pipeline.Result, error)

// Deps are what the bench takes from the rest of the program.
type Deps struct {
	Stdout io.Writer // the table or the JSON
	Stderr io.Writer // the children's stderr
	// Logger is the logger of the in-process scenarios.
	Logger func() (*slog.Logger, error)
	// LogLevel and ConfigPath are passed on to child processes
	// (--log-level, --config; ConfigPath "" passes none).
	LogLevel   string
	ConfigPath string
	// Now is the business time (the history's nights end on its day).
	Now func() time.Time
	// LoadConfig is the configuration (--config, else the defaults).
	LoadConfig func() (*config.Config, error)
	// Job is the whole nightly job (nightly-100k).
	Job JobFunc
}

// Run runs the scenarios of o and prints their measurements.
func Run(ctx context.Context, d Deps, o Options) error {
	if o.Scale <= 0 || o.Concurrency < 0 || o.Threads < 0 || o.Nights < 1 {
		return exit.UsageError(errors.New("--scale and --nights must be positive, --concurrency and --threads not negative"))
	}
	if len(o.Scenarios) == 0 {
		o.Scenarios = defaultScenarios()
	}
	if o.NightsSet && !slices.Contains(o.Scenarios, scenarioHistory) {
		return exit.UsageError(errors.New("--nights: applies only to --scenario history"))
	}
	for _, name := range o.Signals {
		if !slices.Contains(extract.SignalDatasets, name) {
			return exit.UsageError(fmt.Errorf("--signals: %q is not one of %s", name, strings.Join(extract.SignalDatasets, ", ")))
		}
	}
	var plan []scenario
	for _, name := range o.Scenarios {
		s, ok := scenarioByName(name)
		if !ok {
			return exit.UsageError(fmt.Errorf("--scenario: unknown %q, want one of %s", name, strings.Join(ScenarioNames(), ", ")))
		}
		plan = append(plan, s.scaled(o.Scale))
	}
	child := len(plan) > 1 && !o.InProcess
	if o.CPUProfile != "" && !child {
		stop, err := startCPUProfile(o.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var results []Measure
	for _, s := range plan {
		var m Measure
		var err error
		if child {
			m, err = runChild(ctx, d, o, s.Name)
		} else {
			m, err = measure(ctx, d, o, s)
		}
		if err != nil {
			return fmt.Errorf("bench %s: %w", s.Name, err)
		}
		if o.JSON {
			if err := json.NewEncoder(d.Stdout).Encode(m); err != nil {
				return fmt.Errorf("write measurement: %w", err)
			}
		}
		results = append(results, m)
	}
	if o.JSON {
		return nil
	}
	return printTable(d.Stdout, results)
}

// childArgs are the arguments of this binary that run scenario name alone
// and print its measurement as JSON.
func childArgs(d Deps, o Options, name string) []string {
	args := []string{"bench", "--scenario", name, "--json", "--log-level", d.LogLevel,
		"--scale", strconv.FormatFloat(o.Scale, 'g', -1, 64), "--concurrency", strconv.Itoa(o.Concurrency),
		"--threads", strconv.Itoa(o.Threads)}
	if o.Dir != "" {
		args = append(args, "--dir", o.Dir)
	}
	if o.MemoryLimit != "" {
		args = append(args, "--memory-limit", o.MemoryLimit)
	}
	if d.ConfigPath != "" {
		args = append(args, "--config", d.ConfigPath)
	}
	if name == scenarioHistory {
		args = append(args, "--nights", strconv.Itoa(o.Nights))
	}
	if o.Signals != nil {
		args = append(args, "--signals", strings.Join(o.Signals, ","))
	}
	return args
}

// runChild re-executes this binary for one scenario and reads its JSON
// measurement from stdout; stderr goes through.
func runChild(ctx context.Context, d Deps, o Options, name string) (Measure, error) {
	exe, err := os.Executable()
	if err != nil {
		return Measure{}, fmt.Errorf("find own executable: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, childArgs(d, o, name)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, d.Stderr
	if err := cmd.Run(); err != nil {
		return Measure{}, fmt.Errorf("child process: %w", err)
	}
	return readMeasure(&out, name)
}

// readMeasure is the measurement of scenario name among the lines a child
// printed.
func readMeasure(out io.Reader, name string) (Measure, error) {
	var m Measure
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &m); err == nil && m.Scenario == name {
			return m, nil
		}
	}
	return Measure{}, fmt.Errorf("child process printed no measurement for %s", name)
}

// cores is what the table says the figures were measured on.
func cores() string {
	return fmt.Sprintf("%d CPUs, GOMAXPROCS %d, %s/%s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
}

// measure runs scenario s in this process.
func measure(ctx context.Context, d Deps, o Options, s scenario) (Measure, error) {
	switch s.Name {
	case scenarioNightly:
		return runNightly(ctx, d, o, s)
	case scenarioHistory:
		return runHistory(ctx, d, o, s)
	}
	return runScenario(ctx, d, o, s)
}

// defaultScenarios are those that run without --scenario: all but the
// explicit ones (history, which takes minutes per ten nights).
func defaultScenarios() []string {
	var names []string
	for _, s := range scenarios {
		if !s.Explicit {
			names = append(names, s.Name)
		}
	}
	return names
}

// ScenarioNames are the names --scenario takes.
func ScenarioNames() []string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.Name
	}
	return names
}

func scenarioByName(name string) (scenario, bool) {
	i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.Name == name })
	if i < 0 {
		return scenario{}, false
	}
	return scenarios[i], true
}

// seconds formats a duration in seconds with two decimals.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s" }
