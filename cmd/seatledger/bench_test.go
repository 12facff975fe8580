package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBenchFloor pins the floors the bench prints beside its figures.
func TestBenchFloor(t *testing.T) {
	cases := []struct {
		name        string
		s           benchScenario
		concurrency int
		chain       int
		want        time.Duration
	}{
		{"P1 100k users", benchScenarios[2], 4, 101, 101 * 200 * time.Millisecond},
		{"P6 1000 tenants, 4 at once", benchScenarios[3], 4, 1, 250 * 200 * time.Millisecond},
		{"P6 1000 tenants, 3 at once", benchScenarios[3], 3, 1, 334 * 200 * time.Millisecond},
		{"one page exactly", benchScenario{Tenants: 1, Users: 999, Latency: time.Second}, 1, 1, time.Second},
		{"one user more", benchScenario{Tenants: 1, Users: 1000, Latency: time.Second}, 1, 2, 2 * time.Second},
		{"zero latency", benchScenarios[1], 4, 1002, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.chain(); got != tc.chain {
				t.Errorf("chain: got %d, want %d", got, tc.chain)
			}
			if got := tc.s.floor(tc.concurrency); got != tc.want {
				t.Errorf("floor: got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestVmHWM(t *testing.T) {
	cases := []struct {
		name, status string
		want         int64
	}{
		{"present", "Name:\tseatledger\nVmPeak:\t  999 kB\nVmHWM:\t   123456 kB\nVmRSS:\t 1 kB\n", 123456 << 10},
		{"absent", "Name:\tseatledger\n", 0},
		{"garbled", "VmHWM:\tlots kB\n", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := vmHWM([]byte(tc.status)); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// TestBenchInProcess runs a shrunken P6 (3 tenants of 1 user at 200 ms)
// in-process through the real credential and SDK client, and reads the
// warehouse it kept back.
func TestBenchInProcess(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runMain(t, nil, "bench", "--scenario", "p6", "--scale", "0.003", "--in-process", "--json", "--dir", dir)
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var m benchMeasure
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if m.Tenants != 3 || m.Users != 1 || m.Loaded != 3 || m.Failed != 0 {
		t.Errorf("got %d tenants x %d users, %d loaded, %d failed; want 3 x 1, 3 loaded, 0 failed", m.Tenants, m.Users, m.Loaded, m.Failed)
	}
	if want := 200 * time.Millisecond; m.Floor != want || m.Concurrency != 4 {
		t.Errorf("floor at concurrency %d: got %s, want %s at 4", m.Concurrency, m.Floor, want)
	}
	if m.Requests < 3*6 {
		t.Errorf("Graph requests: got %d, want at least 18 (six datasets for each of 3 tenants)", m.Requests)
	}
	db := openWarehouse(t, filepath.Join(dir, "p6", "seatledger.duckdb"))
	if got := queryInt(t, db, "SELECT count(*) FROM etl_runs WHERE status = 'ok'"); got != 3 {
		t.Errorf("etl_runs ok: got %d, want 3", got)
	}
	if got := queryInt(t, db, "SELECT count(DISTINCT tenant) FROM raw_users"); got != 3 {
		t.Errorf("tenants in raw_users: got %d, want 3", got)
	}
}

// TestBenchTable runs two shrunken scenarios in child processes (the
// built binary re-executing itself) and checks the table.
func TestBenchTable(t *testing.T) {
	out, errOut, code := runBinary(t, nil, "bench", "--scenario", "load-100k,p6", "--scale", "0.001")
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"SCENARIO", "load-100k", "users/s end to end", "peak RSS",
		"P6 p6", "wall / floor", "(1 x 1 req x 200ms)", "<= 1.20", "measured on"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchUnknownScenario(t *testing.T) {
	_, _, err := runMain(t, nil, "bench", "--scenario", "p9")
	if err == nil || !strings.Contains(err.Error(), `unknown "p9"`) {
		t.Errorf("got %v, want an unknown-scenario error", err)
	}
}
