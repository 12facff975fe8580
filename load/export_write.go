package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// exporter is one Export call: the connection (with the mask function),
// the target directory, the settings every partition is written with, the
// relations with their column fingerprints, the tenants with their
// manifests, and the counts per relation.
type exporter struct {
	conn     *sql.Conn
	dir      string
	o        ExportOptions
	log      *slog.Logger
	settings exportSettings
	copyOpts string // the partitioned COPY's options
	fileOpts string // the options of one file's COPY (writeEmpty)
	ext      string // of a partition's file, data_0.<ext>
	perCopy  int    // partitionsPerCopy
	rels     []preparedRelation
	tenants  []*exportTenant
	stats    map[string]*ExportedTable
}

// exportTenant is one tenant being exported: its snapshots (oldest first)
// and its manifest as it will be saved.
type exportTenant struct {
	name  string
	snaps []exportSnapshot
	m     *tenantManifest
}

// preparedRelation is an exportRelation with its columns looked up.
type preparedRelation struct {
	exportRelation
	columns    string // columnsFingerprint
	selectList string // the columns written, masked
}

// partitionWork is what one relation needs of one tenant: the snapshots
// whose partitions to write, and the partitions found on disk.
type partitionWork struct {
	t      *exportTenant
	rm     *relationManifest
	todo   []exportSnapshot
	onDisk map[string]bool
}

func newExporter(ctx context.Context, conn *sql.Conn, dir string, o ExportOptions, wo options) (*exporter, error) {
	e := &exporter{conn: conn, dir: dir, o: o, log: wo.log, perCopy: partitionsPerCopy(wo.memoryLimit, wo.threads),
		settings: exportSettings{SchemaVersion: ExportSchemaVersion, Format: o.Format, Mask: maskFingerprint(o.Mask)},
		fileOpts: "FORMAT parquet", ext: "parquet",
		stats: map[string]*ExportedTable{}}
	if o.Format == "csv" {
		e.fileOpts, e.ext = "FORMAT csv, HEADER true", "csv"
	}
	e.copyOpts = e.fileOpts + ", PARTITION_BY (tenant, snapshot_date)"
	if e.settings.Mask != "" {
		if err := registerMask(conn, o.Mask); err != nil {
			return nil, fmt.Errorf("export: register mask function: %w", err)
		}
	}
	for _, r := range exportRelations {
		p, err := e.prepare(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", r.name, err)
		}
		e.rels = append(e.rels, p)
		e.stats[r.name] = &ExportedTable{Name: r.name}
	}
	return e, nil
}

// prepare looks up a relation's columns (by name: a view or a table) for
// its fingerprint and the masked select list.
func (e *exporter) prepare(ctx context.Context, r exportRelation) (preparedRelation, error) {
	rows, err := e.conn.QueryContext(ctx, "SELECT * FROM "+quoteIdent(r.source)+" LIMIT 0")
	if err != nil {
		return preparedRelation{}, fmt.Errorf("columns: %w", err)
	}
	fp, cols, err := columnsFingerprint(rows)
	rows.Close()
	if err != nil {
		return preparedRelation{}, fmt.Errorf("columns: %w", err)
	}
	if !slices.Contains(cols, "tenant") || !slices.Contains(cols, "snapshot_date") {
		return preparedRelation{}, errors.New("relation has no tenant or no snapshot_date column")
	}
	var repl []string
	for _, c := range cols {
		if e.o.Mask[c] != nil {
			repl = append(repl, fmt.Sprintf("%s(%s, %s) AS %s", maskFunction, quoteLiteral(c), quoteIdent(c), quoteIdent(c)))
		}
	}
	list := "*"
	if len(repl) > 0 {
		list += " REPLACE (" + strings.Join(repl, ", ") + ")"
	}
	return preparedRelation{exportRelation: r, columns: fp, selectList: list}, nil
}

// tables is the counts per relation, in ExportTableNames order.
func (e *exporter) tables() []ExportedTable {
	out := make([]ExportedTable, len(e.rels))
	for i, r := range e.rels {
		out[i] = *e.stats[r.name]
	}
	return out
}

