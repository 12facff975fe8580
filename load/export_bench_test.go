package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// benchExportWarehouse writes tenants × nights full snapshots of users
// users each and builds the marts.
func benchExportWarehouse(b *testing.B, tenants, nights, users int) *load.Warehouse {
	b.Helper()
	w, _ := mustOpen(b)
	ctx := context.Background()
	if err := w.ReplaceParams(ctx, defaultParams(b)); err != nil {
		b.Fatal(err)
	}
	for n := range nights {
		for t := range tenants {
			writeFullSnapshot(b, w, fmt.Sprintf("tenant-%02d", t), day1.AddDate(0, 0, n), fmt.Sprintf("run-%d-%d", n, t), genUsers(t*1000, users+n))
		}
	}
	if err := w.RunTransforms(ctx); err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkExport exports a warehouse of 4 tenants × 30 nights, whose
// _history relations are views (recomputed on every read, whatever the
// filter): into an empty directory (full), again with nothing new
// (unchanged: only the bookkeeping is read), and after one more night of
// every tenant (new-night: 4 partitions per relation written, 4 latest
// ones removed).
func BenchmarkExport(b *testing.B) {
	const tenants, nights, users = 4, 30, 60
	w := benchExportWarehouse(b, tenants, nights, users)
	benchExport(b, w, tenants, func(night int) {
		for t := range tenants {
			writeFullSnapshot(b, w, fmt.Sprintf("tenant-%02d", t), day1.AddDate(0, 0, night), fmt.Sprintf("run-%d-%d", night, t), genUsers(t*1000, users+night))
		}
		if err := w.RunTransforms(context.Background()); err != nil {
			b.Fatal(err)
		}
	}, nights)
}

// BenchmarkExportTables is BenchmarkExport with the _history relations
// turned into tables (as they are becoming: computed once per snapshot)
// and their history stretched to a year by copying the last night, so
// that it measures the export rather than the views.
func BenchmarkExportTables(b *testing.B) {
	const tenants, nights = 4, 365
	w := benchExportWarehouse(b, tenants, 10, 60)
	materialize(b, w)
	for n := 10; n < nights; n++ {
		copyNight(b, w, n)
	}
	benchExport(b, w, tenants, func(night int) { copyNight(b, w, night) }, nights)
}

// historyTables are the relations materialize turns into tables.
var historyTables = []string{"mart_utilization_history", "mart_license_inventory_history", "mart_user_licenses_history",
	"mart_reclamation_candidates_history", "mart_spend_history", "mart_renewals_history", "mart_findings_history"}

func materialize(b *testing.B, w *load.Warehouse) {
	b.Helper()
	for _, v := range historyTables {
		for _, q := range []string{"CREATE TABLE " + v + "_t AS SELECT * FROM " + v, "DROP VIEW " + v, "ALTER TABLE " + v + "_t RENAME TO " + v} {
			if _, err := w.DB().Exec(q); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
		}
	}
}

// copyNight adds night n (days after day1) to every tenant as a copy of
// night n-1, with a new snapshot commit.
func copyNight(b *testing.B, w *load.Warehouse, n int) {
	b.Helper()
	prev, next := day1.AddDate(0, 0, n-1), day1.AddDate(0, 0, n)
	qs := []string{"INSERT INTO snapshots SELECT tenant, ?::DATE, 'copy-' || ?, status, now() FROM snapshots WHERE snapshot_date = ?::DATE"}
	for _, t := range historyTables {
		qs = append(qs, "INSERT INTO "+t+" SELECT * REPLACE (?::DATE AS snapshot_date) FROM "+t+" WHERE snapshot_date = ?::DATE")
	}
	for i, q := range qs {
		args := []any{next, prev}
		if i == 0 {
			args = []any{next, n, prev}
		}
		if _, err := w.DB().Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// benchExport runs the three sub-benchmarks; addNight(n) adds night n to
// every tenant.
func benchExport(b *testing.B, w *load.Warehouse, tenants int, addNight func(int), nights int) {
	ctx := context.Background()
	b.Run("full", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := w.Export(ctx, filepath.Join(b.TempDir(), fmt.Sprint(i)), load.ExportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	dir := filepath.Join(b.TempDir(), "lake")
	if _, err := w.Export(ctx, dir, load.ExportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := w.Export(ctx, dir, load.ExportOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	night := nights
	b.Run("new-night", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			addNight(night)
			night++
			b.StartTimer()
			tables, err := w.Export(ctx, dir, load.ExportOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if tables[0].Written != tenants {
				b.Fatalf("%s: got %d partitions written, want %d", tables[0].Name, tables[0].Written, tenants)
			}
		}
	})
}
