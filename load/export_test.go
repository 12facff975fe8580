package load_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// buildWarehouse writes contoso on day1 and day2 (more users on day2) and
// fabrikam on day1 only (each computing its marts), closes the writer
// and returns the file's path.
func buildWarehouse(t *testing.T) string {
	t.Helper()
	w, path := mustOpen(t)
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	// A seat reclaimed after the first night: the second night's
	// mart_reclaim_outcomes follows it.
	if err := w.RecordActions(context.Background(), []load.Action{{PlanID: "plan-1", ApplyID: "apply-1",
		At: day1.Add(10 * time.Hour), Tenant: "contoso", UserID: guid(1, 3), SkuID: skuIDs[0], SkuPartNumber: "SPE_E3",
		Operation: "remove", Reason: "inactive", Result: "ok"}}); err != nil {
		t.Fatal(err)
	}
	writeFullSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 130))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(500, 40))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeFullSnapshot is writeSnapshot with a subscription and shared
// mailboxes, so that every mart has rows.
func writeFullSnapshot(t testing.TB, w *load.Warehouse, tenant string, date time.Time, runID string, users []extract.User) {
	t.Helper()
	s, err := w.BeginSnapshot(context.Background(), tenant, date, runID)
	if err != nil {
		t.Fatalf("BeginSnapshot: %v", err)
	}
	defer s.Rollback()
	sub := extract.Subscription{ID: "sub-" + tenant, SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Status: "Enabled",
		TotalLicenses: 150, CreatedDateTime: day1.AddDate(-1, 0, 0), NextLifecycleDateTime: day1.AddDate(0, 0, 20)}
	if err := s.AppendSKUs(testSKUs()); err != nil {
		t.Fatalf("AppendSKUs: %v", err)
	}
	if err := s.AppendSubscriptions([]extract.Subscription{sub}); err != nil {
		t.Fatalf("AppendSubscriptions: %v", err)
	}
	if err := s.AppendUsers(users); err != nil {
		t.Fatalf("AppendUsers: %v", err)
	}
	// Two licensed shared mailboxes (enabled users, small, no archive):
	// mart_rightsizing's shared_mailbox rows.
	var mailboxes int64
	for _, u := range users[:min(len(users), 4)] {
		if !u.AccountEnabled {
			continue
		}
		row := extract.MailboxUsageRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: u.UserPrincipalName,
			StorageUsedBytes: extract.Count{N: 2 << 30, Known: true}, HasArchive: extract.No, RecipientType: "Shared"}
		if err := s.AppendMailboxUsage("D7", row); err != nil {
			t.Fatalf("AppendMailboxUsage: %v", err)
		}
		mailboxes++
	}
	if err := s.DatasetStatus("mailbox_usage", true, mailboxes, nil); err != nil {
		t.Fatalf("DatasetStatus: %v", err)
	}
	if err := s.Commit("ok"); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func mustOpenReadOnly(t *testing.T, path string, opts ...load.Option) *load.Warehouse {
	t.Helper()
	w, err := load.OpenReadOnly(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("OpenReadOnly: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// scalar runs a query that returns one value.
func scalar(t *testing.T, w *load.Warehouse, query string) any {
	t.Helper()
	var v any
	if err := w.SQLForTests().QueryRow(query).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// source is the warehouse relation an export directory holds.
func source(name string) string {
	if strings.HasSuffix(name, "_history") {
		return "SELECT * FROM " + name
	}
	return "SELECT m.* FROM " + name + "_history m JOIN stg_snapshots s USING (tenant, snapshot_date) WHERE s.is_latest"
}

// diffRows counts the rows in a and not in b, and in b and not in a (as
// multisets), over the columns of a.
func diffRows(t *testing.T, w *load.Warehouse, a, b string) (int64, int64) {
	t.Helper()
	cols, err := w.Columns(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	list := `"` + strings.Join(cols, `", "`) + `"`
	a = "SELECT " + list + " FROM (" + a + ")"
	b = "SELECT " + list + " FROM (" + b + ")"
	missing := scalar(t, w, "SELECT count(*) FROM ("+a+" EXCEPT ALL "+b+")").(int64)
	extra := scalar(t, w, "SELECT count(*) FROM ("+b+" EXCEPT ALL "+a+")").(int64)
	return missing, extra
}

func TestExportParquetReadBack(t *testing.T) {
	defer load.SetPartitionsPerCopy(2)() // history relations take two COPYs
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "export")
	tables, err := w.Export(context.Background(), dir, load.ExportOptions{})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if got, want := len(tables), len(load.ExportTableNames()); got != want {
		t.Fatalf("got %d tables, want %d", got, want)
	}
	for _, tb := range tables {
		t.Run(tb.Name, func(t *testing.T) {
			read := fmt.Sprintf("SELECT * FROM read_parquet('%s/%s/*/*/*.parquet', hive_partitioning = true)", dir, tb.Name)
			want := scalar(t, w, "SELECT count(*) FROM ("+source(tb.Name)+")").(int64)
			if tb.Rows != want {
				t.Errorf("Export reported %d rows, want %d", tb.Rows, want)
			}
			if want == 0 {
				t.Fatalf("%s has no rows: the scenario must fill every relation", tb.Name)
			}
			if missing, extra := diffRows(t, w, source(tb.Name), read); missing != 0 || extra != 0 {
				t.Errorf("Parquet read back: got %d rows missing and %d extra, want 0 and 0", missing, extra)
			}
			if got := scalar(t, w, "SELECT typeof(snapshot_date) FROM ("+read+") LIMIT 1"); got != "DATE" {
				t.Errorf("snapshot_date read back as %v, want DATE", got)
			}
		})
	}
	t.Run("partitions", func(t *testing.T) {
		got := partitions(t, filepath.Join(dir, "mart_spend_history"))
		want := []string{"tenant=contoso/snapshot_date=2025-03-01", "tenant=contoso/snapshot_date=2025-03-02", "tenant=fabrikam/snapshot_date=2025-03-01"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("mart_spend_history: got partitions %v, want %v", got, want)
		}
		got = partitions(t, filepath.Join(dir, "mart_spend"))
		want = []string{"tenant=contoso/snapshot_date=2025-03-02", "tenant=fabrikam/snapshot_date=2025-03-01"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("mart_spend (latest): got partitions %v, want %v", got, want)
		}
	})
	t.Run("owner-only", func(t *testing.T) { checkOwnerOnly(t, dir) })
	t.Run("manifest", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, load.ExportManifest))
		if err != nil {
			t.Fatal(err)
		}
		var marker struct {
			Version int `json:"seatledger_export"`
		}
		if err := json.Unmarshal(b, &marker); err != nil || marker.Version != load.ExportSchemaVersion {
			t.Errorf("got marker %s (%v), want seatledger_export %d", b, err, load.ExportSchemaVersion)
		}
		m := readTenantManifest(t, dir, "contoso")
		if m.Format != "parquet" || m.Tenant != "contoso" {
			t.Errorf("contoso manifest: got format %q tenant %q, want parquet and contoso", m.Format, m.Tenant)
		}
		got := sortedKeys(m.Relations["mart_spend_history"].Partitions)
		if want := []string{"2025-03-01", "2025-03-02"}; !reflect.DeepEqual(got, want) {
			t.Errorf("contoso manifest, mart_spend_history: got partitions %v, want %v", got, want)
		}
		p := m.Relations["mart_spend"].Partitions["2025-03-02"]
		if len(m.Relations["mart_spend"].Partitions) != 1 || p.ComputedBy != "run-2" || p.ComputedAt.IsZero() {
			t.Errorf("contoso manifest, mart_spend: got %+v, want only 2025-03-02 from run-2", m.Relations["mart_spend"].Partitions)
		}
	})
	t.Run("counts", func(t *testing.T) {
		for _, tb := range tables {
			want := 3 // contoso day1 and day2, fabrikam day1
			if !strings.HasSuffix(tb.Name, "_history") {
				want = 2 // the latest of each tenant
			}
			if tb.Written != want || tb.Skipped != 0 || tb.Removed != 0 {
				t.Errorf("%s: got written %d, skipped %d, removed %d; want %d, 0, 0", tb.Name, tb.Written, tb.Skipped, tb.Removed, want)
			}
		}
	})
}

// tenantManifest is the part of a tenant's export manifest tests read.
type tenantManifest struct {
	Tenant    string
	Format    string
	Mask      string
	Relations map[string]struct {
		Columns    string
		Partitions map[string]struct {
			ComputedBy string    `json:"computed_by"`
			ComputedAt time.Time `json:"computed_at"`
		}
	}
}

func readTenantManifest(t *testing.T, dir, tenant string) tenantManifest {
	t.Helper()
	var m tenantManifest
	b, err := os.ReadFile(filepath.Join(dir, load.ExportStateDir, "tenant="+tenant+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("tenant manifest %s: %v", b, err)
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// partitions lists the tenant=…/snapshot_date=… directories below dir.
func partitions(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "tenant=*", "snapshot_date=*"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		m[i], _ = filepath.Rel(dir, m[i])
	}
	sort.Strings(m)
	return m
}

func checkOwnerOnly(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: got mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExportCSVAndTenant(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	for _, tc := range []struct {
		name, format, tenant, ext, reader string
		tenants                           []string
	}{
		{"csv", "csv", "", "csv", "read_csv", []string{"contoso", "fabrikam"}},
		{"parquet of one tenant", "parquet", "fabrikam", "parquet", "read_parquet", []string{"fabrikam"}},
		{"csv of one tenant", "csv", "contoso", "csv", "read_csv", []string{"contoso"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if _, err := w.Export(context.Background(), dir, load.ExportOptions{Format: tc.format, Tenant: tc.tenant}); err != nil {
				t.Fatalf("Export: %v", err)
			}
			for _, name := range load.ExportTableNames() {
				// Per partition: rows and the text length of the column
				// after tenant and snapshot_date, against the warehouse
				// (CSV reads an empty string back as NULL, so no more).
				cols, err := w.Columns(context.Background(), source(name))
				if err != nil {
					t.Fatal(err)
				}
				q := "SELECT tenant, snapshot_date, count(*), sum(coalesce(length(CAST(" + cols[2] + " AS VARCHAR)), 0)) FROM (%s) %s GROUP BY ALL ORDER BY ALL"
				filter := ""
				if tc.tenant != "" {
					filter = "WHERE tenant = '" + tc.tenant + "'"
				}
				want := rowsOf(t, w, fmt.Sprintf(q, source(name), filter))
				read := fmt.Sprintf("SELECT * FROM %s('%s/%s/*/*/*.%s', hive_partitioning = true)", tc.reader, dir, name, tc.ext)
				got := rowsOf(t, w, fmt.Sprintf(q, read, ""))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s read back per partition: got %v, want %v", name, got, want)
				}
			}
			ents, _ := os.ReadDir(filepath.Join(dir, "mart_user_licenses_history"))
			var got []string
			for _, e := range ents {
				got = append(got, strings.TrimPrefix(e.Name(), "tenant="))
			}
			if !reflect.DeepEqual(got, tc.tenants) {
				t.Errorf("got tenant directories %v, want %v", got, tc.tenants)
			}
		})
	}
}

func rowsOf(t *testing.T, w *load.Warehouse, query string) [][]any {
	t.Helper()
	var out [][]any
	err := w.Stream(context.Background(), query, nil, func(_ []string, v []any) error {
		for i := range v {
			v[i] = fmt.Sprint(v[i]) // HUGEINT sums and DATE vs VARCHAR compare as text
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func TestExportMask(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "out")
	mask := map[string]func(string) string{
		"user_principal_name": func(v string) string { return "masked-" + fmt.Sprint(len(v)) },
		"display_name":        func(string) string { return "Someone" },
	}
	if _, err := w.Export(context.Background(), dir, load.ExportOptions{Mask: mask}); err != nil {
		t.Fatalf("Export: %v", err)
	}
	for _, name := range []string{"mart_user_licenses", "mart_reclamation_candidates_history"} {
		read := fmt.Sprintf("read_parquet('%s/%s/*/*/*.parquet', hive_partitioning = true)", dir, name)
		got := rowsOf(t, w, "SELECT DISTINCT display_name, left(user_principal_name, 7) FROM "+read)
		want := [][]any{{"Someone", "masked-"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got names %v, want %v", name, got, want)
		}
		if n := scalar(t, w, "SELECT count(*) FROM "+read+" WHERE user_principal_name LIKE '%@%'"); n != int64(0) {
			t.Errorf("%s: got %v unmasked user principal names, want 0", name, n)
		}
	}
}

// TestExportFailureKeepsPreviousTree: an export cancelled part way leaves
// every partition readable and consistent, removes its staging, and the
// next export redoes only what had not reached its place.
func TestExportFailureKeepsPreviousTree(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := w.Export(context.Background(), dir, load.ExportOptions{}); err != nil {
		t.Fatalf("first Export: %v", err)
	}
	before := tree(t, dir)
	// A new mask rewrites everything; it cancels the export while it
	// writes mart_user_licenses, after the inventory partitions are
	// already in place. (The probe value only fingerprints the mask.)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mask := map[string]func(string) string{"user_principal_name": func(v string) string {
		if !strings.HasSuffix(v, ".invalid") {
			cancel()
		}
		return v
	}}
	_, err := w.Export(ctx, dir, load.ExportOptions{Mask: mask})
	if err == nil || !strings.Contains(err.Error(), "export mart_user_licenses") {
		t.Fatalf("got error %v, want one from exporting mart_user_licenses (or its history: cancelling is asynchronous)", err)
	}
	after := tree(t, dir)
	for f := range before {
		if _, ok := after[f]; !ok {
			t.Errorf("after a failed export %s is gone, want every partition kept", f)
		}
	}
	checkLake(t, w, dir)
	if ents, _ := os.ReadDir(filepath.Join(dir, load.ExportStateDir, "tmp")); len(ents) != 0 {
		t.Errorf("got staging entries %v, want none left behind", ents)
	}
	// The manifests record the partitions that reached their place with
	// the new mask: the next export skips them.
	tables, err := w.Export(context.Background(), dir, load.ExportOptions{Mask: mask})
	if err != nil {
		t.Fatalf("third Export: %v", err)
	}
	for _, tb := range tables {
		total := 2
		if strings.HasSuffix(tb.Name, "_history") {
			total = 3
		}
		written := total
		switch tb.Name {
		case "mart_license_inventory", "mart_license_inventory_history":
			written = 0
		case "mart_user_licenses":
			written = tb.Written // 0 or 2, as the COPY finished before the cancel or not
		}
		if tb.Written != written || tb.Written+tb.Skipped != total {
			t.Errorf("%s after the failed export: got %d partitions written and %d skipped, want %d and %d", tb.Name, tb.Written, tb.Skipped, written, total-written)
		}
	}
	checkLake(t, w, dir)
}

// tree maps every file below dir to its size.
func tree(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		out[strings.TrimPrefix(p, dir)] = fi.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportRefuses(t *testing.T) {
	w := mustOpenReadOnly(t, buildWarehouse(t))
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir string
		o         load.ExportOptions
		want      string
	}{
		{"foreign directory", foreign, load.ExportOptions{}, "refusing to write into a non-empty directory that is not a seatledger export"},
		{"a file", file, load.ExportOptions{}, "exists and is not a directory"},
		{"format", filepath.Join(t.TempDir(), "x"), load.ExportOptions{Format: "xlsx"}, `must be parquet or csv, got "xlsx"`},
		{"unknown tenant", filepath.Join(t.TempDir(), "x"), load.ExportOptions{Tenant: "northwind"}, `"northwind": no snapshot in the warehouse (tenants: contoso, fabrikam)`},
		{"tenant name", filepath.Join(t.TempDir(), "x"), load.ExportOptions{Tenant: "a'b"}, "must match [a-z0-9_-]+"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Export(context.Background(), tc.dir, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("foreign file: got %q, %v; want it untouched", b, err)
	}
}

func TestAsOfScopesEveryView(t *testing.T) {
	path := buildWarehouse(t)
	w := mustOpenReadOnly(t, path, load.AsOf(day1.Add(15*3600e9))) // any time of day1
	got := rowsOf(t, w, "SELECT tenant, snapshot_date FROM stg_snapshots WHERE is_latest ORDER BY tenant")
	want := [][]any{{"contoso", "2025-03-01 00:00:00 +0000 UTC"}, {"fabrikam", "2025-03-01 00:00:00 +0000 UTC"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("latest snapshots as of day1: got %v, want %v", got, want)
	}
	for _, mart := range []string{"mart_license_inventory", "mart_user_licenses", "mart_reclamation_candidates",
		"mart_spend", "mart_renewals", "mart_findings"} {
		t.Run(mart, func(t *testing.T) {
			day1Rows := "SELECT * EXCLUDE (snapshot_date) FROM " + mart + "_history WHERE snapshot_date = DATE '2025-03-01'"
			if missing, extra := diffRows(t, w, "SELECT * FROM "+mart, day1Rows); missing != 0 || extra != 0 {
				t.Errorf("as of day1: got %d rows not in day1's history and %d missing, want 0 and 0", missing, extra)
			}
		})
	}
	if n := scalar(t, w, "SELECT count(*) FROM mart_utilization_history WHERE snapshot_date > DATE '2025-03-01'"); n != int64(0) {
		t.Errorf("history as of day1: got %v rows after day1, want 0", n)
	}
	// Without AsOf the same file shows contoso's day2 (a different
	// snapshot: 130 users instead of 100).
	w.Close()
	plain := mustOpenReadOnly(t, path)
	if got := scalar(t, plain, "SELECT count(DISTINCT user_id) FROM mart_user_licenses WHERE tenant = 'contoso'"); got != int64(130) {
		t.Errorf("latest contoso users: got %v, want 130", got)
	}
	plain.Close()
	early := mustOpenReadOnly(t, path, load.AsOf(day1.AddDate(0, 0, -1)))
	if got := scalar(t, early, "SELECT count(*) FROM mart_user_licenses"); got != int64(0) {
		t.Errorf("as of the day before any snapshot: got %v licence rows, want 0", got)
	}
	_, err := load.Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), load.AsOf(day1))
	if err == nil || !strings.Contains(err.Error(), "cannot be scoped") {
		t.Errorf("Open (writable) with AsOf: got %v, want a refusal", err)
	}
	if errors.Is(err, load.ErrBusy) {
		t.Errorf("got ErrBusy, want the as-of refusal")
	}
}

// TestOnlyTenantsScopesEveryView: with OnlyTenants every mart and history
// view covers the named tenants alone, and combines with AsOf.
func TestOnlyTenantsScopesEveryView(t *testing.T) {
	path := buildWarehouse(t)
	// The provisioning report (the workbook's Actions sheet) too.
	rw := mustOpenPath(t, path)
	var acts []load.Action
	for _, tenant := range []string{"contoso", "fabrikam"} {
		acts = append(acts, load.Action{PlanID: "p", ApplyID: "a", At: day1, Tenant: tenant, UserID: "u", SkuID: "s",
			Operation: "assign", Result: "ok"})
	}
	if err := rw.RecordActions(context.Background(), acts); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	w := mustOpenReadOnly(t, path, load.OnlyTenants("fabrikam"))
	if n := scalar(t, w, "SELECT count(*) FROM actions WHERE tenant = 'fabrikam'"); n != int64(1) {
		t.Errorf("actions of fabrikam: got %v, want 1", n)
	}
	for _, rel := range []string{"mart_license_inventory", "mart_user_licenses", "mart_reclamation_candidates",
		"mart_spend", "mart_renewals", "mart_findings", "mart_utilization_history", "mart_spend_history", "actions"} {
		if n := scalar(t, w, "SELECT count(*) FROM "+rel+" WHERE tenant <> 'fabrikam'"); n != int64(0) {
			t.Errorf("%s: got %v rows of other tenants, want 0", rel, n)
		}
	}
	if n := scalar(t, w, "SELECT count(*) FROM mart_license_inventory"); n == int64(0) {
		t.Error("mart_license_inventory: no rows for fabrikam")
	}
	w.Close()
	both := mustOpenReadOnly(t, path, load.OnlyTenants("contoso"), load.AsOf(day1))
	defer both.Close()
	got := rowsOf(t, both, "SELECT tenant, snapshot_date FROM stg_snapshots WHERE is_latest")
	want := [][]any{{"contoso", "2025-03-01 00:00:00 +0000 UTC"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("contoso as of day1: got %v, want %v", got, want)
	}
}