// run exports every tenant of snaps: it clears their leftovers, reads
// their manifests, then brings one relation after the other up to date
// (one COPY per relation for all tenants, or a few, see partitionsPerCopy). The
// manifests are saved at the end, also after a failure part way: each then
// records the partitions that did reach their place, so the next export
// redoes only the rest.
func (e *exporter) run(ctx context.Context, snaps map[string][]exportSnapshot) (err error) {
	if err := e.clearStaging(snaps); err != nil {
		return err
	}
	for _, name := range sortedTenants(snaps) {
		t, err := e.openTenant(name, snaps[name])
		if err != nil {
			return fmt.Errorf("export tenant %s: %w", name, err)
		}
		e.tenants = append(e.tenants, t)
	}
	defer func() {
		for _, t := range e.tenants {
			if serr := t.m.save(e.dir, e.o.Now); serr != nil {
				err = errors.Join(err, fmt.Errorf("export tenant %s: %w", t.name, serr))
			}
		}
	}()
	for _, r := range e.processingOrder() {
		// Readers (Spark's LOCATION) want a relation's directory to exist
		// even when no tenant has rows in it.
		if err := os.MkdirAll(filepath.Join(e.dir, r.name), 0o700); err != nil {
			return fmt.Errorf("export %s: %w", r.name, err)
		}
		if err := e.exportRelation(ctx, r); err != nil {
			return fmt.Errorf("export %s: %w", r.name, err)
		}
	}
	return nil
}

// openTenant reads a tenant's manifest. When the format, the mask or the
// schema version changed, the whole tenant is rewritten: partitions whose
// snapshot the warehouse no longer holds cannot be rewritten, and keeping
// them would leave a relation in two formats or schemas, or keep names
// (or old pseudonyms) after pseudonyms were switched on or re-keyed. They
// are removed here, before anything is written, so that no saved manifest
// with the new settings can vouch for them.
func (e *exporter) openTenant(name string, snaps []exportSnapshot) (*exportTenant, error) {
	t := &exportTenant{name: name, snaps: snaps,
		m: &tenantManifest{Tenant: name, exportSettings: e.settings, Relations: map[string]*relationManifest{}}}
	prev, err := readTenantManifest(e.dir, name)
	if err != nil {
		e.log.Warn("export: unreadable tenant manifest, rewriting the tenant", "tenant", name, "err", err)
		return t, nil
	}
	switch {
	case prev == nil:
	case prev.exportSettings == e.settings:
		t.m.UpdatedAt, t.m.Relations, t.m.raw = prev.UpdatedAt, prev.Relations, prev.raw
	default:
		e.log.Info("export: settings changed, rewriting the tenant", "tenant", name,
			"format", prev.Format+" -> "+e.settings.Format, "schema_version", prev.SchemaVersion,
			"mask_changed", prev.Mask != e.settings.Mask)
		for _, r := range e.rels {
			if err := e.purge(t, r); err != nil {
				return nil, fmt.Errorf("%s: %w", r.name, err)
			}
		}
	}
	return t, nil
}

// exportRelation writes one relation's new or changed partitions of every
// tenant and, for a latest relation, removes each tenant's
// partition of a snapshot that is no longer its latest.
//
// _history partitions are never removed here, also when retention has
// pruned their snapshot from the warehouse: the lake may keep more history
// than the warehouse (finance wants years, the warehouse keeps what the
// rules need), and a lake shared by several warehouses cannot tell a
// pruned snapshot from one a warehouse never had. Whoever wants the lake
// pruned too deletes old snapshot_date= directories; Export does not bring
// them back. Only a change of settings or columns removes them (purge).
func (e *exporter) exportRelation(ctx context.Context, r preparedRelation) error {
	var work []*partitionWork
	for _, t := range e.tenants {
		pw, err := e.plan(t, r)
		if err != nil {
			return fmt.Errorf("tenant %s: %w", t.name, err)
		}
		work = append(work, pw)
	}
	err := e.writePartitions(ctx, r, work)
	if !r.latest {
		return err
	}
	// Also after a failure: a tenant whose new latest partition is in place
	// must not keep its previous one until the next export.
	for _, pw := range work {
		latest := pw.t.snaps[len(pw.t.snaps)-1]
		if p, ok := pw.rm.Partitions[latest.date]; !ok || !p.from(latest) {
			continue
		}
		if rerr := e.removeOtherDates(pw, r); rerr != nil {
			err = errors.Join(err, fmt.Errorf("tenant %s: %w", pw.t.name, rerr))
		}
	}
	return err
}

