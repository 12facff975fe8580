package load_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

var day3 = day2.AddDate(0, 0, 1)

// growing opens a writable warehouse with the default parameters, for
// tests that add nights between exports.
func growing(t *testing.T) *load.Warehouse {
	t.Helper()
	w, _ := mustOpen(t)
	if err := w.ReplaceParams(context.Background(), defaultParams(t)); err != nil {
		t.Fatalf("ReplaceParams: %v", err)
	}
	return w
}

// night commits one full snapshot (with its marts), as a run does.
func night(t *testing.T, w *load.Warehouse, tenant string, date time.Time, runID string, users []extract.User) {
	t.Helper()
	writeFullSnapshot(t, w, tenant, date, runID, users)
}

func export(t *testing.T, w *load.Warehouse, dir string, o load.ExportOptions) []load.ExportedTable {
	t.Helper()
	tables, err := w.Export(context.Background(), dir, o)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return tables
}

// counts are one relation's partitions written, skipped and removed.
type counts struct{ written, skipped, removed int }

// expectCounts checks the counts of every latest relation against latest
// and of every _history relation against history.
func expectCounts(t *testing.T, step string, tables []load.ExportedTable, latest, history counts) {
	t.Helper()
	for _, tb := range tables {
		want := latest
		if strings.HasSuffix(tb.Name, "_history") {
			want = history
		}
		if got := (counts{tb.Written, tb.Skipped, tb.Removed}); got != want {
			t.Errorf("%s, %s: got written/skipped/removed %v, want %v", step, tb.Name, got, want)
		}
	}
}

