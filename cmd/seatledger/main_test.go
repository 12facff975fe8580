package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// exitCoder is an error that carries its own process exit code
// (exit.Error does).
type exitCoder interface {
	error
	ExitCode() int
}

// binary is the seatledger binary built once for the tests that run it as
// a separate process (signals, exit codes, SSL_CERT_FILE).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "seatledger-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "seatledger")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build seatledger:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runMain runs the command in-process with env as its environment and
// returns stdout, stderr and the error.
func runMain(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	g := func(k string) string { return env[k] }
	err := runWith(context.Background(), args, &out, &errb, g)
	return out.String(), errb.String(), err
}

// runBinary runs the built binary with extra environment variables.
func runBinary(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// openWarehouse opens a warehouse file read-only for the test's queries.
func openWarehouse(t *testing.T, path string) *sql.DB {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatalf("open warehouse %s: %v", path, err)
	}
	t.Cleanup(func() { w.Close() })
	return w.SQLForTests()
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
