//go:build unix

package load_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

// helperEnv selects what TestHelperProcess does in a child process.
const helperEnv = "SEATLEDGER_LOAD_HELPER"

// TestHelperProcess is not a test: the tests below run the test binary
// again with helperEnv set, as a separate process that holds or writes
// the warehouse, and signal it. Progress goes to stdout, one line each.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process for the crash and lock tests")
	}
	err := helper(mode, os.Getenv("SEATLEDGER_LOAD_PATH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

func helper(mode, path string) error {
	ctx := context.Background()
	w, err := load.Open(ctx, path)
	if err != nil {
		return err
	}
	switch mode {
	case "hold":
		fmt.Println("ready")
	case "append":
		if err := w.StartRun(ctx, load.Run{ID: "run-killed", Tenant: "contoso", SnapshotDate: day2, StartedAt: time.Now()}); err != nil {
			return err
		}
		s, err := w.BeginSnapshot(ctx, "contoso", day2, "run-killed")
		if err != nil {
			return err
		}
		for from := 0; from < 200000; from += 1000 {
			if err := s.AppendUsers(genUsers(900000+from, 1000)); err != nil {
				return err
			}
			if from == 100000 {
				fmt.Println("progress 100000")
			}
		}
		fmt.Println("appended 200000")
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // wait to be killed
	return nil
}

// startHelper runs TestHelperProcess in mode on path and waits for a
// stdout line starting with until.
func startHelper(t *testing.T, mode, path, until string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "SEATLEDGER_LOAD_PATH="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // kept open: the child blocks reading it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close() })
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) // it may have exited already
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), until) {
			go func() { _, _ = io.Copy(io.Discard, out) }() // drain, so that it never blocks writing
			return cmd
		}
	}
	t.Fatalf("helper %s ended before printing %q", mode, until)
	return nil
}

// TestKilledRunLeavesPreviousSnapshot SIGKILLs a process in the middle of
// appending 200k users over an existing snapshot of the same day.
func TestKilledRunLeavesPreviousSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process appending 200k users")
	}
	ctx := context.Background()
	w, path := mustOpen(t)
	prev := writeSnapshot(t, w, "contoso", day2, "run-1", genUsers(0, 5000))
	writeSnapshot(t, w, "contoso", day1, "run-0", genUsers(0, 4000))
	w.Close()

	cmd := startHelper(t, "append", path, "progress")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill helper: %v", err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("helper: got %v, want death by signal", err)
	}

	w2 := mustOpenPath(t, path)
	checks := []struct {
		table string
		date  time.Time
		want  int64
	}{
		{"raw_users", day2, prev.Users},
		{"raw_user_licenses", day2, prev.Licenses},
		{"raw_license_assignment_states", day2, prev.AssignmentStates},
		{"raw_subscribed_skus", day2, prev.SKUs},
		{"raw_users", day1, 4000},
	}
	for _, c := range checks {
		if got := count(t, w2, c.table, "contoso", c.date); got != c.want {
			t.Errorf("%s on %s after the kill: got %d rows, want %d", c.table, c.date.Format(time.DateOnly), got, c.want)
		}
	}
	if got := snapshotRun(t, w2, "contoso", day2); got != "run-1" {
		t.Errorf("snapshot run after the kill: got %q, want run-1", got)
	}

	// The next run marks the killed one aborted and succeeds.
	if err := w2.StartRun(ctx, load.Run{ID: "run-2", Tenant: "contoso", SnapshotDate: day2, StartedAt: time.Now()}); err != nil {
		t.Fatalf("StartRun: %v", err)
	}
	var status string
	if err := w2.SQLForTests().QueryRow("SELECT status FROM etl_runs WHERE run_id = 'run-killed'").Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "aborted" {
		t.Errorf("killed run status: got %q, want aborted", status)
	}
	got := writeSnapshot(t, w2, "contoso", day2, "run-2", genUsers(0, 6000))
	if n := count(t, w2, "raw_users", "contoso", day2); n != got.Users || n != 6000 {
		t.Errorf("raw_users after the next run: got %d, want 6000", n)
	}
}

// TestOpenWhileAnotherProcessWrites: the lock of a writer in another
// process gives ErrBusy to readers and writers alike.
func TestOpenWhileAnotherProcessWrites(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	w.Close()
	startHelper(t, "hold", path, "ready")
	for name, open := range map[string]func() (*load.Warehouse, error){
		"OpenReadOnly": func() (*load.Warehouse, error) { return load.OpenReadOnly(ctx, path) },
		"Open":         func() (*load.Warehouse, error) { return load.Open(ctx, path) },
	} {
		t.Run(name, func(t *testing.T) {
			w, err := open()
			if err == nil {
				w.Close()
			}
			if !errors.Is(err, load.ErrBusy) {
				t.Fatalf("got %v, want an error wrapping ErrBusy", err)
			}
			if !strings.Contains(err.Error(), "try again when it ends") {
				t.Errorf("got %q, want the ErrBusy advice in the message", err)
			}
		})
	}
}
