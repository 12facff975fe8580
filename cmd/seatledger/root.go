package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/clock"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
)

// globals are the flags every command shares.
type globals struct {
	configPath string
	logLevel   string
	logFormat  string
	stdout     io.Writer
	stderr     io.Writer
	getenv     func(string) string
	clock      clock.Clock // SEATLEDGER_NOW; the real clock until the command starts
}

// run is the whole program: main only adds the signal context and the exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runWith(ctx, args, stdout, stderr, os.Getenv)
}

// runWith is run with the environment read through getenv, so that tests
// run commands in-process without touching the process environment.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	g := &globals{stdout: stdout, stderr: stderr, getenv: getenv}
	root := &cobra.Command{
		Use:           "seatledger",
		Short:         "Microsoft 365 licence spend: nightly ETL into DuckDB, reclamation candidates, workbook and metrics",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		c, err := clock.FromEnv(getenv)
		if err != nil {
			return exit.UsageError(err)
		}
		g.clock = c
		return nil
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&g.configPath, "config", "c", "", "configuration file (YAML); env SEATLEDGER_CONFIG")
	pf.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	root.AddCommand(
		demoCmd(g), runCmd(g), checkCmd(g), queryCmd(g), graphsimCmd(g), benchCmd(g), serveCmd(g),
		reportCmd(g), exportCmd(g), reclaimCmd(g), assignCmd(g), plansCmd(g), unassignCmd(g), rebuildCmd(g),
	)
	return root.ExecuteContext(ctx)
}

// logger builds the structured logger all stages receive. Logs go to stderr
// so that stdout stays clean for results.
func (g *globals) logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, exit.UsageError(fmt.Errorf("--log-level: %w", err))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(g.logFormat) {
	case "text":
		return slog.New(slog.NewTextHandler(g.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(g.stderr, opts)), nil
	default:
		return nil, exit.UsageError(fmt.Errorf("--log-format: must be text or json, got %q", g.logFormat))
	}
}

// now is the business time (SEATLEDGER_NOW, see internal/clock): what
// dates snapshots, runs, plans and undo files. Durations and timeouts use
// the real clock.
func (g *globals) now() time.Time { return g.clock.Now() }
