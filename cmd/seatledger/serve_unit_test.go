package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeUsageErrors: bad flags and configuration stop serve before it
// listens, with exit code 2 and the flag named.
func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "seatledger.yml")
	writeFile(t, cfg, tenantConfig(dir, "https://127.0.0.1:1", "8a3c1e2f-5b6d-4e7f-9a0b-1c2d3e4f5a6b",
		"2b7c9d1e-3f4a-4b5c-8d6e-7f8a9b0c1d2e", "SECRET"))
	env := map[string]string{"SECRET": "s"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"run-at-start", env, []string{"--config", cfg, "--run-at-start", "sometimes"}, `--run-at-start: must be auto, always or never, got "sometimes"`},
		{"negative grace", env, []string{"--config", cfg, "--shutdown-grace", "-1s"}, "--shutdown-grace: must be >= 0"},
		{"no configuration", env, nil, "no configuration"},
		{"secret missing", nil, []string{"--config", cfg}, "SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runMain(t, tt.env, append([]string{"serve", "--listen", "127.0.0.1:0"}, tt.args...)...)
			var ec exitCoder
			if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("serve %v: got %v, want exit 2 with %q", tt.args, err, tt.want)
			}
		})
	}
}
