package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"parquet", "csv"}

// ExportManifest is the file Export writes at the top of its tree. Its
// leading underscore makes Spark, Hive and Trino skip it; Export refuses to
// replace an existing non-empty directory that lacks it.
const ExportManifest = "_seatledger_export.json"

// ExportOptions says what Export writes.
type ExportOptions struct {
	// Format is "parquet" (the default when empty) or "csv".
	Format string
	// Tenant, when set, limits the export to that tenant.
	Tenant string
	// Mask replaces the values of the named columns wherever they occur
	// (for pseudonyms); the function sees each non-NULL value.
	Mask map[string]func(string) string
	// Now stamps the manifest; zero means time.Now.
	Now time.Time
}

// ExportedTable is one relation Export wrote: its directory name under the
// export, its rows and its tenant × snapshot_date partitions.
type ExportedTable struct {
	Name       string `json:"name"`
	Rows       int64  `json:"rows"`
	Partitions int    `json:"partitions"`
}

// exportTables are the relations Export writes, each hive-partitioned by
// tenant and snapshot_date: every mart of the latest snapshot per tenant
// (with the snapshot_date the mart itself leaves out) and every _history
// view over all snapshots.
var exportTables = func() []struct{ name, query string } {
	var out []struct{ name, query string }
	for _, m := range []string{"mart_license_inventory", "mart_user_licenses", "mart_reclamation_candidates",
		"mart_spend", "mart_renewals", "mart_findings"} {
		out = append(out,
			struct{ name, query string }{m, "SELECT m.* FROM " + m + "_history m SEMI JOIN stg_snapshots s " +
				"ON s.tenant = m.tenant AND s.snapshot_date = m.snapshot_date AND s.is_latest"},
			struct{ name, query string }{m + "_history", "SELECT * FROM " + m + "_history"})
	}
	return append(out, struct{ name, query string }{"mart_utilization_history", "SELECT * FROM mart_utilization_history"})
}()

// ExportTableNames are the directory names Export writes, in order.
func ExportTableNames() []string {
	names := make([]string, len(exportTables))
	for i, t := range exportTables {
		names[i] = t.name
	}
	return names
}

var tenantNameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Export writes every mart and _history view below dir as
// dir/<relation>/tenant=<t>/snapshot_date=<YYYY-MM-DD>/data_N.<format>,
// with COPY ... PARTITION_BY (the partition columns live in the paths, not
// in the files), plus ExportManifest. The tree is written into a temporary
// directory next to dir and renamed into place only when complete, so a
// failed export leaves the previous tree as it was; an existing dir is
// replaced wholesale. Directories are 0700 and files 0600. It works on a
// read-only warehouse.
func (w *Warehouse) Export(ctx context.Context, dir string, o ExportOptions) ([]ExportedTable, error) {
	if o.Format == "" {
		o.Format = "parquet"
	}
	if o.Format != "parquet" && o.Format != "csv" {
		return nil, fmt.Errorf("export format: must be parquet or csv, got %q", o.Format)
	}
	if err := w.checkExportTenant(ctx, o.Tenant); err != nil {
		return nil, err
	}
	target, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("export directory %s: %w", dir, err)
	}
	if err := replaceable(target); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return nil, fmt.Errorf("create parent of export directory: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary export directory: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	tables, err := w.exportInto(ctx, tmp, o)
	if err != nil {
		return nil, err
	}
	if err := writeManifest(tmp, o, tables); err != nil {
		return nil, err
	}
	if err := restrictTree(tmp); err != nil {
		return nil, err
	}
	if err := swapDir(tmp, target); err != nil {
		return nil, err
	}
	done = true
	w.opts.log.Info("exported marts", "dir", target, "format", o.Format, "tables", len(tables))
	return tables, nil
}

// checkExportTenant accepts "" or a tenant with at least one snapshot.
func (w *Warehouse) checkExportTenant(ctx context.Context, tenant string) error {
	if tenant == "" {
		return nil
	}
	if !tenantNameRE.MatchString(tenant) {
		return fmt.Errorf("export tenant %q: must match [a-z0-9_-]+", tenant)
	}
	var known []string
	err := w.Stream(ctx, "SELECT DISTINCT tenant FROM snapshots ORDER BY tenant", nil, func(_ []string, v []any) error {
		known = append(known, fmt.Sprint(v[0]))
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: list tenants: %w", err)
	}
	for _, k := range known {
		if k == tenant {
			return nil
		}
	}
	return fmt.Errorf("export tenant %q: no snapshot in the warehouse (tenants: %s)", tenant, strings.Join(known, ", "))
}

// exportInto runs one COPY per relation into dir, on one connection (the
// mask function is registered per connection).
func (w *Warehouse) exportInto(ctx context.Context, dir string, o ExportOptions) ([]ExportedTable, error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: connection: %w", err)
	}
	defer conn.Close()
	if len(o.Mask) > 0 {
		if err := registerMask(conn, o.Mask); err != nil {
			return nil, fmt.Errorf("export: register mask function: %w", err)
		}
	}
	opts := "FORMAT parquet, PARTITION_BY (tenant, snapshot_date)"
	if o.Format == "csv" {
		opts = "FORMAT csv, HEADER true, PARTITION_BY (tenant, snapshot_date)"
	}
	tables := make([]ExportedTable, 0, len(exportTables))
	for _, t := range exportTables {
		query, err := exportQuery(ctx, conn, t.query, o)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.name, err)
		}
		out := filepath.Join(dir, t.name)
		res, err := conn.ExecContext(ctx, "COPY ("+query+") TO "+quoteLiteral(out)+" ("+opts+")")
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("export %s: rows written: %w", t.name, err)
		}
		// COPY writes no directory for no rows; readers want one to exist.
		if err := os.MkdirAll(out, 0o700); err != nil {
			return nil, fmt.Errorf("export %s: %w", t.name, err)
		}
		parts, err := countPartitions(out)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.name, err)
		}
		tables = append(tables, ExportedTable{Name: t.name, Rows: n, Partitions: parts})
	}
	return tables, nil
}

