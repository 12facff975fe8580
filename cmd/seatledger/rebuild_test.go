package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRebuildCommand re-prices a demo warehouse of two snapshots: a dry run
// says what would change and changes nothing; --apply on one day changes
// that day only; bad flags are usage errors.
func TestRebuildCommand(t *testing.T) {
	wh, old := backdatedWarehouse(t, 7)
	cfg := filepath.Join(t.TempDir(), "seatledger.yml")
	writeFile(t, cfg, `warehouse:
  path: `+wh+`
tenants:
  - name: demo
    tenant_id: 8a3c1e2f-5b6d-4e7f-9a0b-1c2d3e4f5a6b
pricing:
  currency: USD
  prices:
    - {sku: SPE_E3, unit_price: 1.25, currency: USD, billing: monthly, term: monthly, effective: 2020-01-01}
`)
	e3Prices := func() (string, int64) {
		db := openWarehouse(t, wh)
		defer db.Close()
		var latest string
		if err := db.QueryRow("SELECT unit_price_annual::VARCHAR FROM mart_license_inventory WHERE sku_part_number = 'SPE_E3'").Scan(&latest); err != nil {
			t.Fatal(err)
		}
		return latest, queryInt(t, db, "SELECT count(*) FROM mart_license_inventory_history WHERE sku_part_number = 'SPE_E3' AND unit_price_annual = 15")
	}
	before, _ := e3Prices()

	out, stderr, err := runMain(t, nil, "rebuild", "--config", cfg)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "dry run") || !strings.Contains(out, "2 of 2 snapshots would change") || !strings.Contains(out, "would change") {
		t.Errorf("dry run output:\n%s\nwant both snapshots said to change", out)
	}
	if latest, n := e3Prices(); latest != before || n != 0 {
		t.Errorf("after a dry run: SPE_E3 latest %s, %d history rows at 15.00; want %s and 0", latest, n, before)
	}

	day := old.Format(time.DateOnly)
	out, stderr, err = runMain(t, nil, "rebuild", "--config", cfg, "--from", day, "--to", day, "--apply")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "1 of 1 snapshots changed") {
		t.Errorf("apply output:\n%s\nwant one snapshot rebuilt", out)
	}
	if latest, n := e3Prices(); latest != before || n != 1 {
		t.Errorf("after --apply on %s: SPE_E3 latest %s, %d history rows at 15.00; want %s (latest untouched) and 1", day, latest, n, before)
	}

	for _, args := range [][]string{{"--from", "yesterday"}, {"--tenant", "nobody"}} {
		_, _, err := runMain(t, nil, append([]string{"rebuild", "--config", cfg}, args...)...)
		var ec exitCoder
		if !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), strings.TrimPrefix(args[0], "--")) && !strings.Contains(err.Error(), args[1]) {
			t.Errorf("rebuild %v: got %v, want exit 2 naming the flag or value", args, err)
		}
	}
}
