package demo_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/demo"
	"github.com/seatledger/seatledger/extract"
)

// TestDemoTenant starts the demo's simulator and reads its users through
// the tenant the pipeline would get: the real credential, Graph client
// and TLS against the simulator's own CA, every request counted.
func TestDemoTenant(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := demo.Start(demo.Options{Dir: dir, Users: 40, Seed: 7}, time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), log)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tenant, err := demo.Tenant(context.Background(), srv, log)
	if err != nil {
		t.Fatal(err)
	}
	if tenant.Name != "demo" || tenant.ReportPeriod != "D7" {
		t.Errorf("tenant: got %q with period %q, want demo with D7", tenant.Name, tenant.ReportPeriod)
	}
	users := 0
	err = tenant.Source.Users(context.Background(), func(page []extract.User) error {
		users += len(page)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if users != 40 {
		t.Errorf("users: got %d, want the 40 simulated", users)
	}
	if requests, _ := tenant.Counter(); requests == 0 {
		t.Error("requests: got none counted")
	}

	cfg := config.Default()
	demo.Configure(cfg, dir)
	for name, got := range map[string]string{"warehouse": cfg.Warehouse.Path, "workbooks": cfg.Reports.Dir, "parquet": cfg.Reports.ParquetDir} {
		if rel, err := filepath.Rel(dir, got); err != nil || filepath.IsAbs(rel) || rel == ".." || len(rel) >= 2 && rel[:2] == ".." {
			t.Errorf("%s: got %s, want it inside %s", name, got, dir)
		}
	}
}