// files maps every regular file below dir to its FileInfo.
func files(t *testing.T, dir string) map[string]fs.FileInfo {
	t.Helper()
	out := map[string]fs.FileInfo{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		out[strings.TrimPrefix(p, dir+"/")] = fi
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unchanged tells whether before's file f is the very same file in after,
// not rewritten (same inode, same modification time).
func unchanged(before, after map[string]fs.FileInfo, f string) bool {
	a, ok := after[f]
	return ok && os.SameFile(before[f], a) && before[f].ModTime().Equal(a.ModTime())
}

// lakeRead reads one relation of the Parquet lake at dir, with its
// partition columns.
func lakeRead(dir, name string) string {
	return fmt.Sprintf("SELECT * FROM read_parquet('%s/%s/*/*/*.parquet', hive_partitioning = true)", dir, name)
}

// checkLake reads the lake at dir back and compares it with w: for w's
// tenants, each latest relation holds exactly the latest snapshot's rows,
// and each _history relation exactly the rows of every snapshot w holds
// (the lake may keep older ones).
func checkLake(t *testing.T, w *load.Warehouse, dir string) {
	t.Helper()
	for _, name := range load.ExportTableNames() {
		read := "SELECT l.* FROM (" + lakeRead(dir, name) + ") l SEMI JOIN (SELECT DISTINCT tenant FROM snapshots) USING (tenant)"
		if strings.HasSuffix(name, "_history") {
			read = "SELECT l.* FROM (" + lakeRead(dir, name) + ") l SEMI JOIN snapshots USING (tenant, snapshot_date)"
		}
		if missing, extra := diffOnce(t, w, source(name), read); missing != 0 || extra != 0 {
			t.Errorf("%s read back: got %d rows missing and %d extra, want 0 and 0", name, missing, extra)
		}
	}
}

// diffOnce is diffRows computing each side once:
// the rows in a and not in b, and in b and not in a, over a's columns.
func diffOnce(t *testing.T, w *load.Warehouse, a, b string) (missing, extra int64) {
	t.Helper()
	cols, err := w.Columns(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	list := `"` + strings.Join(cols, `", "`) + `"`
	q := "WITH a AS MATERIALIZED (SELECT " + list + " FROM (" + a + ")), b AS MATERIALIZED (SELECT " + list + " FROM (" + b + ")) " +
		"SELECT (SELECT count(*) FROM (FROM a EXCEPT ALL FROM b)), (SELECT count(*) FROM (FROM b EXCEPT ALL FROM a))"
	if err := w.SQLForTests().QueryRow(q).Scan(&missing, &extra); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return missing, extra
}

// checkConsistent: every partition in the lake (of w's tenants) holds
// exactly the warehouse's rows of its snapshot, whether or not it is the
// one the warehouse would export now: nothing is half-written.
func checkConsistent(t *testing.T, w *load.Warehouse, dir string) {
	t.Helper()
	for _, name := range load.ExportTableNames() {
		src := name
		if !strings.HasSuffix(name, "_history") {
			src += "_history"
		}
		read := "SELECT l.* FROM (" + lakeRead(dir, name) + ") l SEMI JOIN (SELECT DISTINCT tenant FROM snapshots) USING (tenant)"
		want := "SELECT s.* FROM " + src + " s SEMI JOIN (SELECT DISTINCT tenant, snapshot_date FROM (" + read + ")) USING (tenant, snapshot_date)"
		if missing, extra := diffOnce(t, w, want, read); missing != 0 || extra != 0 {
			t.Errorf("%s read back: got %d rows missing and %d extra, want 0 and 0", name, missing, extra)
		}
	}
}

// TestExportUnchangedWritesNothing: a second export without a new
// snapshot writes no partition and no file.
func TestExportUnchangedWritesNothing(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})
	before := files(t, dir)
	tables := export(t, w, dir, load.ExportOptions{})
	expectCounts(t, "second export", tables, counts{0, 2, 0}, counts{0, 3, 0})
	after := files(t, dir)
	for f := range before {
		if !unchanged(before, after, f) {
			t.Errorf("%s: rewritten or removed by an export with nothing new", f)
		}
	}
	if len(after) != len(before) {
		t.Errorf("got %d files after the second export, want %d", len(after), len(before))
	}
}

// TestExportNewNightAndRerun: a new night writes its partitions and moves
// the latest ones; a same-day re-run rewrites that day's partitions only.
func TestExportNewNightAndRerun(t *testing.T) {
	w := growing(t)
	night(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	night(t, w, "fabrikam", day1, "run-2", genUsers(500, 40))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})

	before := files(t, dir)
	night(t, w, "contoso", day2, "run-3", genUsers(0, 130))
	tables := export(t, w, dir, load.ExportOptions{})
	expectCounts(t, "new night", tables, counts{1, 1, 1}, counts{1, 2, 0})
	after := files(t, dir)
	for f := range before {
		rel, _, _ := strings.Cut(f, "/")
		movedLatest := !strings.HasSuffix(rel, "_history") && strings.Contains(f, "/tenant=contoso/")
		if !movedLatest && f != "_seatledger/tenant=contoso.json" && !unchanged(before, after, f) {
			t.Errorf("new night: %s rewritten or removed, want it untouched", f)
		}
		if movedLatest && after[f] != nil {
			t.Errorf("new night: %s is still there, want contoso's previous latest removed", f)
		}
	}
	if got, want := partitions(t, filepath.Join(dir, "mart_spend")), []string{"tenant=contoso/snapshot_date=2025-03-02", "tenant=fabrikam/snapshot_date=2025-03-01"}; !reflect.DeepEqual(got, want) {
		t.Errorf("mart_spend after the new night: got partitions %v, want %v", got, want)
	}
	checkLake(t, w, dir)

	before = after
	night(t, w, "contoso", day2, "run-4", genUsers(0, 140))
	tables = export(t, w, dir, load.ExportOptions{})
	expectCounts(t, "re-run", tables, counts{1, 1, 0}, counts{1, 2, 0})
	after = files(t, dir)
	for f := range before {
		rerun := strings.Contains(f, "/tenant=contoso/snapshot_date=2025-03-02/") || f == "_seatledger/tenant=contoso.json"
		if unchanged(before, after, f) == rerun {
			t.Errorf("re-run: %s rewritten %v, want %v", f, !unchanged(before, after, f), rerun)
		}
	}
	checkLake(t, w, dir)
	got := scalar(t, w, "SELECT count(DISTINCT user_id) FROM ("+lakeRead(dir, "mart_user_licenses")+") WHERE tenant = 'contoso'")
	if got != int64(140) {
		t.Errorf("contoso users in the lake after the re-run: got %v, want 140", got)
	}
}

