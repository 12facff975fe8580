// Package job is the nightly job as run and demo run it: open the
// warehouse, extract and load every tenant, transform, write the workbook
// and the Parquet export, print the summary, and tell each stage's time
// and outcome. It also writes the workbook of a past day for report.
package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// StageFunc is told how long a stage of a run took and whether it
// succeeded (serve's job metrics, bench's timings).
type StageFunc func(stage string, elapsed time.Duration, ok bool)

// Stages that Run reports besides the pipeline's (pipeline.StageExtract
// and pipeline.StageTransform).
const (
	StageWarehouse = "warehouse"
	StageWorkbook  = "workbook"
)

// ParquetFunc exports the warehouse as Parquet into dir, names and
// addresses replaced when pseudo is set, and returns the directory's path.
type ParquetFunc func(ctx context.Context, w *load.Warehouse, dir string, pseudo *transform.Pseudonymizer, now time.Time) (string, error)

// Options are what a run takes from the command that starts it.
type Options struct {
	Logger *slog.Logger
	Stdout io.Writer        // the run's summary
	Now    func() time.Time // the business time (runs and snapshots are dated by it)
	Params []load.ParamTable
	Pseudo *transform.Pseudonymizer // nil: reports.pseudonymize is off
	Tuning []load.Option            // DuckDB settings of the warehouse
	// Progress, when set, shows how many users each tenant has loaded, on
	// one line rewritten while the pipeline runs; only when it is a
	// terminal, so that logs and CI output stay clean.
	Progress io.Writer
	// Parquet writes reports.parquet_dir when it is set.
	Parquet ParquetFunc
	// Stage, when set, is told about each stage: warehouse, extract,
	// transform and workbook.
	Stage StageFunc
}

// Run opens the warehouse, runs the pipeline over tenants, prunes past
// warehouse.retention_days, writes the workbook (reports.excel) and the
// Parquet export (reports.parquet_dir), and prints the summary. It returns
// the tenants' results and an error that carries the exit code: 3 when
// some tenants failed, 1 otherwise. The warehouse is open only inside
// this call.
func Run(ctx context.Context, cfg *config.Config, tenants []pipeline.Tenant, now time.Time, timeout time.Duration, o Options) ([]pipeline.Result, error) {
	stage := o.Stage
	if stage == nil {
		stage = func(string, time.Duration, bool) {}
	}
	start := time.Now()
	w, err := load.Open(ctx, cfg.Warehouse.Path, append(slices.Clip(o.Tuning), load.WithLogger(o.Logger))...)
	stage(StageWarehouse, time.Since(start), err == nil)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", cfg.Warehouse.Path, err)
	}
	defer w.Close()
	users, done := func(string, int64) {}, func() {}
	if o.Progress != nil {
		p := newProgress(o.Progress)
		users, done = p.users, p.done
	}
	elapsed := map[string]time.Duration{}
	results, runErr := pipeline.Run(ctx, w, tenants, pipeline.Options{
		Logger: o.Logger, Now: func() time.Time { return o.Now().UTC() }, Params: o.Params, Progress: users, Timeout: timeout,
		Concurrency: cfg.Run.Concurrency,
		StageDone:   func(s string, d time.Duration) { elapsed[s] = d },
	})
	done()
	// Retention: a failed prune loses nothing and is retried next run.
	if _, err := w.Prune(ctx, cfg.Warehouse.RetentionDays, now); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("apply warehouse.retention_days: %w", err))
	}
	extractOK, transformOK := stageOutcomes(results, runErr)
	stage(pipeline.StageExtract, elapsed[pipeline.StageExtract], extractOK)
	stage(pipeline.StageTransform, elapsed[pipeline.StageTransform], transformOK)
	// The workbook (mostly Go) and the Parquet export (mostly DuckDB) only
	// read the warehouse: side by side they take the longer of the two.
	var book, parquet string
	var bookErr, parquetErr error
	var wg sync.WaitGroup
	if cfg.Reports.ParquetDir != "" && o.Parquet != nil {
		wg.Go(func() { parquet, parquetErr = o.Parquet(ctx, w, cfg.Reports.ParquetDir, o.Pseudo, now) })
	}
	if cfg.Reports.Excel {
		start = time.Now()
		book, bookErr = writeWorkbook(ctx, w, cfg.Reports.Dir, cfg.Reports.Keep, now, o.Pseudo)
		stage(StageWorkbook, time.Since(start), bookErr == nil)
		if bookErr != nil {
			runErr = errors.Join(runErr, fmt.Errorf("write workbook: %w", bookErr))
		}
	}
	wg.Wait()
	if parquetErr != nil {
		runErr = errors.Join(runErr, parquetErr)
	}
	if err := printSummary(ctx, o.Stdout, w, results, cfg.Warehouse.Path, book); err != nil {
		runErr = errors.Join(runErr, err)
	}
	if parquet != "" {
		fmt.Fprintf(o.Stdout, "parquet:   %s\n", parquet)
	}
	return results, runOutcome(results, runErr)
}

// stageOutcomes tells from pipeline.Run's results and error whether the
// extract stage (every tenant) and the transform stage succeeded: Run's
// error joins one error per failed tenant, plus any of the transforms.
func stageOutcomes(results []pipeline.Result, runErr error) (extract, transform bool) {
	failed := failures(results)
	errs := 0
	if runErr != nil {
		errs = 1
		if j, ok := runErr.(interface{ Unwrap() []error }); ok {
			errs = len(j.Unwrap())
		}
	}
	return failed == 0, errs <= failed
}

// runOutcome turns the tenants' results into the exit: 0 when all
// succeeded (degraded counts as success), 3 when some failed, 1 when all did
// or the run itself failed.
func runOutcome(results []pipeline.Result, err error) error {
	if err == nil {
		return nil
	}
	failed := failures(results)
	if failed > 0 && failed < len(results) {
		return exit.PartialError(fmt.Errorf("%d of %d tenants failed: %w", failed, len(results), err))
	}
	return err
}

// failures counts the tenants that failed.
func failures(results []pipeline.Result) int {
	n := 0
	for _, r := range results {
		if r.Err != nil {
			n++
		}
	}
	return n
}
