//go:build unix

package load_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// TestFilesOwnerOnly checks the modes of the database file and its .wal
// under a permissive umask, and that Close restores the umask.
func TestFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)

	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := load.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := w.ReplaceParams(context.Background(), defaultParams(t)); err != nil {
		t.Fatal(err)
	}
	// A committed snapshot leaves its changes in the .wal until the next
	// checkpoint.
	writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	for _, p := range []string{path, path + ".wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("stat %s: %v", p, err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: got mode %v, want -rw-------", filepath.Base(p), got)
		}
	}
	w.Close()
	if got := syscall.Umask(0o022); got != 0o022 {
		t.Errorf("umask after Close: got %#o, want %#o", got, 0o022)
	}
}

func TestOpenTightensExistingFile(t *testing.T) {
	w, path := mustOpen(t)
	w.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	mustOpenPath(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("got mode %v after Open, want -rw-------", got)
	}
}
