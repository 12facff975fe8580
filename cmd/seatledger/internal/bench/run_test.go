package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
)

// testDeps are the bench's dependencies with the built-in configuration;
// no nightly job.
func testDeps(stdout *bytes.Buffer) Deps {
	return Deps{
		Stdout: stdout, Stderr: &bytes.Buffer{},
		Logger:     func() (*slog.Logger, error) { return slog.New(slog.DiscardHandler), nil },
		LogLevel:   "warn",
		Now:        time.Now,
		LoadConfig: func() (*config.Config, error) { return config.Default(), nil },
	}
}

// TestRunInProcess runs a shrunken P6 (3 tenants of 1 user at 200 ms) in
// this process through the real credential and SDK client, prints its
// JSON measurement, and reads the storage of the warehouse it kept.
func TestRunInProcess(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	o := Options{Scenarios: []string{"p6"}, Scale: 0.003, InProcess: true, JSON: true, Dir: dir, Nights: DefaultNights}
	if err := Run(context.Background(), testDeps(&out), o); err != nil {
		t.Fatalf("Run: %v", err)
	}
	m, err := readMeasure(&out, "p6")
	if err != nil {
		t.Fatalf("%v in %q", err, out.String())
	}
	if m.Tenants != 3 || m.Users != 1 || m.Loaded != 3 || m.Failed != 0 {
		t.Errorf("got %d tenants x %d users, %d loaded, %d failed; want 3 x 1, 3 loaded, 0 failed", m.Tenants, m.Users, m.Loaded, m.Failed)
	}
	if want := 200 * time.Millisecond; m.Floor != want || m.Concurrency != 4 || m.Wall < want {
		t.Errorf("floor at concurrency %d: got %s (wall %s), want %s at 4 and a wall above it", m.Concurrency, m.Floor, m.Wall, want)
	}
	if m.Requests < 3*6 || m.PeakRSS <= 0 || m.PeakHeap == 0 {
		t.Errorf("got %d Graph requests, peak RSS %d, heap %d; want at least 18 (six datasets for each of 3 tenants) and peaks", m.Requests, m.PeakRSS, m.PeakHeap)
	}
	u, err := storageOf(context.Background(), filepath.Join(dir, "p6", "seatledger.duckdb"))
	if err != nil {
		t.Fatalf("storageOf: %v", err)
	}
	if !slices.IsSortedFunc(u.Tables, func(a, b TableUsage) int { return int(b.Blocks - a.Blocks) }) {
		t.Errorf("tables not by blocks, most first: %v", u.Tables)
	}
	i := slices.IndexFunc(u.Tables, func(t TableUsage) bool { return t.Name == "main.raw_users_versions" })
	if i < 0 || u.Tables[i].Rows != 3 || u.Tables[i].Blocks == 0 {
		t.Errorf("main.raw_users_versions: got %v, want 3 rows in a block", u.Tables)
	}
}

func TestChildArgs(t *testing.T) {
	base := []string{"bench", "--scenario", "p6", "--json", "--log-level", "warn", "--scale", "0.5", "--concurrency", "0", "--threads", "0"}
	cases := []struct {
		name     string
		d        Deps
		o        Options
		scenario string
		want     []string
	}{
		{"defaults", Deps{LogLevel: "warn"}, Options{Scale: 0.5, Nights: 90}, "p6", base},
		{"every flag", Deps{LogLevel: "debug", ConfigPath: "c.yml"},
			Options{Scale: 1, Concurrency: 8, Threads: 2, Dir: "/b", MemoryLimit: "2GB", Nights: 5}, "history",
			[]string{"bench", "--scenario", "history", "--json", "--log-level", "debug", "--scale", "1", "--concurrency", "8",
				"--threads", "2", "--dir", "/b", "--memory-limit", "2GB", "--config", "c.yml", "--nights", "5"}},
		{"nights only for history", Deps{LogLevel: "warn"}, Options{Scale: 0.5, Nights: 5}, "p6", base},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := childArgs(tc.d, tc.o, tc.scenario); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadMeasure: a child's measurement is the JSON line of its
// scenario, whatever else it printed.
func TestReadMeasure(t *testing.T) {
	line, err := json.Marshal(Measure{Scenario: "p1", Loaded: 7})
	if err != nil {
		t.Fatal(err)
	}
	out := "not json\n" + `{"scenario":"p6"}` + "\n" + string(line) + "\n"
	m, err := readMeasure(strings.NewReader(out), "p1")
	if err != nil || m.Loaded != 7 {
		t.Errorf("got %+v, %v; want p1's measurement", m, err)
	}
	if _, err := readMeasure(strings.NewReader(out), "load-1m"); err == nil {
		t.Error("scenario not printed: got no error, want one")
	}
}

// TestPrintTable prints the lines of each kind of scenario beside their
// floors, targets and verdicts.
func TestPrintTable(t *testing.T) {
	s := time.Second
	ms := []Measure{
		{Scenario: "load-1m", Title: "P2/P3", Tenants: 1, Users: 1000, Loaded: 1000, Wall: s / 100, Extract: s / 200,
			PeakRSS: 600 << 20, Concurrency: 4, Cores: "2 CPUs"},
		{Scenario: "p6", Title: "P6", Tenants: 10, Users: 1, Latency: 200 * time.Millisecond, Concurrency: 4, Chain: 1,
			Floor: 600 * time.Millisecond, Wall: 700 * time.Millisecond, Extract: 650 * time.Millisecond},
		{Scenario: "nightly-100k", Title: "nightly", Users: 10, Nightly: &NightlyMeasure{SDKRead: s, SDKReadAfter: s, Job: 2 * s, Ratio: 2, Signals: []string{"copilot_usage"}}},
	}
	var out bytes.Buffer
	if err := printTable(&out, ms); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SCENARIO  ", "P2 load-1m", "100000", ">= 50000", "P3 load-1m", "600 MB", "<= 500 MB", "MISSED",
		"P6 p6", "0.60 s (3 x 1 req x 200ms)", "1.167", "<= 1.20", "job / mean SDK read", "2.00", "<= 1.00",
		"usage signals copilot_usage; SDK read 1.00 s of 0 users (1.00 s after the next night), then job 2.00 s", "measured on 2 CPUs\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
