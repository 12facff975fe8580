package main

import (
	"bytes"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// Crash test sizes: with crashLatency on every Graph answer, a run spends
// about as long extracting (token, small datasets, two users pages, the
// report) as committing and transforming, so kills land in every stage.
const (
	crashKills   = 20
	crashUsers   = 1500
	crashLatency = 300 * time.Millisecond
	crashSeed    = 20261123
)

// TestCrashConsistency kills `seatledger run` with SIGKILL at 20 seeded
// moments spread over a run, and after each kill checks that the
// warehouse opens, that its latest snapshot is complete (the previous
// run's, or the killed run's when the kill came after its commit), that
// no raw row lies outside a committed snapshot, and that the next run
// succeeds and marks the killed run aborted.
func TestCrashConsistency(t *testing.T) {
	tenant := graphsim.Generate(graphsim.GenOptions{Users: crashUsers, Seed: 11, Now: time.Now().UTC()})
	srv := startTenant(t, tenant, graphsim.ServerOptions{Latency: crashLatency})
	dir := t.TempDir()
	cfg, env := writeSimConfig(t, dir, srv)
	wh := filepath.Join(dir, "seatledger.duckdb")

	// The first run creates the warehouse; the second, timed, is what
	// the killed runs look like.
	var runTime time.Duration
	for _, name := range []string{"first run", "timed run"} {
		start := time.Now()
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", name, code, out, errOut)
		}
		runTime = time.Since(start)
	}
	prev := readStateOf(t, wh, false)
	full := prev.counts
	if full["raw_users"] != crashUsers || full["raw_usage_report"] == 0 {
		t.Fatalf("first run: got %v, want %d users and a usage report", full, crashUsers)
	}
	t.Logf("a run takes %v with %v Graph latency", runTime.Round(time.Millisecond), crashLatency)

	rng := rand.New(rand.NewPCG(crashSeed, 1))
	stages := map[string]int{}
	for i := range crashKills {
		delay := time.Duration(rng.Float64() * 1.1 * float64(runTime))
		stage, exited := killRunAfter(t, env, cfg, delay)
		stages[stage]++
		t.Logf("kill %2d after %v: %s", i+1, delay.Round(time.Millisecond), stage)

		got := readStateOf(t, wh, false)
		committed := got.runID != prev.runID
		switch {
		case got.snapshots != 1:
			t.Errorf("kill %d: got %d snapshots, want 1 (same day)", i+1, got.snapshots)
		case !maps.Equal(got.counts, full):
			t.Errorf("kill %d: latest snapshot (run %s) has %v, want a complete one: %v", i+1, got.runID, got.counts, full)
		case committed && got.runs[got.runID] == "":
			t.Errorf("kill %d: latest snapshot's run %s is not in etl_runs", i+1, got.runID)
		case got.orphans != 0:
			t.Errorf("kill %d: got %d raw rows outside any committed snapshot, want 0", i+1, got.orphans)
		case exited && !committed:
			t.Errorf("kill %d: the run had finished, yet its snapshot is not the latest", i+1)
		}

		srv.SetLatency(0) // the run after a kill only has to succeed: fast
		if out, errOut, code := runBinary(t, env, "run", "--config", cfg); code != 0 {
			t.Fatalf("run after kill %d: exit %d\n%s\n%s", i+1, code, out, errOut)
		}
		srv.SetLatency(crashLatency)
		prev = readStateOf(t, wh, false)
		for id, status := range prev.runs {
			if status == "running" {
				t.Errorf("after the run that followed kill %d: run %s still says running, want aborted", i+1, id)
			}
		}
	}
	t.Logf("kills by the last stage logged: %v", stages)
}

// lastMsg finds the last log message in a debug log.
var lastMsg = regexp.MustCompile(`msg="?([^"=]+?)"? [a-z_]+=`)

// killRunAfter starts `seatledger run`, kills it with SIGKILL after
// delay, and returns the last thing it logged (the stage it was in) and
// whether it had exited by itself before the kill.
func killRunAfter(t *testing.T, env []string, cfg string, delay time.Duration) (string, bool) {
	t.Helper()
	cmd := exec.Command(binary, "run", "--config", cfg, "--log-level", "debug")
	cmd.Env = append(os.Environ(), env...)
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(delay):
		if kerr := cmd.Process.Signal(syscall.SIGKILL); kerr != nil && !errors.Is(kerr, os.ErrProcessDone) {
			t.Fatal(kerr)
		}
		err = <-done
	}
	var ee *exec.ExitError
	killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
	if err != nil && !killed {
		t.Fatalf("run failed by itself: %v\n%s", err, logs.String())
	}
	exited := !killed
	stage := "nothing logged yet"
	if m := lastMsg.FindAllStringSubmatch(logs.String(), -1); len(m) > 0 {
		stage = "after " + strings.TrimSpace(m[len(m)-1][1])
	}
	if exited {
		stage = "finished before the kill"
	}
	return stage, exited
}

// lockedBuffer is a bytes.Buffer that the child's stdout and stderr
// copiers may write at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
