package main

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/bench"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/clock"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/job"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/extract"
)

// benchCmd is seatledger bench: its flags and its wiring; the bench itself
// is internal/bench.
func benchCmd(g *globals) *cobra.Command {
	o := bench.Options{}
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
             100k users, two nights, beside the documented msgraph-sdk-go read
             of the same tenant (Users().Get + PageIterator), measured before
             the first night and after the second: job / mean of the two reads
  history    --nights N (default 90) nights of a 20k-user tenant with 1 % daily
             churn through the real CLI (run, report, export, query), night N
             against night 1; writes history.csv. Runs only when named.

Each scenario runs in a child process (this binary, re-executed) so that its peak
RSS is its own; --in-process runs them in this process instead. history runs
every command of every night in a child process of its own.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.NightsSet = cmd.Flags().Changed("nights")
			if !cmd.Flags().Changed("signals") {
				o.Signals = nil
			} else if o.Signals == nil {
				o.Signals = []string{} // --signals "": none
			}
			if !cmd.Flags().Changed("log-level") {
				g.logLevel = "warn" // a thousand "tenant done" lines would drown the table
			}
			return bench.Run(cmd.Context(), benchDeps(g), o)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&o.Scenarios, "scenario", nil, "scenarios to run (default all but history): "+strings.Join(bench.ScenarioNames(), ", "))
	f.StringVar(&o.Dir, "dir", "", "directory for the warehouses and CA files (default a temporary directory, removed)")
	f.Float64Var(&o.Scale, "scale", 1, "multiply user and tenant counts by this factor (quick runs)")
	f.IntVar(&o.Concurrency, "concurrency", 0, "tenants extracted at once (default the pipeline's)")
	f.StringVar(&o.MemoryLimit, "memory-limit", "", "DuckDB memory_limit (default the warehouse's)")
	f.IntVar(&o.Threads, "threads", 0, "DuckDB threads (default the warehouse's)")
	f.BoolVar(&o.InProcess, "in-process", false, "run the scenarios in this process, not one child each")
	f.BoolVar(&o.JSON, "json", false, "print one JSON measurement per scenario instead of the table")
	f.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the in-process scenarios to this file")
	f.IntVar(&o.Nights, "nights", bench.DefaultNights, "nights of the history scenario (history only)")
	f.StringSliceVar(&o.Signals, "signals", nil, "usage-signal datasets the nightly-100k and history jobs read (default tenants[].signals' default, "+
		strings.Join(config.DefaultSignals(), ",")+"; all: "+strings.Join(extract.SignalDatasets, ",")+")")
	return c
}

// benchDeps are what internal/bench takes from the rest of the program.
// Job is the whole nightly job as run runs it, with its summary discarded
// and the business time the night's.
func benchDeps(g *globals) bench.Deps {
	return bench.Deps{
		Stdout: g.stdout, Stderr: g.stderr,
		Logger:   g.logger,
		LogLevel: g.logLevel, ConfigPath: g.configPath,
		Now:        g.now,
		LoadConfig: func() (*config.Config, error) { return g.loadConfig(false) },
		Job: func(ctx context.Context, cfg *config.Config, tenants []pipeline.Tenant, now time.Time, stage job.StageFunc) ([]pipeline.Result, error) {
			opts, err := g.jobOptions(cfg, stage)
			if err != nil {
				return nil, err
			}
			opts.Stdout = io.Discard     // the job's summary is computed, not shown
			opts.Now = clock.At(now).Now // the night's day decides the snapshot and the delta read
			return job.Run(ctx, cfg, tenants, now, 0, opts)
		},
	}
}
