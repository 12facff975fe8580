package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	seatsql "github.com/seatledger/seatledger/sql"
)

// mart is one mart computed once per snapshot: the temporary calc_ table
// that sql/marts creates, the _history relation every snapshot's rows go
// to, and the latest table holding each tenant's newest snapshot ("" for a
// mart that is a history itself). A versioned _history is a view over
// validity intervals (store), for the per-user marts whose rows hardly
// change from night to night; the others, small aggregates, are tables
// with a copy per snapshot. exported marts go to the Parquet lake (Export);
// a mart with a sheet is a sheet of the workbook at that place (1 first),
// its rows in order (ScanMart).
type mart struct {
	calc, history, latest string
	versioned             bool
	exported              bool
	sheet                 int
	order                 string
	// latestView: latest is a view of the history's newest snapshots
	// (sql/views), not a table written at each commit. For the per-user
	// licences, a copy of every row each night cost about 0.4 s at 100k
	// users; reading them through the view costs about 0.04 s more.
	latestView bool
}

// store is the versioned storage of a versioned mart's history.
func (m mart) store() versioned { return newVersioned(m.history, true) }

// marts are the per-snapshot marts, declared once: the warehouse writes,
// prunes, scopes, rebuilds, exports and reports exactly these.
var marts = []mart{
	{"calc_mart_license_inventory", "mart_license_inventory_history", "mart_license_inventory", false, true,
		1, "tenant, sku_part_number, sku_id", false},
	{"calc_mart_user_licenses", "mart_user_licenses_history", "mart_user_licenses", true, true,
		5, "tenant, user_principal_name, sku_part_number", true},
	{"calc_mart_reclamation_candidates", "mart_reclamation_candidates_history", "mart_reclamation_candidates", true, true,
		2, "tenant, annual_savings DESC NULLS LAST, user_principal_name, sku_part_number", false},
	{"calc_mart_reclamation_excluded", "mart_reclamation_excluded_history", "mart_reclamation_excluded", true, false, 0, "", false},
	{"calc_mart_rightsizing", "mart_rightsizing_history", "mart_rightsizing", true, true,
		8, "tenant, annual_saving DESC NULLS LAST, user_principal_name, from_sku, rule", false},
	{"calc_mart_spend", "mart_spend_history", "mart_spend", false, true,
		3, "tenant, sku_part_number, department NULLS LAST, cost_center NULLS LAST, currency", false},
	{"calc_mart_renewals", "mart_renewals_history", "mart_renewals", false, true,
		4, "tenant, next_lifecycle_at NULLS LAST, sku_part_number, subscription_id", false},
	{"calc_mart_findings", "mart_findings_history", "mart_findings", false, true,
		6, "tenant, CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, code, subject", false},
	{"calc_mart_utilization_history", "mart_utilization_history", "", false, true, 0, "", false},
	// Sparse: a snapshot before any reclaim has no rows; its partition in
	// the lake is a file with the columns and no row (writeEmpty).
	{"calc_mart_reclaim_outcomes", "mart_reclaim_outcomes_history", "mart_reclaim_outcomes", false, true,
		7, "tenant, acted_at DESC, user_id, sku_part_number", false},
}

// requiredParams are the parameter and reference tables the transforms
// read; a snapshot cannot be computed before ReplaceParams wrote them.
var requiredParams = []string{"param_rules", "param_settings", "param_prices", "param_exclusions", "param_limits",
	"param_ignore_skus", "ref_sku_catalog", "ref_sku_catalog_plans", "ref_plan_workloads", "ref_sku_contains"}

// Health is what the transforms found about a snapshot that makes it
// degraded: its usage report conceals user names, or there
// was no usable report. Reclamation candidates of such a snapshot call
// nobody idle.
type Health struct {
	Concealed     bool
	ReportMissing bool
}

// Degraded reports whether either holds.
func (h Health) Degraded() bool { return h.Concealed || h.ReportMissing }

// snapKey names one tenant snapshot.
type snapKey struct {
	tenant string
	date   time.Time
}

func (k snapKey) String() string { return k.tenant + " " + k.date.Format(time.DateOnly) }