// TestExportRetentionAndSettings: the lake keeps history the warehouse
// pruned; a new format or mask rewrites the tenant and drops what cannot
// be rewritten.
// TestExportAfterRebuild: a rebuild that changes a snapshot's marts makes
// export write that snapshot's partitions again; one that changes nothing
// makes it write nothing.
func TestExportAfterRebuild(t *testing.T) {
	ctx := context.Background()
	w := growing(t)
	night(t, w, "contoso", day1, "run-1", genUsers(0, 60))
	night(t, w, "contoso", day2, "run-2", genUsers(0, 70))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})

	if _, _, err := w.Rebuild(ctx, load.RebuildOptions{From: day1, To: day1, Params: pricedParams(t, 36)}); err != nil {
		t.Fatal(err)
	}
	expectCounts(t, "after rebuilding day 1", export(t, w, dir, load.ExportOptions{}), counts{0, 1, 0}, counts{1, 1, 0})
	checkLake(t, w, dir)

	if _, _, err := w.Rebuild(ctx, load.RebuildOptions{}); err != nil {
		t.Fatal(err)
	}
	expectCounts(t, "after a rebuild that changed day 2", export(t, w, dir, load.ExportOptions{}), counts{1, 0, 0}, counts{1, 1, 0})
	if _, _, err := w.Rebuild(ctx, load.RebuildOptions{}); err != nil {
		t.Fatal(err)
	}
	expectCounts(t, "after a rebuild that changed nothing", export(t, w, dir, load.ExportOptions{}), counts{0, 1, 0}, counts{0, 2, 0})
	checkLake(t, w, dir)
}

func TestExportRetentionAndSettings(t *testing.T) {
	w := growing(t)
	night(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	night(t, w, "contoso", day2, "run-2", genUsers(0, 110))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})
	before := files(t, dir)
	if n, err := w.Prune(context.Background(), 1, day3); err != nil || n != 1 {
		t.Fatalf("Prune: got %d, %v; want day1 pruned", n, err)
	}
	tables := export(t, w, dir, load.ExportOptions{})
	expectCounts(t, "after retention", tables, counts{0, 1, 0}, counts{0, 1, 0})
	after := files(t, dir)
	for f := range before {
		if !unchanged(before, after, f) {
			t.Errorf("after retention: %s rewritten or removed, want the lake to keep it", f)
		}
	}
	want := []string{"tenant=contoso/snapshot_date=2025-03-01", "tenant=contoso/snapshot_date=2025-03-02"}
	if got := partitions(t, filepath.Join(dir, "mart_spend_history")); !reflect.DeepEqual(got, want) {
		t.Errorf("mart_spend_history after retention: got %v, want %v", got, want)
	}

	tables = export(t, w, dir, load.ExportOptions{Format: "csv"})
	expectCounts(t, "to csv", tables, counts{1, 0, 0}, counts{1, 0, 1})
	for f := range files(t, dir) {
		if strings.HasSuffix(f, ".parquet") {
			t.Errorf("after switching to csv: %s is still there", f)
		}
	}
	if got, want := partitions(t, filepath.Join(dir, "mart_spend_history")), want[1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("mart_spend_history after switching to csv: got %v, want %v", got, want)
	}

	someone := func() map[string]func(string) string {
		return map[string]func(string) string{"display_name": func(string) string { return "Someone" }}
	}
	tables = export(t, w, dir, load.ExportOptions{Format: "csv", Mask: someone()})
	expectCounts(t, "masked", tables, counts{1, 0, 0}, counts{1, 0, 0})
	read := fmt.Sprintf("read_csv('%s/mart_user_licenses_history/*/*/*.csv', hive_partitioning = true)", dir)
	if got := rowsOf(t, w, "SELECT DISTINCT display_name FROM "+read); !reflect.DeepEqual(got, [][]any{{"Someone"}}) {
		t.Errorf("masked display names: got %v, want only Someone", got)
	}
	tables = export(t, w, dir, load.ExportOptions{Format: "csv", Mask: someone()})
	expectCounts(t, "same mask again", tables, counts{0, 1, 0}, counts{0, 1, 0})
}