// plan finds what relation r needs of tenant t: a partition is skipped
// when the manifest has it from the same snapshot commit (and it is on
// disk). A relation whose columns changed is
// purged and rewritten like a tenant whose settings changed.
func (e *exporter) plan(t *exportTenant, r preparedRelation) (*partitionWork, error) {
	onDisk, err := e.partitionsOnDisk(r.name, t.name)
	if err != nil {
		return nil, err
	}
	old := t.m.Relations[r.name]
	rm := &relationManifest{Columns: r.columns, Partitions: map[string]partitionEntry{}}
	if old != nil && old.Columns != r.columns {
		e.log.Info("export: columns changed, rewriting the relation", "tenant", t.name, "relation", r.name)
		if err := e.purge(t, r); err != nil {
			return nil, err
		}
		if onDisk, err = e.partitionsOnDisk(r.name, t.name); err != nil {
			return nil, err
		}
	} else if old != nil {
		for d, p := range old.Partitions {
			rm.Partitions[d] = p
		}
	}
	// From here on rm is what is on disk (purged, or as before).
	t.m.Relations[r.name] = rm
	pw := &partitionWork{t: t, rm: rm, onDisk: onDisk}
	want := t.snaps
	if r.latest {
		want = t.snaps[len(t.snaps)-1:]
	}
	for _, s := range want {
		p, ok := rm.Partitions[s.date]
		if ok && !e.o.Full && p.from(s) && onDisk[s.date] {
			e.stats[r.name].Skipped++
			continue
		}
		pw.todo = append(pw.todo, s)
	}
	return pw, nil
}

// purge removes tenant t's partitions of relation r whose snapshot the
// warehouse no longer holds (it cannot rewrite them; see openTenant). A
// latest relation keeps only the latest snapshot anyway.
func (e *exporter) purge(t *exportTenant, r preparedRelation) error {
	if r.latest {
		return nil
	}
	onDisk, err := e.partitionsOnDisk(r.name, t.name)
	if err != nil {
		return err
	}
	held := map[string]bool{}
	for _, s := range t.snaps {
		held[s.date] = true
	}
	for _, d := range sortedDates(onDisk) {
		if held[d] {
			continue
		}
		if err := os.RemoveAll(e.partitionDir(r.name, t.name, d)); err != nil {
			return fmt.Errorf("remove partition: %w", err)
		}
		e.stats[r.name].Removed++
	}
	return nil
}

// removeOtherDates removes a latest relation's partitions of a tenant
// other than its latest snapshot's. It runs after the new one is in place:
// a reader listing in between may see both for an instant, never neither.
func (e *exporter) removeOtherDates(pw *partitionWork, r preparedRelation) error {
	latest := pw.t.snaps[len(pw.t.snaps)-1].date
	for _, d := range sortedDates(pw.onDisk) {
		if d == latest {
			continue
		}
		if err := os.RemoveAll(e.partitionDir(r.name, pw.t.name, d)); err != nil {
			return fmt.Errorf("remove partition: %w", err)
		}
		e.stats[r.name].Removed++
	}
	for d := range pw.rm.Partitions {
		if d != latest {
			delete(pw.rm.Partitions, d)
		}
	}
	return nil
}

func (e *exporter) partitionDir(rel, tenant, date string) string {
	return filepath.Join(e.dir, rel, "tenant="+tenant, "snapshot_date="+date)
}

// partitionsOnDisk lists the snapshot dates of a relation's partitions of
// tenant that exist.
func (e *exporter) partitionsOnDisk(rel, tenant string) (map[string]bool, error) {
	ents, err := os.ReadDir(filepath.Join(e.dir, rel, "tenant="+tenant))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	out := map[string]bool{}
	for _, d := range ents {
		if date, ok := strings.CutPrefix(d.Name(), "snapshot_date="); ok && d.IsDir() {
			out[date] = true
		}
	}
	return out, nil
}

func sortedDates(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for d, ok := range set {
		if ok {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// processingOrder is e.rels with each latest relation right after its
// _history: the latest partition is a copy of the _history's of the same
// snapshot once that one is in place (copyHistory).
func (e *exporter) processingOrder() []preparedRelation {
	out := make([]preparedRelation, 0, len(e.rels))
	done := map[string]bool{}
	add := func(r preparedRelation) {
		if !done[r.name] {
			done[r.name] = true
			out = append(out, r)
		}
	}
	for _, r := range e.rels {
		if r.latest {
			if i := slices.IndexFunc(e.rels, func(h preparedRelation) bool { return h.name == r.source }); i >= 0 {
				add(e.rels[i])
			}
		}
		add(r)
	}
	return out
}
