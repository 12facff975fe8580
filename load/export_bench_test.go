package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// benchExportWarehouse writes tenants × nights full snapshots of users
// users each, their marts computed at commit.
func benchExportWarehouse(b *testing.B, tenants, nights, users int) *load.Warehouse {
	b.Helper()
	w, _ := mustOpen(b)
	for n := range nights {
		for t := range tenants {
			writeFullSnapshot(b, w, fmt.Sprintf("tenant-%02d", t), day1.AddDate(0, 0, n), fmt.Sprintf("run-%d-%d", n, t), genUsers(t*1000, users+n))
		}
	}
	return w
}

// BenchmarkExport exports a warehouse of 4 tenants whose history is
// stretched to a year by copying the last night (so that it measures the
// export, not the commits): into an empty directory (full), again with
// nothing new (unchanged: only the bookkeeping is read), and after one
// more night of every tenant (new-night: 4 partitions per relation
// written, 4 latest ones removed).
func BenchmarkExport(b *testing.B) {
	const tenants, nights = 4, 365
	w := benchExportWarehouse(b, tenants, 10, 60)
	for n := 10; n < nights; n++ {
		copyNight(b, w, n)
	}
	benchExport(b, w, tenants, func(night int) { copyNight(b, w, night) }, nights)
}

// historyTables are the per-snapshot mart tables, with their latest
// table ("" for none).
var historyTables = [][2]string{
	{"mart_utilization_history", ""},
	{"mart_license_inventory_history", "mart_license_inventory"},
	{"mart_user_licenses_history", "mart_user_licenses"},
	{"mart_reclamation_candidates_history", "mart_reclamation_candidates"},
	{"mart_reclamation_excluded_history", "mart_reclamation_excluded"},
	{"mart_spend_history", "mart_spend"},
	{"mart_renewals_history", "mart_renewals"},
	{"mart_findings_history", "mart_findings"},
}

// versionedHistory are the _history marts stored as versions.
var versionedHistory = map[string]bool{"mart_user_licenses_history": true,
	"mart_reclamation_candidates_history": true, "mart_reclamation_excluded_history": true}

// copyNight adds night n (days after day1) to every tenant as a copy of
// night n-1, with a new snapshot commit, and makes it the latest.
func copyNight(b *testing.B, w *load.Warehouse, n int) {
	b.Helper()
	prev, next := day1.AddDate(0, 0, n-1), day1.AddDate(0, 0, n)
	type q struct {
		sql  string
		args []any
	}
	qs := []q{
		{"INSERT INTO snapshots SELECT tenant, ?::DATE, 'copy-' || ?, status, now() FROM snapshots WHERE snapshot_date = ?::DATE", []any{next, n, prev}},
		{"INSERT INTO snapshot_facts SELECT * REPLACE (?::DATE AS snapshot_date) FROM snapshot_facts WHERE snapshot_date = ?::DATE", []any{next, prev}},
	}
	for _, t := range historyTables {
		table := t[0]
		if versionedHistory[table] { // unchanged versions stay valid: copy the nightly rows
			table += "_nightly"
		}
		qs = append(qs, q{"INSERT INTO " + table + " SELECT * REPLACE (?::DATE AS snapshot_date) FROM " + table + " WHERE snapshot_date = ?::DATE", []any{next, prev}})
		if t[1] != "" {
			qs = append(qs, q{"DELETE FROM " + t[1], nil},
				q{"INSERT INTO " + t[1] + " SELECT * EXCLUDE (snapshot_date) FROM " + t[0] + " WHERE snapshot_date = ?::DATE", []any{next}})
		}
	}
	for _, q := range qs {
		if _, err := w.SQLForTests().Exec(q.sql, q.args...); err != nil {
			b.Fatalf("%s: %v", q.sql, err)
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
