package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"parquet", "csv"}

// ExportManifest is the marker file at the top of an export. Its leading
// underscore makes Spark, Hive and Trino skip it; Export refuses to write
// into an existing non-empty directory that lacks it. Several warehouses
// may share one export directory (one lake): the marker says only what
// the tree is, never which tenants it holds, so every writer writes the
// same bytes.
const ExportManifest = "_seatledger_export.json"

// ExportStateDir is the directory of Export's bookkeeping below the export:
// one manifest per tenant (tenant=<name>.json) and the staging area tmp/.
// The leading underscore (and no '=') makes Spark, Hive and Trino skip it.
const ExportStateDir = "_seatledger"

// ExportSchemaVersion is the version of the export's layout and relations.
// Bump it when what Export writes for a snapshot changes in a way the
// column check (see tenantManifest) does not see, e.g. a changed value
// format: every tenant is then rewritten at its next export.
const ExportSchemaVersion = 1

// ExportOptions says what Export writes.
type ExportOptions struct {
	// Format is "parquet" (the default when empty) or "csv".
	Format string
	// Tenant, when set, limits the export to that tenant.
	Tenant string
	// Mask replaces the values of the named columns wherever they occur
	// (for pseudonyms); the function sees each non-NULL value, and once a
	// fixed probe value that fingerprints the mask (see maskFingerprint).
	Mask map[string]func(string) string
	// Full rewrites every partition of the exported tenants, whatever the
	// bookkeeping says (for example when files of the lake were lost).
	Full bool
	// Now stamps the tenant manifests; zero means time.Now.
	Now time.Time
}

// ExportedTable is what Export did to one relation, over the tenants it
// exported: partitions (tenant × snapshot_date) written, skipped because
// unchanged since the last export, and removed, and the rows written.
type ExportedTable struct {
	Name    string `json:"name"`
	Written int    `json:"written"`
	Skipped int    `json:"skipped"`
	Removed int    `json:"removed"`
	Rows    int64  `json:"rows"`
}

// exportRelation is one relation Export writes: its directory below the
// export, the warehouse relation it reads by name (a view or a table, with
// tenant and snapshot_date columns) and whether it holds each tenant's
// latest snapshot only.
type exportRelation struct {
	name, source string
	latest       bool
}

// exportRelations: every exported mart (the latest snapshot per tenant,
// read from its _history with the snapshot_date the mart itself leaves
// out), its _history over all snapshots, and the marts that are a history
// themselves (mart_utilization_history).
var exportRelations = func() []exportRelation {
	var out, histories []exportRelation
	for _, m := range marts {
		switch {
		case !m.exported:
		case m.latest == "":
			histories = append(histories, exportRelation{m.history, m.history, false})
		default:
			out = append(out, exportRelation{m.latest, m.history, true}, exportRelation{m.history, m.history, false})
		}
	}
	return append(out, histories...)
}()

// ExportTableNames are the directory names Export writes, in order.
func ExportTableNames() []string {
	names := make([]string, len(exportRelations))
	for i, r := range exportRelations {
		names[i] = r.name
	}
	return names
}

var tenantNameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Export brings the export at dir up to date with the warehouse, as
// dir/<relation>/tenant=<t>/snapshot_date=<YYYY-MM-DD>/data_0.<format>
// (hive partitioning: the partition columns live in the paths, not in the
// files). It writes only the partitions that are new or changed since the
// last export, as recorded per tenant in dir/_seatledger/tenant=<t>.json:
// a snapshot's partitions change when it is re-run or rebuilt (a new
// computed_by or computed_at in snapshot_facts), and all of a tenant's when the
// format, the mask, ExportSchemaVersion or a relation's columns change.
//
// Each partition is staged below dir/_seatledger/tmp/ and renamed into
// place, so readers never see a half-written one and a failure leaves the
// partitions already exported intact (the next export removes what a
// crashed one left in the staging area). Export touches only the tenants
// this warehouse holds: several warehouses with different tenants may
// export into one dir. Directories are 0700 and files 0600. It works on a
// read-only warehouse.
func (w *Warehouse) Export(ctx context.Context, dir string, o ExportOptions) ([]ExportedTable, error) {
	if o.Format == "" {
		o.Format = "parquet"
	}
	if o.Format != "parquet" && o.Format != "csv" {
		return nil, fmt.Errorf("export format: must be parquet or csv, got %q", o.Format)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	snaps, err := w.exportSnapshots(ctx, o.Tenant)
	if err != nil {
		return nil, err
	}
	target, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export directory %s: %w", dir, err)
	}
	if err := prepareExportDir(target); err != nil {
		return nil, err
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: connection: %w", err)
	}
	defer conn.Close()
	e, err := newExporter(ctx, conn, target, o, w.opts)
	if err != nil {
		return nil, err
	}
	if err := e.run(ctx, snaps); err != nil {
		return e.tables(), err
	}
	tables := e.tables()
	var written, skipped, removed int
	for _, t := range tables {
		written, skipped, removed = written+t.Written, skipped+t.Skipped, removed+t.Removed
	}
	w.opts.log.Info("exported marts", "dir", target, "format", o.Format, "tenants", len(snaps),
		"partitions_written", written, "partitions_skipped", skipped, "partitions_removed", removed)
	return tables, nil
}

