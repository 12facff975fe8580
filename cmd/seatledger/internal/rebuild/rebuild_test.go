package rebuild_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/rebuild"
	"github.com/seatledger/seatledger/load"
)

// TestRunNothingToRebuild: a tenant without snapshots is the options'
// fault: exit 2, nothing printed.
func TestRunNothingToRebuild(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	var out strings.Builder
	err := rebuild.Run(context.Background(), &out, path, nil, load.RebuildOptions{Tenant: "nobody", DryRun: true})
	var ec interface{ ExitCode() int }
	if !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("got %v, want an error ending with exit 2", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q, want nothing", out.String())
	}
}