// exportQuery wraps a relation's query with the tenant filter and the
// masked columns it has.
func exportQuery(ctx context.Context, conn *sql.Conn, query string, o ExportOptions) (string, error) {
	if o.Tenant != "" {
		query = "SELECT * FROM (" + query + ") WHERE tenant = " + quoteLiteral(o.Tenant)
	}
	if len(o.Mask) == 0 {
		return query, nil
	}
	rows, err := conn.QueryContext(ctx, "SELECT * FROM ("+query+") LIMIT 0")
	if err != nil {
		return "", fmt.Errorf("columns: %w", err)
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return "", fmt.Errorf("columns: %w", err)
	}
	var repl []string
	for _, c := range cols {
		if o.Mask[c] != nil {
			repl = append(repl, fmt.Sprintf("%s(%s, %s) AS %s", maskFunction, quoteLiteral(c), quoteIdent(c), quoteIdent(c)))
		}
	}
	if len(repl) == 0 {
		return query, nil
	}
	return "SELECT * REPLACE (" + strings.Join(repl, ", ") + ") FROM (" + query + ")", nil
}

// countPartitions counts the tenant=…/snapshot_date=… directories below dir.
func countPartitions(dir string) (int, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "tenant=*", "snapshot_date=*"))
	if err != nil {
		return 0, err
	}
	return len(matches), nil
}

// writeManifest records what the export holds, for people and scripts.
func writeManifest(dir string, o ExportOptions, tables []ExportedTable) error {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	b, err := json.MarshalIndent(struct {
		CreatedAt   time.Time       `json:"created_at"`
		Format      string          `json:"format"`
		Tenant      string          `json:"tenant,omitempty"`
		PartitionBy []string        `json:"partition_by"`
		Tables      []ExportedTable `json:"tables"`
	}{now.UTC(), o.Format, o.Tenant, []string{"tenant", "snapshot_date"}, tables}, "", "  ")
	if err != nil {
		return fmt.Errorf("export manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ExportManifest), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("export manifest: %w", err)
	}
	return nil
}

// replaceable refuses to replace a directory that Export did not write:
// --dir . or a typo must never wipe someone's files.
func replaceable(target string) error {
	fi, err := os.Stat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export directory %s: %w", target, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("export directory %s: exists and is not a directory", target)
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return fmt.Errorf("export directory %s: %w", target, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(target, ExportManifest)); err != nil {
		return fmt.Errorf("export directory %s: refusing to replace a non-empty directory that is not a seatledger export (no %s)", target, ExportManifest)
	}
	return nil
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

// swapDir puts the finished tree tmp at target. An existing target is moved
// aside first and removed after; if the second rename fails it is moved
// back. Readers may see no target between the two renames, never a
// partial one.
func swapDir(tmp, target string) error {
	if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, target); err != nil {
			return fmt.Errorf("move export into place: %w", err)
		}
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(target, old); err != nil {
		return fmt.Errorf("move previous export aside: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		if rerr := os.Rename(old, target); rerr != nil {
			return fmt.Errorf("move export into place: %w (and restoring the previous one: %v, it is at %s)", err, rerr, old)
		}
		return fmt.Errorf("move export into place: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove previous export %s: %w", old, err)
	}
	return nil
}

// quoteLiteral is a SQL string literal; COPY takes no parameters.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent is a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// maskFunction is the scalar function that applies ExportOptions.Mask
// inside DuckDB, so that COPY writes masked values without the rows
// passing through Go twice.
const maskFunction = "seatledger_export_mask"

// maskUDF is maskFunction: (column VARCHAR, value VARCHAR) -> VARCHAR;
// NULL stays NULL.
type maskUDF struct {
	mask map[string]func(string) string
}

func (m *maskUDF) Config() duckdb.ScalarFuncConfig {
	varchar, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		panic(err) // a primitive type always has a TypeInfo
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varchar, varchar}, ResultTypeInfo: varchar}
}

func (m *maskUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		col, _ := v[0].(string)
		val, _ := v[1].(string)
		f := m.mask[col]
		if f == nil {
			return nil, fmt.Errorf("no mask for column %q", col)
		}
		return f(val), nil
	}}
}

// registerMask registers maskFunction on conn.
func registerMask(conn *sql.Conn, mask map[string]func(string) string) error {
	return duckdb.RegisterScalarUDF(conn, maskFunction, &maskUDF{mask: mask})
}