// exportSnapshot is one committed snapshot: its date (the partition value)
// and the fingerprint of its content.
type exportSnapshot struct {
	date       string    // YYYY-MM-DD
	computedBy string    // snapshot_facts.computed_by: the run or rebuild
	computedAt time.Time // snapshot_facts.computed_at
}

// exportSnapshots reads the snapshots to export per tenant, oldest first:
// every tenant's, or only tenant's when it is set (which must have one).
func (w *Warehouse) exportSnapshots(ctx context.Context, tenant string) (map[string][]exportSnapshot, error) {
	if tenant != "" && !tenantNameRE.MatchString(tenant) {
		return nil, fmt.Errorf("export tenant %q: must match [a-z0-9_-]+", tenant)
	}
	rows, err := w.db.QueryContext(ctx, "SELECT tenant, snapshot_date, f.computed_by, f.computed_at FROM snapshots JOIN snapshot_facts f USING (tenant, snapshot_date) ORDER BY tenant, snapshot_date")
	if err != nil {
		return nil, fmt.Errorf("export: list snapshots: %w", err)
	}
	defer rows.Close()
	all := map[string][]exportSnapshot{}
	for rows.Next() {
		var t string
		var s exportSnapshot
		var day time.Time
		if err := rows.Scan(&t, &day, &s.computedBy, &s.computedAt); err != nil {
			return nil, fmt.Errorf("export: list snapshots: %w", err)
		}
		if !tenantNameRE.MatchString(t) {
			return nil, fmt.Errorf("export: tenant %q in the warehouse: must match [a-z0-9_-]+ to name a partition", t)
		}
		s.date = day.UTC().Format(time.DateOnly)
		all[t] = append(all[t], s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: list snapshots: %w", err)
	}
	if tenant == "" {
		return all, nil
	}
	if _, ok := all[tenant]; !ok {
		return nil, fmt.Errorf("export tenant %q: no snapshot in the warehouse (tenants: %s)", tenant, strings.Join(sortedTenants(all), ", "))
	}
	return map[string][]exportSnapshot{tenant: all[tenant]}, nil
}

func sortedTenants(m map[string][]exportSnapshot) []string {
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// prepareExportDir refuses a target that Export did not write (--dir . or
// a typo must never touch someone's files), creates it and writes the
// marker when it is missing or out of date.
func prepareExportDir(target string) error {
	fi, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("export directory %s: %w", target, err)
	case !fi.IsDir():
		return fmt.Errorf("export directory %s: exists and is not a directory", target)
	default:
		entries, err := os.ReadDir(target)
		if err != nil {
			return fmt.Errorf("export directory %s: %w", target, err)
		}
		if _, err := os.Stat(filepath.Join(target, ExportManifest)); err != nil && slices.ContainsFunc(entries, foreign) {
			return fmt.Errorf("export directory %s: refusing to write into a non-empty directory that is not a seatledger export (no %s)", target, ExportManifest)
		}
	}
	if err := os.MkdirAll(filepath.Join(target, ExportStateDir), 0o700); err != nil {
		return fmt.Errorf("create export directory: %w", err)
	}
	return writeMarker(target)
}

// foreign tells whether an entry of an export directory without the marker
// makes it someone else's: anything but the state directory and the
// marker's temporary file, which a concurrent export (another warehouse's)
// creates before the marker is renamed into place.
func foreign(e fs.DirEntry) bool {
	return e.Name() != ExportStateDir && !strings.HasPrefix(e.Name(), "."+ExportManifest+".tmp-")
}

// exportMarker is the content of ExportManifest: the same for every writer.
var exportMarker = []byte(`{
  "seatledger_export": ` + fmt.Sprint(ExportSchemaVersion) + `,
  "partition_by": ["tenant", "snapshot_date"],
  "tenant_manifests": "` + ExportStateDir + `/tenant=<name>.json"
}
`)

// writeMarker writes ExportManifest unless it already holds exportMarker
// (so an unchanged export changes no file).
func writeMarker(target string) error {
	p := filepath.Join(target, ExportManifest)
	if b, err := os.ReadFile(p); err == nil && string(b) == string(exportMarker) {
		return nil
	}
	if err := writeFileAtomic(p, exportMarker); err != nil {
		return fmt.Errorf("export marker: %w", err)
	}
	return nil
}

// writeFileAtomic writes b to a temporary file next to p (a dot name,
// which readers skip) and renames it over p.
func writeFileAtomic(p string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// restrictTree makes everything below dir owner-only: DuckDB creates its
// files with 0666 minus the umask.
func restrictTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		}
		if err := os.Chmod(p, mode); err != nil {
			return fmt.Errorf("make export owner-only: %w", err)
		}
		return nil
	})
}

// quoteLiteral is a SQL string literal; COPY takes no parameters.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent is a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
