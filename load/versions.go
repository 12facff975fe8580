package load

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// versioned is a relation stored as validity intervals
// (sql/schema/0005_versions.sql): readers see name, a view that expands
// the versions table over the snapshots; nightly, when set, holds the
// columns that change every night, per snapshot and version row_key.
type versioned struct{ name, versions, nightly string }

func newVersioned(name string, nightly bool) versioned {
	v := versioned{name: name, versions: name + "_versions"}
	if nightly {
		v.nightly = name + "_nightly"
	}
	return v
}

// rawRelations are the raw relations, declared once: a snapshot stages
// each in a temporary table of the same name and folds it into its
// versions at commit.
var rawRelations = func() []versioned {
	var out []versioned
	for _, n := range []string{"raw_users", "raw_user_licenses", "raw_license_assignment_states",
		"raw_subscribed_skus", "raw_sku_service_plans", "raw_subscriptions", "raw_subscription_service_plans",
		"raw_report_settings", "raw_groups", "raw_group_licenses", "raw_usage_report", "raw_dataset_status",
		"raw_copilot_usage", "raw_apps_usage", "raw_office_activations", "raw_mailbox_usage",
		"raw_signin_activity", "raw_powerbi_signins", "raw_signin_log_reads"} {
		out = append(out, newVersioned(n, nightlyRaw[n]))
	}
	return out
}()

// nightlyRaw are the raw relations with a nightly part: the reports, whose
// refresh date (and mostly their activity dates and sizes) change every
// night, and users' sign-in dates (sql/schema/0005_versions.sql,
// 0012_usage_signals.sql, 0014_signins.sql).
var nightlyRaw = map[string]bool{"raw_usage_report": true, "raw_copilot_usage": true, "raw_apps_usage": true,
	"raw_office_activations": true, "raw_mailbox_usage": true, "raw_signin_activity": true}

// versionedRelations are every relation stored as versions: the raw ones
// and the _history marts that are (see marts); prune and upgrade cover
// exactly these.
func versionedRelations() []versioned {
	out := slices.Clone(rawRelations)
	for _, m := range marts {
		if m.versioned {
			out = append(out, m.store())
		}
	}
	return out
}

// versionColumns are the content columns of a versioned relation: those
// its versions table stores (stable) and those its nightly table stores.
type versionColumns struct{ stable, nightly []string }

// loadVersionColumns reads the content columns of every raw relation from
// the catalog, so that the fold covers columns later migrations add.
func (w *Warehouse) loadVersionColumns(ctx context.Context) error {
	cols := map[string]versionColumns{}
	for _, v := range versionedRelations() {
		var c versionColumns
		var err error
		if c.stable, err = w.contentColumns(ctx, v.versions, "valid_from", "valid_to", "row_key"); err != nil {
			return err
		}
		if v.nightly != "" {
			if c.nightly, err = w.contentColumns(ctx, v.nightly, "snapshot_date", "row_key"); err != nil {
				return err
			}
		}
		cols[v.name] = c
	}
	w.mu.Lock()
	w.versionCols = cols
	w.mu.Unlock()
	return nil
}

