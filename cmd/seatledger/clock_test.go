package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMalformedNowFailsRun(t *testing.T) {
	for _, value := range []string{"2026-01-02", "2026-01-02 03:00:00", "yesterday"} {
		t.Run(value, func(t *testing.T) {
			_, _, err := runMain(t, map[string]string{"SEATLEDGER_NOW": value}, "run")
			var ec exitCoder
			if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 {
				t.Fatalf("run: got %v, want a usage error (exit 2)", err)
			}
			if !strings.Contains(err.Error(), "SEATLEDGER_NOW") || !strings.Contains(err.Error(), value) {
				t.Errorf("run: got %q, want an error naming SEATLEDGER_NOW and %q", err, value)
			}
		})
	}
	t.Run("binary", func(t *testing.T) {
		_, stderr, code := runBinary(t, []string{"SEATLEDGER_NOW=tomorrow"}, "run")
		if code != 2 || !strings.Contains(stderr, `SEATLEDGER_NOW: must be an RFC 3339 time such as 2026-01-31T03:00:00Z, got "tomorrow"`) {
			t.Errorf("run: got exit %d and %q, want exit 2 and an error naming SEATLEDGER_NOW", code, stderr)
		}
	})
}

// TestNowDatesTheRun: with SEATLEDGER_NOW, demo's simulated tenant, its
// snapshot and its workbook are of that day, and report defaults to it.
func TestNowDatesTheRun(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SEATLEDGER_NOW": "2030-01-15T03:00:00Z"}
	out, _, err := runMain(t, env, "demo", "--dir", dir, "--users", "150", "--throttle-rate", "0")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "seatledger-2030-01-15.xlsx")); err != nil {
		t.Errorf("workbook of the day: %v", err)
	}
	wh := filepath.Join(dir, "seatledger.duckdb")
	db := openWarehouse(t, wh)
	var snapshot, started, refresh time.Time
	err = db.QueryRow(`SELECT s.snapshot_date, r.started_at, r.report_refresh_date
		FROM snapshots s JOIN etl_runs r USING (run_id)`).Scan(&snapshot, &started, &refresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  time.Time
		want string
	}{{"snapshot date", snapshot, "2030-01-15"}, {"run start", started, "2030-01-15"}, {"report refresh date", refresh, "2030-01-13"}} {
		if got := c.got.UTC().Format(time.DateOnly); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	db.Close()
	env["SEATLEDGER_NOW"] = "2030-01-14T12:00:00Z"
	if _, _, err := runMain(t, env, "report", "--warehouse", wh, "--dir", dir); err == nil || !strings.Contains(err.Error(), "no snapshot on or before") {
		t.Errorf("report the day before the only snapshot: got %v, want no snapshot on or before 2030-01-14", err)
	}
}

// runGraphsim runs `seatledger graphsim` in-process until it has printed
// its connection details, then stops it and returns them.
func runGraphsim(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, append([]string{"graphsim"}, args...), &out, io.Discard, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), "client secret") {
		select {
		case err := <-done:
			t.Fatalf("graphsim %v: stopped early: %v\n%s", args, err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("graphsim %v: no connection details after a minute:\n%s", args, out.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("graphsim %v: %v", args, err)
	}
	return out.String()
}

// TestGraphsimNightAfterNight: two nights of the simulator, SEATLEDGER_NOW
// and --day moving together, serve the same tenant with the same
// credentials and CA, a day further on.
func TestGraphsimNightAfterNight(t *testing.T) {
	ca := t.TempDir()
	field := func(out, re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("graphsim output: no match for %s in\n%s", re, out)
		}
		return m[1]
	}
	var nights [2]string
	for n := range nights {
		env := map[string]string{"SEATLEDGER_NOW": time.Date(2026, 1, 4+n, 3, 0, 0, 0, time.UTC).Format(time.RFC3339)}
		nights[n] = runGraphsim(t, env, "--users", "500", "--seed", "7", "--day", []string{"3", "4"}[n],
			"--daily-churn", "0.01", "--ca-dir", ca)
	}
	for _, re := range []string{`tenant id:\s+(\S+)`, `client id:\s+(\S+)`, `client secret:\s+(\S+)`, `CA file:\s+(\S+)`} {
		if a, b := field(nights[0], re), field(nights[1], re); a != b {
			t.Errorf("%s: got %s on night 1 and %s on night 2, want the same", re, a, b)
		}
	}
	for n, want := range []string{"2026-01-02", "2026-01-03"} {
		if got := field(nights[n], `report refresh date (\S+)`); got != want {
			t.Errorf("night %d: report refresh date %s, want %s (SEATLEDGER_NOW minus two days)", n+1, got, want)
		}
	}
}