// computation is one snapshot's marts being computed on a connection
// inside the caller's transaction.
type computation struct {
	w       *Warehouse
	conn    *sql.Conn
	catalog string // the warehouse's catalog: main.x would find temp.main.x
	key     snapKey
	runID   string // the run that wrote the snapshot's raw rows
	status  string // the snapshot's status as the transforms see it
	by      string // recorded as snapshot_facts.computed_by
	staged  bool   // the raw_ relations are the snapshot's staging tables already
}

// compute runs the transforms for c.key on c.conn: the snapshot's raw rows
// are scoped by temporary tables or views that shadow raw_* and snapshots, so every
// stg_ relation sees that one snapshot only and a night costs what its own
// data costs. It leaves the calc_ tables and stg_snapshots as temporary
// tables of the connection, which the caller must discard afterwards.
func (c *computation) compute(ctx context.Context) error {
	if err := c.checkParams(ctx); err != nil {
		return err
	}
	if err := c.scope(ctx); err != nil {
		return fmt.Errorf("scope snapshot %s: %w", c.key, err)
	}
	var files []string
	for _, dir := range []string{"transform", "marts"} {
		m, err := fs.Glob(c.w.opts.transforms, dir+"/*.sql")
		if err != nil {
			return fmt.Errorf("list %s/*.sql: %w", dir, err)
		}
		files = append(files, m...) // fs.Glob sorts
	}
	for _, f := range files {
		body, err := fs.ReadFile(c.w.opts.transforms, f)
		if err != nil {
			return fmt.Errorf("read transform %s: %w", f, err)
		}
		start := time.Now()
		if _, err := c.conn.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("transform %s: %w", f, err)
		}
		c.w.opts.log.Debug("transform done", "tenant", c.key.tenant, "file", f,
			"duration_ms", time.Since(start).Milliseconds())
	}
	return nil
}

func (c *computation) checkParams(ctx context.Context) error {
	missing, err := missingParams(ctx, c.conn)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("compute marts of %s: parameter tables %v are missing: write them (ReplaceParams) before committing a snapshot", c.key, missing)
	}
	return nil
}