// TestExportTwoWarehousesOneLake: two warehouses with different tenants
// share one lake, in either order and at once, and neither removes the
// other's partitions.
func TestExportTwoWarehousesOneLake(t *testing.T) {
	a, b := growing(t), growing(t)
	night(t, a, "contoso", day1, "a-1", genUsers(0, 100))
	night(t, a, "contoso", day2, "a-2", genUsers(0, 120))
	night(t, b, "fabrikam", day1, "b-1", genUsers(500, 40))
	check := func(t *testing.T, dir, latestContoso string, readBack bool) {
		t.Helper()
		want := []string{"tenant=contoso/snapshot_date=" + latestContoso, "tenant=fabrikam/snapshot_date=2025-03-01"}
		if got := partitions(t, filepath.Join(dir, "mart_spend")); !reflect.DeepEqual(got, want) {
			t.Errorf("mart_spend: got partitions %v, want %v", got, want)
		}
		want = []string{"tenant=contoso/snapshot_date=2025-03-01", "tenant=contoso/snapshot_date=2025-03-02", "tenant=fabrikam/snapshot_date=2025-03-01"}
		got := partitions(t, filepath.Join(dir, "mart_spend_history"))
		for _, p := range want {
			if !slices.Contains(got, p) {
				t.Errorf("mart_spend_history: got partitions %v, want %s among them", got, p)
			}
		}
		checkOwnerOnly(t, dir)
		if readBack {
			checkLake(t, a, dir)
			checkLake(t, b, dir)
		}
	}
	lakes := t.TempDir()
	var dir string
	for _, order := range [][]*load.Warehouse{{a, b}, {b, a}} {
		name := map[*load.Warehouse]string{a: "a", b: "b"}
		t.Run(name[order[0]]+" then "+name[order[1]], func(t *testing.T) {
			dir = filepath.Join(lakes, name[order[0]]+name[order[1]])
			export(t, order[0], dir, load.ExportOptions{})
			export(t, order[1], dir, load.ExportOptions{})
			check(t, dir, "2025-03-02", true)
			// Re-exporting the first, everything of it, leaves the
			// second's files as they were.
			before := files(t, dir)
			other := map[*load.Warehouse]string{a: "contoso", b: "fabrikam"}[order[1]]
			export(t, order[0], dir, load.ExportOptions{Full: true})
			after := files(t, dir)
			for f := range before {
				if strings.Contains(f, "tenant="+other) && !unchanged(before, after, f) {
					t.Errorf("%s rewritten or removed by the other warehouse's export", f)
				}
			}
			check(t, dir, "2025-03-02", false)
		})
	}
	t.Run("a new night in one", func(t *testing.T) {
		before := files(t, dir)
		night(t, a, "contoso", day3, "a-3", genUsers(0, 125))
		tables := export(t, a, dir, load.ExportOptions{})
		expectCounts(t, "a's new night", tables, counts{1, 0, 1}, counts{1, 2, 0})
		after := files(t, dir)
		for f := range before {
			if strings.Contains(f, "fabrikam") && !unchanged(before, after, f) {
				t.Errorf("%s rewritten or removed by a's export", f)
			}
		}
		check(t, dir, "2025-03-03", true)
	})
	t.Run("at once", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "lake")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, w := range []*load.Warehouse{a, b} {
			wg.Go(func() { _, errs[i] = w.Export(context.Background(), dir, load.ExportOptions{}) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("concurrent exports: got errors %v", errs)
		}
		check(t, dir, "2025-03-03", true)
	})
}