// contentColumns lists table's columns in order, without tenant and skip.
func (w *Warehouse) contentColumns(ctx context.Context, table string, skip ...string) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT column_name FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?
		ORDER BY column_index`, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", table, err)
		}
		if c != "tenant" && !slices.Contains(skip, c) {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("columns of %s: table missing", table)
	}
	return out, nil
}

// folder folds staged rows into the versions of one warehouse, on one
// connection inside the caller's transaction.
type folder struct {
	conn    *sql.Conn
	catalog string
	cols    map[string]versionColumns
}

func (f folder) qualified(table string) string { return quoteIdent(f.catalog) + ".main." + table }

// fold makes the versions of v say that tenant's snapshot of date holds
// exactly the rows of the table src (the snapshot's staged rows):
//   - a version valid on date that src still has (equal in every stable
//     column, NULLs equal, duplicates matched one to one) stays as it is;
//   - one that src no longer has stops at date and, when next (the
//     tenant's following snapshot) is set and it was valid then, goes on
//     from next;
//   - a row that src adds extends a version of the same content that ended
//     at date (a same-day re-run that undoes a change), or starts a new one
//     at date, lasting until next (open-ended without one).
//
// The nightly columns of date are replaced, keyed by the version each row
// ended up in. A night that changes 1 % of the rows writes about 1 % of
// them, plus the nightly table's narrow rows.
//
// src must be a table: the match names its rows by rowid rather than
// copying them (a copy of every stable column of every row was most of a
// fold's time), and a new keyed version's row_key is the last key plus one
// plus that rowid.
func (f folder) fold(ctx context.Context, v versioned, tenant string, date time.Time, next *time.Time, src string) error {
	cols, ok := f.cols[v.name]
	if !ok {
		return fmt.Errorf("fold %s: columns not loaded", v.name)
	}
	T, D, N := quoteLiteral(tenant), dateLiteral(date), "NULL::DATE"
	if next != nil {
		N = dateLiteral(*next)
	}
	V := f.qualified(v.versions)
	keyed := v.nightly != ""
	stable := strings.Join(cols.stable, ", ")
	same := func(a, b string) string {
		eq := make([]string, len(cols.stable))
		for i, c := range cols.stable {
			eq[i] = a + "." + c + " IS NOT DISTINCT FROM " + b + "." + c
		}
		return strings.Join(eq, " AND ")
	}
	liveOn := " WHERE tenant = " + T + " AND valid_from <= " + D + " AND (valid_to IS NULL OR valid_to > " + D + ")"
	// One scan of the tenant's versions: those that ended on the day (a
	// re-run or a rebuild may extend them), those valid on it and whether
	// any of those are alike (see numbered below), and the last row key
	// (new keyed versions number on from it).
	var ended, live, base int64
	var liveAlike bool
	lastKey := "0" // the last row key of a keyed relation's versions
	if keyed {
		lastKey = "coalesce(max(row_key), 0)"
	}
	valid := " FILTER (WHERE valid_from <= " + D + " AND (valid_to IS NULL OR valid_to > " + D + "))"
	if err := f.conn.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE valid_to = "+D+"), count(*)"+valid+
		", count(*)"+valid+" > count(DISTINCT hash("+stable+"))"+valid+", "+lastKey+" FROM "+V+" WHERE tenant = "+T).
		Scan(&ended, &live, &liveAlike, &base); err != nil {
		return fmt.Errorf("fold %s: versions ended and valid on the day: %w", v.name, err)
	}
	if ended == 0 && live == 0 {
		// Nothing of the tenant touches the day: an empty stage (a dataset
		// the tenant does not read) has nothing to fold.
		var staged bool
		if err := f.conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+src+")").Scan(&staged); err != nil {
			return fmt.Errorf("fold %s: staged rows: %w", v.name, err)
		}
		if !staged {
			return nil
		}
	}
	// A new version's key: the last key, plus one, plus its staged rowid.
	newKey := fmt.Sprint(base) + " + 1 + "
	// Rows alike are numbered 1, 2, … so that duplicates match one to one.
	// Numbering within a hash of the row is cheaper than within its every
	// column, and as exact: the match still compares every column, so a
	// hash collision can only cost a match (a version ended and begun
	// again), never a wrong one. Rows are rarely alike: numbering is only
	// paid for when some hash repeats on either side.
	numbered := "row_number() OVER (PARTITION BY hash(" + stable + ")) AS dup"
	rowKey := "NULL::BIGINT AS row_key"
	if keyed {
		rowKey = "row_key"
	}
	nightly := make([]string, len(cols.nightly))
	for i, c := range cols.nightly {
		nightly[i] = ", s." + c
	}
	type step struct{ what, sql string }
	var steps []step
	var drops []string
	// The match, fold_j: every version valid on the day (rid, its rowid)
	// beside the staged row (srid) it equals, if any, and every staged row
	// without one, with the staged row's nightly columns. A tenant's first
	// snapshot (or one before all others) has no version to match: its
	// staged rows are all new, which is the same thing without the join.
	fresh := live == 0 && ended == 0
	if fresh {
		steps = append(steps, step{"match (nothing to match)", `CREATE OR REPLACE TEMP VIEW fold_j AS
			SELECT NULL::BIGINT AS rid, NULL::BIGINT AS row_key, NULL::DATE AS valid_from, s.rowid AS srid` + strings.Join(nightly, "") + `
			FROM ` + src + ` s`})
		drops = append(drops, "DROP VIEW temp.main.fold_j")
	} else {
		alike := liveAlike
		if !alike {
			if err := f.conn.QueryRowContext(ctx, "SELECT count(*) > count(DISTINCT hash("+stable+")) FROM "+src).Scan(&alike); err != nil {
				return fmt.Errorf("fold %s: staged rows alike: %w", v.name, err)
			}
		}
		on, dup := same("a", "s"), ""
		if alike {
			on, dup = on+" AND a.dup = s.dup", ", "+numbered
		}
		steps = append(steps, step{"match", `CREATE OR REPLACE TEMP TABLE fold_j AS
			SELECT a.rid, a.row_key, a.valid_from, s.srid` + strings.Join(nightly, "") + `
			FROM (SELECT rowid AS rid, ` + rowKey + `, valid_from, ` + stable + dup + ` FROM ` + V + liveOn + `) a
			FULL JOIN (SELECT rowid AS srid, * ` + dup + ` FROM ` + src + `) s ON ` + on})
		drops = append(drops, "DROP TABLE temp.main.fold_j")
	}
	// The new versions, newRows: the staged rows without a match, each
	// with its key. A same-day re-run or a rebuild (versions ended on the
	// day) first links them to a version of the same content that ended on
	// the day, fold_n: that one is extended instead, keeping its key.
	newRows := `(SELECT ` + newKey + `rowid AS fold_key, * FROM ` + src + ` WHERE rowid IN (SELECT srid FROM fold_j WHERE rid IS NULL))`
	keys := "coalesce(row_key, " + newKey + "srid)" // the nightly rows' keys
	nightlyFrom := "fold_j"
	if fresh {
		newRows = `(SELECT ` + newKey + `rowid AS fold_key, * FROM ` + src + `)`
	}
	if ended > 0 {
		steps = append(steps, step{"link new rows to versions that ended on the day", `CREATE OR REPLACE TEMP TABLE fold_p AS
			SELECT rowid AS rid, ` + rowKey + `, ` + stable + `, ` + numbered + ` FROM ` + V + ` WHERE tenant = ` + T + ` AND valid_to = ` + D + `;
		CREATE OR REPLACE TEMP TABLE fold_n AS
			SELECT p.rid AS prev, coalesce(p.row_key, ` + newKey + `n.srid) AS key, n.srid
			FROM (SELECT rowid AS srid, ` + stable + `, ` + numbered + ` FROM ` + src + `
				WHERE rowid IN (SELECT srid FROM fold_j WHERE rid IS NULL)) n
			LEFT JOIN fold_p p ON ` + same("p", "n") + ` AND p.dup = n.dup;
		DROP TABLE fold_p`})
		drops = append(drops, "DROP TABLE temp.main.fold_n")
		newRows = `(SELECT n.key AS fold_key, s.* FROM fold_n n JOIN ` + src + ` s ON s.rowid = n.srid WHERE n.prev IS NULL)`
		keys, nightlyFrom = "coalesce(j.row_key, n.key)", "fold_j j LEFT JOIN fold_n n USING (srid)"
	}
	if !fresh {
		gone := "SELECT rid FROM fold_j WHERE srid IS NULL"
		if next != nil {
			steps = append(steps,
				step{"continue gone versions after the day", `INSERT INTO ` + V + ` SELECT * REPLACE (` + N + ` AS valid_from) FROM ` + V + `
				WHERE rowid IN (` + gone + ` AND valid_from < ` + D + `) AND (valid_to IS NULL OR valid_to > ` + N + `)`},
				step{"move gone versions of the day to the next snapshot", `UPDATE ` + V + ` SET valid_from = ` + N + `
				WHERE rowid IN (` + gone + ` AND valid_from = ` + D + `) AND (valid_to IS NULL OR valid_to > ` + N + `)`})
		}
		steps = append(steps,
			step{"end gone versions", `UPDATE ` + V + ` SET valid_to = ` + D + ` WHERE rowid IN (` + gone + ` AND valid_from < ` + D + `)`},
			step{"drop gone versions of the day", `DELETE FROM ` + V + ` WHERE rowid IN (` + gone + ` AND valid_from = ` + D + `) AND valid_from = ` + D})
	}
	if ended > 0 {
		steps = append(steps, step{"extend versions that ended on the day",
			`UPDATE ` + V + ` SET valid_to = ` + N + ` WHERE rowid IN (SELECT prev FROM fold_n WHERE prev IS NOT NULL)`})
	}
	insertCols, insertVals := "tenant, valid_from, valid_to, "+stable, T+", "+D+", "+N+", "+stable
	if keyed {
		insertCols, insertVals = insertCols+", row_key", insertVals+", fold_key"
	}
	steps = append(steps, step{"add new versions", `INSERT INTO ` + V + ` (` + insertCols + `) SELECT ` + insertVals + ` FROM ` + newRows})
	if keyed {
		NT, names := f.qualified(v.nightly), strings.Join(cols.nightly, ", ")
		steps = append(steps,
			step{"replace the nightly rows", `DELETE FROM ` + NT + ` WHERE tenant = ` + T + ` AND snapshot_date = ` + D},
			step{"add the nightly rows", `INSERT INTO ` + NT + ` (tenant, snapshot_date, row_key, ` + names + `)
				SELECT ` + T + `, ` + D + `, ` + keys + `, ` + names + ` FROM ` + nightlyFrom + ` WHERE srid IS NOT NULL
				ORDER BY 3`}) // keys in order compress to a few bits a row
	}
	for _, st := range steps {
		if _, err := f.conn.ExecContext(ctx, st.sql); err != nil {
			return fmt.Errorf("fold %s of %s %s: %s: %w", v.name, tenant, date.Format(time.DateOnly), st.what, err)
		}
	}
	for _, q := range drops {
		if _, err := f.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("fold %s: %s: %w", v.name, q, err)
		}
	}
	return nil
}

// nextSnapshot is the tenant's first snapshot after date, if any.
func (f folder) nextSnapshot(ctx context.Context, tenant string, date time.Time) (*time.Time, error) {
	var next sql.NullTime
	if err := f.conn.QueryRowContext(ctx, "SELECT min(snapshot_date) FROM "+f.qualified("snapshots")+
		" WHERE tenant = ? AND snapshot_date > ?", tenant, date).Scan(&next); err != nil {
		return nil, fmt.Errorf("next snapshot of tenant %s after %s: %w", tenant, date.Format(time.DateOnly), err)
	}
	if !next.Valid {
		return nil, nil
	}
	d := dateOf(next.Time)
	return &d, nil
}

func dateLiteral(d time.Time) string { return "DATE " + quoteLiteral(d.Format(time.DateOnly)) }

// stageRaw creates the snapshot's staging tables on its connection: a
// temporary table per raw relation, with the relation's name and columns,
// which shadows the relation for every statement of the snapshot.
func stageRaw(ctx context.Context, conn *sql.Conn, catalog string) error {
	for _, v := range rawRelations {
		q := "CREATE TEMP TABLE " + v.name + " AS SELECT * FROM " + quoteIdent(catalog) + ".main." + v.name + " LIMIT 0"
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("stage %s: %w", v.name, err)
		}
	}
	return nil
}

// pruneVersions deletes, inside tx, the versions no kept snapshot needs:
// those of tenants without a snapshot, those that ended on or before a
// tenant's oldest kept snapshot, and the nightly rows of removed
// snapshots.
func pruneVersions(ctx context.Context, tx *sql.Tx) error {
	for _, v := range versionedRelations() {
		qs := []string{
			"DELETE FROM " + v.versions + " WHERE tenant NOT IN (SELECT tenant FROM snapshots)",
			"DELETE FROM " + v.versions + " v WHERE valid_to <= (SELECT min(snapshot_date) FROM snapshots s WHERE s.tenant = v.tenant)",
		}
		if v.nightly != "" {
			qs = append(qs, "DELETE FROM "+v.nightly+" n WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.tenant = n.tenant AND s.snapshot_date = n.snapshot_date)")
		}
		for _, q := range qs {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("prune %s: %w", v.versions, err)
			}
		}
	}
	return nil
}

// foldLegacy upgrades a warehouse that kept a copy of every row per night
// (migrations 0005 to 0007 renamed those tables legacy_<name>): it folds
// their snapshots into the versions tenant by tenant, oldest first, each in
// its own transaction that also deletes the snapshot's legacy rows, so
// that an interrupted upgrade goes on where it stopped; then it drops the
// legacy tables.
func (w *Warehouse) foldLegacy(ctx context.Context) error {
	rows, err := w.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND starts_with(table_name, 'legacy_')`)
	if err != nil {
		return fmt.Errorf("look for legacy tables: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("look for legacy tables: %w", err)
		}
		have[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look for legacy tables: %w", err)
	}
	var legacy []versioned
	var union []string
	for _, v := range versionedRelations() {
		if have["legacy_"+v.name] {
			legacy = append(legacy, v)
			union = append(union, "SELECT tenant, snapshot_date FROM legacy_"+v.name)
		}
	}
	if len(legacy) == 0 {
		return nil
	}
	keys, err := w.keys(ctx, "SELECT DISTINCT tenant, snapshot_date FROM ("+strings.Join(union, " UNION ")+
		") SEMI JOIN snapshots USING (tenant, snapshot_date) ORDER BY tenant, snapshot_date")
	if err != nil {
		return fmt.Errorf("list legacy snapshots: %w", err)
	}
	start := time.Now()
	for _, k := range keys {
		if err := w.foldLegacySnapshot(ctx, k, legacy); err != nil {
			return fmt.Errorf("fold legacy rows of %s: %w", k, err)
		}
	}
	err = w.inTx(ctx, func(conn *sql.Conn) error {
		for _, v := range legacy {
			if _, err := conn.ExecContext(ctx, "DROP TABLE legacy_"+v.name); err != nil {
				return fmt.Errorf("drop legacy_%s: %w", v.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.opts.log.Info("tables upgraded to versions", "tables", len(legacy), "snapshots", len(keys),
		"duration_ms", time.Since(start).Milliseconds())
	return nil
}

func (w *Warehouse) foldLegacySnapshot(ctx context.Context, k snapKey, legacy []versioned) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer discard(conn) // it holds temporary tables
	catalog, err := connCatalog(ctx, conn)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // a no-op after COMMIT
	w.mu.Lock()
	f := folder{conn: conn, catalog: catalog, cols: w.versionCols}
	w.mu.Unlock()
	where := " WHERE tenant = " + quoteLiteral(k.tenant) + " AND snapshot_date = " + dateLiteral(k.date)
	for _, v := range legacy {
		table := f.qualified("legacy_" + v.name)
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE legacy_rows AS SELECT * FROM "+table+where); err != nil {
			return fmt.Errorf("read legacy_%s: %w", v.name, err)
		}
		// Folded in date order, each snapshot is the newest so far.
		if err := f.fold(ctx, v, k.tenant, k.date, nil, "temp.main.legacy_rows"); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+table+where); err != nil {
			return fmt.Errorf("delete folded rows of legacy_%s: %w", v.name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
