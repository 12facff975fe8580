// Package demo is what seatledger demo runs the whole job against: the
// tenant simulator started in-process in the demo directory, the
// configuration that writes every output there, and the simulator's
// tenant as the pipeline extracts it.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// Options are the flags of seatledger demo.
type Options struct {
	Dir          string  // output directory
	Users        int     // simulated users
	Seed         int64   // same seed, same tenant
	ThrottleRate float64 // fraction of Graph requests throttled with 429
	Concealed    bool    // the usage report conceals user names
}

// CopilotSeats is the share of the demo tenant's suite users who also
// hold Microsoft 365 Copilot, so that the demo judges Copilot seats.
const CopilotSeats = 0.2

// Start creates o.Dir and starts the simulator there: a tenant of o.Users
// users generated on the day of now, CopilotSeats of its suite users
// holding Copilot, served over HTTPS on loopback with a CA of its own. Its
// sign-in reads are throttled at 5 requests a second (Graph's limit is 5
// per 10 s: the demo shows the waits without lasting a minute). The caller
// closes it.
func Start(o Options, now time.Time, log *slog.Logger) (*graphsim.Server, error) {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create demo directory: %w", err)
	}
	tenant := graphsim.Generate(graphsim.GenOptions{Users: o.Users, Seed: o.Seed, Now: now, CopilotSeats: CopilotSeats})
	srv, err := graphsim.NewServer(tenant, graphsim.ServerOptions{
		Dir: o.Dir, ThrottleRate: o.ThrottleRate, RetryAfter: time.Second,
		Concealed: o.Concealed, Seed: o.Seed, Logger: log,
		Permissions: graphsim.SignInPermissions, SignInThrottleWindow: time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("start simulator: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start simulator: %w", err)
	}
	return srv, nil
}

// Configure points cfg's warehouse, workbook and Parquet export into dir.
func Configure(cfg *config.Config, dir string) {
	cfg.Warehouse.Path = filepath.Join(dir, "seatledger.duckdb")
	cfg.Reports.Dir = dir
	cfg.Reports.ParquetDir = filepath.Join(dir, "parquet")
}

// Tenant is the simulator's tenant, named demo, as the pipeline extracts
// it: through the real credential and Graph client, its requests counted
// for the run journal, every usage-signal dataset read.
func Tenant(ctx context.Context, srv *graphsim.Server, log *slog.Logger) (pipeline.Tenant, error) {
	counter := tenants.NewRequestCounter()
	src, err := tenants.SimClient(ctx, srv, log.With("tenant", "demo"), counter.Observe)
	if err != nil {
		return pipeline.Tenant{}, err
	}
	return pipeline.Tenant{Name: "demo", Source: src, ReportPeriod: "D7", Signals: extract.SignalDatasets, Counter: counter.Totals}, nil
}