// TestExportFailureLeavesPartitionsReadable: a partition that cannot be
// put in place (a file where its directory goes) fails the export part
// way; every partition exported before stays as it was and readable, a
// tenant keeps its previous latest partition when the new one could not
// be placed, and the next export writes only what is missing.
func TestExportFailureLeavesPartitionsReadable(t *testing.T) {
	for _, tc := range []struct {
		blocked string   // the relation whose new contoso partition is blocked
		done    []string // relations in place before the failure
	}{
		// A latest relation goes right after its _history (its partition
		// is a copy of the _history's).
		{"mart_user_licenses_history", []string{"mart_license_inventory", "mart_license_inventory_history"}},
		{"mart_user_licenses", []string{"mart_license_inventory", "mart_license_inventory_history", "mart_user_licenses_history"}},
	} {
		t.Run(tc.blocked, func(t *testing.T) {
			w := growing(t)
			night(t, w, "contoso", day1, "run-1", genUsers(0, 100))
			night(t, w, "fabrikam", day1, "run-2", genUsers(500, 40))
			dir := filepath.Join(t.TempDir(), "lake")
			export(t, w, dir, load.ExportOptions{})
			before := files(t, dir)
			night(t, w, "contoso", day2, "run-3", genUsers(0, 130))
			blocker := filepath.Join(dir, tc.blocked, "tenant=contoso", "snapshot_date=2025-03-02")
			if err := os.WriteFile(blocker, []byte("in the way"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := w.Export(context.Background(), dir, load.ExportOptions{})
			if err == nil || !strings.Contains(err.Error(), "export "+tc.blocked+": ") || !strings.Contains(err.Error(), "not a directory") {
				t.Fatalf("got error %v, want one naming %s and the file in the way", err, tc.blocked)
			}
			after := files(t, dir)
			for f := range before {
				// Latest relations before the failing one moved contoso's latest.
				rel, _, _ := strings.Cut(f, "/")
				moved := slices.Contains(tc.done, rel) && !strings.HasSuffix(rel, "_history") && strings.Contains(f, "/tenant=contoso/")
				if !moved && f != "_seatledger/tenant=contoso.json" && !unchanged(before, after, f) {
					t.Errorf("after the failed export: %s rewritten or removed, want it untouched", f)
				}
			}
			if err := os.Remove(blocker); err != nil {
				t.Fatal(err)
			}
			checkConsistent(t, w, dir)
			if ents, _ := os.ReadDir(filepath.Join(dir, load.ExportStateDir, "tmp")); len(ents) != 0 {
				t.Errorf("got staging entries %v, want none left behind", ents)
			}
			tables := export(t, w, dir, load.ExportOptions{})
			for _, tb := range tables {
				wantWritten := 1
				if slices.Contains(tc.done, tb.Name) {
					wantWritten = 0 // in place before the failure, and recorded
				}
				if tb.Written != wantWritten {
					t.Errorf("export after the failure, %s: got %d partitions written, want %d", tb.Name, tb.Written, wantWritten)
				}
			}
			checkLake(t, w, dir)
		})
	}
}

// TestExportRemovesStrayStaging: what a crashed export of a tenant left in
// the staging area goes at the next export of that tenant; another
// warehouse's tenant's staging stays, and so does a young empty staging
// directory (another export that has not written yet).
func TestExportRemovesStrayStaging(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "lake")
	export(t, w, dir, load.ExportOptions{})
	tmp := filepath.Join(dir, load.ExportStateDir, "tmp")
	crashed := filepath.Join(tmp, "mart_spend-123")
	shared := filepath.Join(tmp, "mart_spend-456")
	for _, d := range []string{
		filepath.Join(crashed, "tenant=contoso", "snapshot_date=2025-03-02"),
		filepath.Join(shared, "tenant=fabrikam", "snapshot_date=2025-03-01"),
		filepath.Join(shared, "tenant=northwind", "snapshot_date=2025-03-01"),
	} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "data_0.parquet"), []byte("PAR1 half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	young := filepath.Join(tmp, "mart_findings-789")
	if err := os.Mkdir(young, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(crashed, old, old); err != nil {
		t.Fatal(err)
	}
	manifestTmp := filepath.Join(dir, load.ExportStateDir, ".tenant=contoso.json.tmp-42")
	if err := os.WriteFile(manifestTmp, []byte(`{"tenant": "con`), 0o600); err != nil {
		t.Fatal(err)
	}
	tables := export(t, w, dir, load.ExportOptions{})
	expectCounts(t, "after a crash", tables, counts{0, 2, 0}, counts{0, 3, 0})
	for _, p := range []string{crashed, filepath.Join(shared, "tenant=fabrikam"), manifestTmp} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s: still there, want the leftover removed", p)
		}
	}
	for _, p := range []string{filepath.Join(shared, "tenant=northwind", "snapshot_date=2025-03-01", "data_0.parquet"), young} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("another export's staging: %v, want it untouched", err)
		}
	}
	checkLake(t, w, dir)
}

