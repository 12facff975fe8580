package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/clock"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// The history scenario: one tenant night after night, as an operator's
// nightly script runs seatledger against it.
const (
	DefaultNights    = 90
	historyChurn     = 0.01 // of the users, each day
	historySeed      = 7
	historyNightTime = 3 * time.Hour // SEATLEDGER_NOW is each night at 03:00Z
	historySecretEnv = "SEATLEDGER_BENCH_SECRET"
	historyTenant    = "contoso"
)

// Queries of the history scenario: a latest mart every night, spend by day
// over all nights on the sampled ones.
const (
	queryLatestSpend = "SELECT sum(annual_cost) FROM mart_spend"
	querySpendByDay  = "SELECT snapshot_date, sum(annual_cost) FROM mart_spend_history GROUP BY ALL ORDER BY 1"
)

// HistoryMeasure is what the history scenario measures.
type HistoryMeasure struct {
	Nights  int            `json:"nights"`
	Churn   float64        `json:"daily_churn"`
	Night   []HistoryNight `json:"per_night"`
	Summary HistorySummary `json:"summary"`
	Storage WarehouseUsage `json:"storage"`
	CSV     string         `json:"csv"` // kept when --dir is given
}

// HistoryNight is one night: each command's figures and the warehouse's
// size once they are done.
type HistoryNight struct {
	Night      int         `json:"night"`
	Date       string      `json:"date"`
	Users      int         `json:"users"` // live users of the simulated directory that night
	Run        ChildFigure `json:"run"`
	Report     ChildFigure `json:"report"`
	Export     ChildFigure `json:"export"`
	Query      ChildFigure `json:"query"`
	SpendByDay ChildFigure `json:"spend_by_day"` // zero on nights not sampled
	Bytes      int64       `json:"warehouse_bytes"`
	Spend      string      `json:"spend"` // what the latest-mart query printed
	Days       int         `json:"spend_days"`
}

// ChildFigure is one command run as a child process.
type ChildFigure struct {
	Wall    time.Duration `json:"wall_ns"`
	PeakRSS int64         `json:"peak_rss_bytes"`
	Exit    int           `json:"exit_code"`
}

// sampled tells whether night n of nights runs the spend-by-day query:
// the first, the last and every tenth.
func sampled(n, nights int) bool { return n == 1 || n == nights || n%10 == 0 }

// historyRun is the state kept across nights.
type historyRun struct {
	logLevel string // of every command
	exe      string // this binary
	dir      string
	users    int
	nights   int
	origin   time.Time // midnight UTC of the tenant's first day
	addr     string    // fixed after the first night
	cfg      string    // written on the first night
}

// runHistory runs o.Nights nights and summarises them.
func runHistory(ctx context.Context, d Deps, o Options, s scenario) (Measure, error) {
	m := Measure{Scenario: s.Name, Title: s.Title, Tenants: 1, Users: s.Users, Cores: cores()}
	dir, cleanup, err := workDir(o.Dir, s.Name)
	if err != nil {
		return m, err
	}
	defer cleanup()
	exe, err := os.Executable()
	if err != nil {
		return m, fmt.Errorf("find own executable: %w", err)
	}
	today := d.Now().UTC().Truncate(24 * time.Hour)
	h := &historyRun{logLevel: d.LogLevel, exe: exe, dir: dir, users: s.Users, nights: o.Nights,
		origin: today.AddDate(0, 0, -o.Nights), addr: "127.0.0.1:0"}
	hm := &HistoryMeasure{Nights: o.Nights, Churn: historyChurn, CSV: filepath.Join(dir, "history.csv")}
	m.History = hm
	csv, err := newHistoryCSV(hm.CSV)
	if err != nil {
		return m, err
	}
	defer csv.Close()
	for n := 1; n <= o.Nights; n++ {
		night, err := h.night(ctx, n, o)
		hm.Night = append(hm.Night, night)
		if werr := csv.write(night); werr != nil && err == nil {
			err = werr
		}
		if err != nil {
			return m, fmt.Errorf("night %d (%s): %w", n, night.Date, err)
		}
	}
	hm.Summary = summarize(hm.Night)
	for _, n := range hm.Night { // Wall is every command of every night

		m.Wall += n.Run.Wall + n.Report.Wall + n.Export.Wall + n.Query.Wall + n.SpendByDay.Wall
	}
	if hm.Storage, err = storageOf(ctx, h.warehouse()); err != nil {
		return m, err
	}
	return m, csv.Close()
}

func (h *historyRun) warehouse() string { return filepath.Join(h.dir, "seatledger.duckdb") }