// queryer is a *sql.DB or a *sql.Conn.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// missingParams lists the parameter tables the transforms read that the
// warehouse lacks.
func missingParams(ctx context.Context, q queryer) ([]string, error) {
	lits := make([]string, len(requiredParams))
	for i, t := range requiredParams {
		lits[i] = quoteLiteral(t)
	}
	rows, err := q.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN (`+strings.Join(lits, ", ")+`)`)
	if err != nil {
		return nil, fmt.Errorf("look for parameter tables: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("look for parameter tables: %w", err)
		}
		have[n] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for parameter tables: %w", err)
	}
	var missing []string
	for _, t := range requiredParams {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	return missing, nil
}

// accumulating are the raw relations whose earlier snapshots a night's
// transforms read too: the Power BI sign-ins seen since the first read of
// the sign-in logs, and the windows those reads covered. scope makes
// <name>_through: the tenant's rows of every snapshot up to the one
// computed (snapshot_date is the night a row was first stored).
var accumulating = []string{"raw_powerbi_signins", "raw_signin_log_reads"}

// scope creates the temporary views that make the transforms see one
// snapshot: each raw_ relation filtered to it (unless the snapshot's
// staging tables hold exactly its rows already), the accumulating
// relations through it, and snapshots as the one row being committed or
// rebuilt.
func (c *computation) scope(ctx context.Context) error {
	tenant, day := quoteLiteral(c.key.tenant), dateLiteral(c.key.date)
	if !c.staged {
		for _, v := range rawRelations {
			q := "CREATE OR REPLACE TEMP VIEW " + v.name + " AS SELECT * FROM " + c.qualified(v.name) +
				" WHERE tenant = " + tenant + " AND snapshot_date = " + day
			if _, err := c.conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
		}
	}
	for _, name := range accumulating {
		q := "CREATE OR REPLACE TEMP VIEW " + name + "_through AS SELECT * EXCLUDE (valid_from, valid_to), " +
			"valid_from AS snapshot_date FROM " + c.qualified(name+"_versions") +
			" WHERE tenant = " + tenant + " AND valid_from < " + day +
			" UNION ALL BY NAME SELECT * EXCLUDE (run_id) FROM " + name
		if _, err := c.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s_through: %w", name, err)
		}
	}
	q := "CREATE OR REPLACE TEMP VIEW snapshots AS SELECT " + tenant + " AS tenant, " + day + " AS snapshot_date, " +
		quoteLiteral(c.runID) + " AS run_id, " + quoteLiteral(c.status) + " AS status"
	if _, err := c.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("snapshots: %w", err)
	}
	return nil
}

// qualified names a table of the warehouse file itself, past any
// temporary view of the same name.
func (c *computation) qualified(table string) string {
	return quoteIdent(c.catalog) + ".main." + table
}

// health reads what the transforms found about the snapshot.
func (c *computation) health(ctx context.Context) (Health, error) {
	var h Health
	err := c.conn.QueryRowContext(ctx, "SELECT concealed, NOT has_report FROM stg_snapshots").Scan(&h.Concealed, &h.ReportMissing)
	if err != nil {
		return Health{}, fmt.Errorf("read health of snapshot %s: %w", c.key, err)
	}
	return h, nil
}

// store replaces the snapshot's rows in snapshot_facts and every _history
// table with the computed ones and, when it is the tenant's newest
// snapshot, its rows in the latest tables.
func (c *computation) store(ctx context.Context) error {
	k := c.key
	if _, err := c.conn.ExecContext(ctx, "DELETE FROM "+c.qualified("snapshot_facts")+
		" WHERE tenant = ? AND snapshot_date = ?", k.tenant, k.date); err != nil {
		return fmt.Errorf("replace facts of snapshot %s: %w", k, err)
	}
	if _, err := c.conn.ExecContext(ctx, `INSERT INTO `+c.qualified("snapshot_facts")+` BY NAME
		SELECT tenant, snapshot_date, as_of, report_refresh_date, report_rows, has_report, settings_concealed,
			hex_rows, concealed, ? AS computed_at, ? AS computed_by FROM stg_snapshots`,
		time.Now().UTC(), c.by); err != nil {
		return fmt.Errorf("store facts of snapshot %s: %w", k, err)
	}
	latest, err := c.isLatest(ctx)
	if err != nil {
		return err
	}
	var next *time.Time
	for _, m := range marts {
		start := time.Now()
		if m.versioned {
			if next == nil {
				if next, err = c.folder().nextSnapshot(ctx, k.tenant, k.date); err != nil {
					return err
				}
			}
			if err := c.folder().fold(ctx, m.store(), k.tenant, k.date, next, "temp.main."+m.calc); err != nil {
				return fmt.Errorf("store %s of snapshot %s: %w", m.history, k, err)
			}
		} else if err := c.replace(ctx, m); err != nil {
			return err
		}
		c.w.opts.log.Debug("mart stored", "tenant", k.tenant, "mart", m.history, "duration_ms", time.Since(start).Milliseconds())
		if m.latest == "" || !latest || m.latestView {
			continue
		}
		if _, err := c.conn.ExecContext(ctx, "DELETE FROM "+c.qualified(m.latest)+" WHERE tenant = ?", k.tenant); err != nil {
			return fmt.Errorf("replace %s rows of tenant %s: %w", m.latest, k.tenant, err)
		}
		if _, err := c.conn.ExecContext(ctx, "INSERT INTO "+c.qualified(m.latest)+
			" BY NAME SELECT * EXCLUDE (snapshot_date) FROM "+m.calc); err != nil {
			return fmt.Errorf("store %s of snapshot %s: %w", m.latest, k, err)
		}
	}
	return nil
}

// replace replaces the snapshot's rows of an unversioned _history table.
func (c *computation) replace(ctx context.Context, m mart) error {
	if _, err := c.conn.ExecContext(ctx, "DELETE FROM "+c.qualified(m.history)+
		" WHERE tenant = ? AND snapshot_date = ?", c.key.tenant, c.key.date); err != nil {
		return fmt.Errorf("replace %s rows of snapshot %s: %w", m.history, c.key, err)
	}
	if _, err := c.conn.ExecContext(ctx, "INSERT INTO "+c.qualified(m.history)+" BY NAME SELECT * FROM "+m.calc); err != nil {
		return fmt.Errorf("store %s of snapshot %s: %w", m.history, c.key, err)
	}
	return nil
}

func (c *computation) folder() folder {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	return folder{conn: c.conn, catalog: c.catalog, cols: c.w.versionCols}
}

// isLatest reports whether no committed snapshot of the tenant is newer.
func (c *computation) isLatest(ctx context.Context) (bool, error) {
	var newer int
	err := c.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+c.qualified("snapshots")+
		" WHERE tenant = ? AND snapshot_date > ?", c.key.tenant, c.key.date).Scan(&newer)
	if err != nil {
		return false, fmt.Errorf("look for snapshots of tenant %s after %s: %w", c.key.tenant, c.key.date.Format(time.DateOnly), err)
	}
	return newer == 0, nil
}

// newComputation prepares the computation of key's marts on conn.
func (w *Warehouse) newComputation(ctx context.Context, conn *sql.Conn, key snapKey, runID, status, by string) (*computation, error) {
	catalog, err := connCatalog(ctx, conn)
	if err != nil {
		return nil, err
	}
	return &computation{w: w, conn: conn, catalog: catalog, key: key, runID: runID, status: status, by: by}, nil
}

// connCatalog is the catalog name DuckDB gave the warehouse file.
func connCatalog(ctx context.Context, conn *sql.Conn) (string, error) {
	var name string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return "", fmt.Errorf("current database: %w", err)
	}
	if name == "" {
		return "", errors.New("current database: empty name")
	}
	return name, nil
}

// viewPattern finds the views a sql/views file creates.
var viewPattern = regexp.MustCompile(`(?i)CREATE\s+OR\s+REPLACE\s+VIEW\s+([a-z_][a-z0-9_]*)`)

// dropViews drops the read-side views (sql/views), newest file first, so
// that migrations meet only tables (a migration may turn a table into
// one of these views: DuckDB refuses DROP TABLE on a view of that name);
// applyViews re-creates them after migrating. Views of other names (a
// user's own) are left alone.
func (w *Warehouse) dropViews(ctx context.Context) error {
	files, err := fs.Glob(seatsql.Views, "views/*.sql")
	if err != nil {
		return fmt.Errorf("list views/*.sql: %w", err)
	}
	var names []string
	for _, f := range files {
		body, err := fs.ReadFile(seatsql.Views, f)
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		for _, m := range viewPattern.FindAllStringSubmatch(string(body), -1) {
			names = append(names, m[1])
		}
	}
	slices.Reverse(names)
	return w.inTx(ctx, func(conn *sql.Conn) error {
		for _, n := range names {
			var views int
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views()
				WHERE database_name = current_database() AND schema_name = 'main' AND view_name = ?`, n).Scan(&views); err != nil {
				return fmt.Errorf("look for view %s: %w", n, err)
			}
			if views == 0 {
				continue
			}
			if _, err := conn.ExecContext(ctx, "DROP VIEW "+quoteIdent(n)); err != nil {
				return fmt.Errorf("drop view %s: %w", n, err)
			}
		}
		return nil
	})
}

// applyViews re-creates the read-side views (sql/views) in one
// transaction; a writer does it after migrating.
func (w *Warehouse) applyViews(ctx context.Context) error {
	files, err := fs.Glob(seatsql.Views, "views/*.sql")
	if err != nil {
		return fmt.Errorf("list views/*.sql: %w", err)
	}
	return w.inTx(ctx, func(conn *sql.Conn) error {
		for _, f := range files {
			body, err := fs.ReadFile(seatsql.Views, f)
			if err != nil {
				return fmt.Errorf("read %s: %w", f, err)
			}
			if _, err := conn.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("view %s: %w", f, err)
			}
		}
		return nil
	})
}