// TestExportUpgradesAWholeTreeExport: a lake written by the earlier
// export (whole tree, no bookkeeping, another marker) is taken over: every
// partition is rewritten, a stale latest partition goes, the marker is
// brought up to date.
func TestExportUpgradesAWholeTreeExport(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "lake")
	stale := filepath.Join(dir, "mart_spend", "tenant=contoso", "snapshot_date=2025-03-01")
	rewritten := filepath.Join(dir, "mart_spend_history", "tenant=contoso", "snapshot_date=2025-03-01")
	for _, d := range []string{stale, rewritten} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "data_0.parquet"), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := `{"created_at": "2025-03-01T03:00:00Z", "format": "parquet", "tables": []}`
	if err := os.WriteFile(filepath.Join(dir, load.ExportManifest), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	tables := export(t, w, dir, load.ExportOptions{})
	for _, tb := range tables {
		want := counts{2, 0, 0}
		switch {
		case tb.Name == "mart_spend":
			want.removed = 1
		case strings.HasSuffix(tb.Name, "_history"):
			want.written = 3
		}
		if got := (counts{tb.Written, tb.Skipped, tb.Removed}); got != want {
			t.Errorf("upgrade, %s: got written/skipped/removed %v, want %v", tb.Name, got, want)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("%s: still there, want contoso's stale latest partition removed", stale)
	}
	checkLake(t, w, dir)
	if b, _ := os.ReadFile(filepath.Join(dir, load.ExportManifest)); string(b) == old {
		t.Errorf("marker: still the old one")
	}
}

// TestExportLatestIsHistoryCopy: a latest relation's partition is a copy
// of its _history's partition of the same snapshot (written once, not
// encoded twice), with its rows counted; a second night moves it on; a
// copy of a broken file fails the export instead of passing it on.
func TestExportLatestIsHistoryCopy(t *testing.T) {
	for _, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) { testExportLatestIsHistoryCopy(t, format) })
	}
}

func testExportLatestIsHistoryCopy(t *testing.T, format string) {
	w := growing(t)
	dir := filepath.Join(t.TempDir(), "lake")
	for i, day := range []time.Time{day1, day2} {
		night(t, w, "contoso", day, fmt.Sprintf("run-%d", i), genUsers(0, 100+10*i))
		tables := export(t, w, dir, load.ExportOptions{Format: format})
		date := day.Format(time.DateOnly)
		rows := map[string]int64{}
		for _, tb := range tables {
			rows[tb.Name] = tb.Rows
		}
		for _, name := range load.ExportTableNames() {
			hist := name + "_history"
			if !slices.Contains(load.ExportTableNames(), hist) {
				continue
			}
			part := filepath.Join("tenant=contoso", "snapshot_date="+date, "data_0."+format)
			got, err := os.ReadFile(filepath.Join(dir, name, part))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, hist, part))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("night %d, %s: the latest partition differs from %s's of the same snapshot", i+1, name, hist)
			}
			if rows[name] != rows[hist] || (name == "mart_user_licenses" && rows[name] == 0) {
				t.Errorf("night %d, %s: %d rows written, want %d as %s's", i+1, name, rows[name], rows[hist], hist)
			}
		}
		if format == "parquet" {
			checkLake(t, w, dir)
		}
	}
	// Proof that it is a copy: a latest partition gone from disk comes
	// back as whatever file its _history's current partition holds (a
	// Parquet file that is none fails the row count, and the export).
	part := filepath.Join("tenant=contoso", "snapshot_date="+day2.Format(time.DateOnly))
	hist := filepath.Join(dir, "mart_spend_history", part, "data_0."+format)
	latest := filepath.Join(dir, "mart_spend", part, "data_0."+format)
	good, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	marker := []byte("marker\n1\n2\n3\n")
	if err := os.WriteFile(hist, marker, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(latest)); err != nil {
		t.Fatal(err)
	}
	tables, err := w.Export(context.Background(), dir, load.ExportOptions{Format: format})
	switch format {
	case "parquet":
		if err == nil || !strings.Contains(err.Error(), "count the rows of") {
			t.Fatalf("export over a broken _history file: got %v, want the row count of the copy to fail", err)
		}
	default:
		got, rerr := os.ReadFile(latest)
		if err != nil || rerr != nil || !bytes.Equal(got, marker) || tables[slices.IndexFunc(tables, func(tb load.ExportedTable) bool { return tb.Name == "mart_spend" })].Rows != 3 {
			t.Fatalf("export: got %v, %v, %q; want the _history's file copied, its 3 rows counted", err, rerr, got)
		}
	}
	if err := os.WriteFile(hist, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(latest)); err != nil {
		t.Fatal(err)
	}
	export(t, w, dir, load.ExportOptions{Format: format})
	if got, err := os.ReadFile(latest); err != nil || !bytes.Equal(got, good) {
		t.Errorf("latest partition after the repair: %v, want the _history's file", err)
	}
	if format == "parquet" {
		checkLake(t, w, dir)
	}
}