// night serves the tenant as it stands on night n on the fixed address and
// runs the night's commands against it.
func (h *historyRun) night(ctx context.Context, n int, o Options) (HistoryNight, error) {
	now := h.origin.AddDate(0, 0, n).Add(historyNightTime)
	night := HistoryNight{Night: n, Date: now.Format(time.DateOnly)}
	srv, err := startSim(
		graphsim.GenOptions{Users: h.users, Seed: historySeed, Now: now, Day: n, DailyChurn: historyChurn},
		graphsim.ServerOptions{Addr: h.addr, CADir: filepath.Join(h.dir, "ca"), Seed: historySeed,
			// The sign-in datasets (--signals) need AuditLog.Read.All; their
			// throttle (5 requests per 10 s) would measure waiting, not the job.
			Permissions: graphsim.SignInPermissions, SignInThrottle: -1})
	if err != nil {
		return night, err
	}
	defer srv.Close()
	night.Users = len(srv.Tenant().LiveUsers())
	if h.cfg == "" {
		if err := h.writeConfig(srv, o); err != nil {
			return night, err
		}
	}
	env := append(os.Environ(), clock.Env+"="+now.Format(time.RFC3339),
		"SSL_CERT_FILE="+srv.CAFile(), historySecretEnv+"="+srv.ClientSecret())
	run := func(f *ChildFigure, args ...string) (string, error) {
		return h.child(ctx, env, f, args...)
	}
	if _, err := run(&night.Run, "run"); err != nil {
		return night, err
	}
	if _, err := run(&night.Report, "report"); err != nil {
		return night, err
	}
	if _, err := run(&night.Export, "export", "--dir", filepath.Join(h.dir, "lake")); err != nil {
		return night, err
	}
	out, err := run(&night.Query, "query", "--format", "csv", queryLatestSpend)
	if err != nil {
		return night, err
	}
	night.Spend = csvValue(out)
	if sampled(n, h.nights) {
		out, err := run(&night.SpendByDay, "query", "--format", "csv", querySpendByDay)
		if err != nil {
			return night, err
		}
		if night.Days = strings.Count(strings.TrimSpace(out), "\n"); night.Days != n {
			return night, fmt.Errorf("spend by day: got %d days, want %d", night.Days, n)
		}
	}
	night.Bytes, err = fileSize(h.warehouse())
	return night, err
}

// child runs this binary with args (and --config, --log-level) and records
// its wall time, peak RSS and exit code in f; a non-zero exit is an error
// quoting the tail of its stderr.
func (h *historyRun) child(ctx context.Context, env []string, f *ChildFigure, args ...string) (string, error) {
	args = append([]string{args[0], "--config", h.cfg, "--log-level", h.logLevel}, args[1:]...)
	cmd := exec.CommandContext(ctx, h.exe, args...)
	cmd.Env, cmd.Dir = env, h.dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	f.Wall = time.Since(start)
	if cmd.ProcessState != nil {
		f.PeakRSS, f.Exit = childPeakRSS(cmd.ProcessState), cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return out.String(), fmt.Errorf("seatledger %s: %w; stderr ends:\n%s", args[0], err, tail(errOut.String(), 2000))
	}
	return out.String(), nil
}

// writeConfig writes the configuration every night uses: the simulator on
// its fixed address (cloud custom), the secret from the environment, the
// warehouse, workbook and Parquet in the bench directory, the demo's prices.
func (h *historyRun) writeConfig(srv *graphsim.Server, o Options) error {
	u, err := url.Parse(srv.URL())
	if err != nil {
		return fmt.Errorf("simulator URL: %w", err)
	}
	h.addr = u.Host
	pricing, err := yaml.Marshal(map[string]config.Pricing{"pricing": config.DemoPricing()})
	if err != nil {
		return fmt.Errorf("write bench configuration: %w", err)
	}
	tuning := ""
	if o.MemoryLimit != "" {
		tuning += fmt.Sprintf("\n  memory_limit: %q", o.MemoryLimit)
	}
	if o.Threads > 0 {
		tuning += fmt.Sprintf("\n  threads: %d", o.Threads)
	}
	signals := ""
	if o.Signals != nil {
		signals = "\n    signals: [" + strings.Join(o.Signals, ", ") + "]"
	}
	text := fmt.Sprintf(`warehouse:
  path: %q%s
reports:
  excel: true
  dir: %q
  parquet_dir: %q
tenants:
  - name: %s
    tenant_id: %s
    cloud: custom
    authority_host: %s
    graph_endpoint: %s
    auth:
      method: client_secret
      client_id: %s
      client_secret_env: %s%s
%s`, h.warehouse(), tuning, filepath.Join(h.dir, "reports"), filepath.Join(h.dir, "parquet"),
		historyTenant, srv.TenantID(), srv.URL(), srv.URL(), srv.ClientID(), historySecretEnv, signals, pricing)
	path := filepath.Join(h.dir, "cfg.yml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return fmt.Errorf("write bench configuration: %w", err)
	}
	getenv := func(k string) string {
		if k == historySecretEnv {
			return srv.ClientSecret()
		}
		return ""
	}
	if _, err := config.Load(path, getenv); err != nil {
		return fmt.Errorf("bench configuration %s: %w", path, err)
	}
	h.cfg = path
	return nil
}

// fileSize is the size of a DuckDB file plus its write-ahead log.
func fileSize(path string) (int64, error) {
	var n int64
	for _, p := range []string{path, path + ".wal"} {
		st, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("warehouse size: %w", err)
		}
		n += st.Size()
	}
	return n, nil
}

// csvValue is the first value of a one-row CSV result (header, row).
func csvValue(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		return ""
	}
	return strings.TrimSpace(lines[1])
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
