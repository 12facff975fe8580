package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Partitions are staged below <export>/_seatledger/tmp/<relation>-<random>/
// (tenant=<t>/snapshot_date=<d>/, as COPY ... PARTITION_BY writes them) and
// then renamed into place. The staging area is outside every relation
// directory: readers skip _seatledger (leading underscore, no '='), and no
// glob over a relation can reach it. A dot directory next to the partition
// would do for Spark and Trino, but DuckDB's recursive glob
// (mart_spend/**/*.parquet) does match dot directories. Rename needs one
// file system, which one tree gives.
func (e *exporter) stagingRoot() string {
	return filepath.Join(e.dir, ExportStateDir, "tmp")
}

// staleStaging is how old an empty staging directory must be before an
// export removes it: younger, it may be another warehouse's export that
// has not written its first partition yet.
const staleStaging = time.Hour

// clearStaging removes what a crashed export left behind for the tenants
// of snaps: their partitions in staging directories and their half-written
// manifests. Other tenants' staging may be another warehouse's export in
// flight, so it stays; a staging directory left empty goes once stale.
func (e *exporter) clearStaging(snaps map[string][]exportSnapshot) error {
	root := e.stagingRoot()
	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("create staging directory: %w", err)
	}
	stages, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("read staging directory: %w", err)
	}
	var stray []string
	for _, st := range stages {
		dir := filepath.Join(root, st.Name())
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue // gone meanwhile, or not a directory: not ours
		}
		left := len(ents)
		for _, ent := range ents {
			if t, ok := strings.CutPrefix(ent.Name(), "tenant="); ok && snaps[t] != nil {
				stray = append(stray, filepath.Join(dir, ent.Name()))
				left--
			}
		}
		if fi, err := st.Info(); err == nil && left == 0 && time.Since(fi.ModTime()) > staleStaging {
			stray = append(stray, dir)
		}
	}
	for t := range snaps {
		tmps, err := filepath.Glob(filepath.Join(e.dir, ExportStateDir, ".tenant="+t+".json.tmp-*"))
		if err != nil {
			return err
		}
		stray = append(stray, tmps...)
	}
	for _, p := range stray {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("remove leftover %s: %w", p, err)
		}
	}
	if len(stray) > 0 {
		e.log.Info("export: removed leftovers of an interrupted export", "paths", len(stray))
	}
	return nil
}

// partitionsPerCopy caps the partitions one COPY writes. DuckDB's
// PARTITION_BY holds a 256 KiB block per partition and thread until the
// COPY ends, whatever partitioned_write_max_open_files says: with a 256MB
// memory limit and 2 threads a COPY of 512 partitions failed with "Out of
// Memory Error" even for mart_license_inventory, a few rows each, and 256
// passed (BenchmarkExportTables, DuckDB 1.5.6). So the blocks may take half
// the memory limit. An incremental night needs one chunk; a first export
// of a long history needs several (each reads the relation again).
func partitionsPerCopy(memoryLimit string, threads int) int {
	if perCopyOverride > 0 {
		return perCopyOverride
	}
	const block = 256 << 10
	n := parseByteSize(memoryLimit) / 2 / (block * int64(max(threads, 1)))
	return int(min(max(n, 16), 4096))
}

// perCopyOverride replaces partitionsPerCopy's result when set (tests).
var perCopyOverride int

// parseByteSize reads a DuckDB memory size ("256MB", "1GiB", "2 GB"); it
// returns DefaultMemoryLimit's size for anything else.
func parseByteSize(s string) int64 {
	var n float64
	var unit string
	if _, err := fmt.Sscanf(strings.ReplaceAll(s, " ", ""), "%f%s", &n, &unit); err != nil {
		return 256e6
	}
	mult := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[strings.ToUpper(unit)]
	if mult == 0 {
		return 256e6
	}
	return int64(n * mult)
}

// stagedPartition is one partition to write: its tenant's work and its
// snapshot.
type stagedPartition struct {
	pw *partitionWork
	s  exportSnapshot
}

// removeStage removes a staging directory. After a failed COPY (an
// interrupted one may have worker threads that still close, and so
// create, its files for a moment after the statement returns, which can
// leave the directory behind or bring it back) it looks again a few times
// before giving up.
func removeStage(stage string, failed bool) {
	if !failed {
		_ = os.RemoveAll(stage)
		return
	}
	for range 20 {
		if err := os.RemoveAll(stage); err == nil {
			time.Sleep(5 * time.Millisecond)
			if _, err := os.Stat(stage); errors.Is(err, fs.ErrNotExist) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writePartitions writes the partitions work needs, e.perCopy at a time, each chunk with one COPY into a staging directory; then it moves
// each into place and records it in its tenant's manifest.
func (e *exporter) writePartitions(ctx context.Context, r preparedRelation, work []*partitionWork) error {
	var todo []stagedPartition
	for _, pw := range work {
		for _, s := range pw.todo {
			done, err := e.copyHistory(ctx, r, pw, s)
			if err != nil {
				return fmt.Errorf("partition tenant=%s/snapshot_date=%s: %w", pw.t.name, s.date, err)
			}
			if !done {
				todo = append(todo, stagedPartition{pw, s})
			}
		}
	}
	for chunk := range slices.Chunk(todo, e.perCopy) {
		if err := e.writeChunk(ctx, r, chunk); err != nil {
			return err
		}
	}
	return nil
}

func (e *exporter) writeChunk(ctx context.Context, r preparedRelation, chunk []stagedPartition) (err error) {
	// Literal filters, not a join with the wanted partitions: DuckDB pushes
	// them into the versioned _history views (through their joins), so
	// that reading one night costs one night however many are stored.
	pairs := make([]string, len(chunk))
	for i, p := range chunk {
		pairs[i] = "(tenant = " + quoteLiteral(p.pw.t.name) + " AND snapshot_date = DATE " + quoteLiteral(p.s.date) + ")"
	}
	stage, err := os.MkdirTemp(e.stagingRoot(), r.name+"-*")
	if err != nil {
		return fmt.Errorf("create staging directory: %w", err)
	}
	defer func() { removeStage(stage, err != nil) }()
	query := "SELECT " + r.selectList + " FROM " + quoteIdent(r.source) + " WHERE " + strings.Join(pairs, " OR ")
	res, err := e.conn.ExecContext(ctx, "COPY ("+query+") TO "+quoteLiteral(stage)+" ("+e.copyOpts+")")
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil {
		e.stats[r.name].Rows += n
	}
	for _, p := range chunk {
		if err := e.writeEmpty(ctx, r, filepath.Join(stage, "tenant="+p.pw.t.name, "snapshot_date="+p.s.date)); err != nil {
			return fmt.Errorf("partition tenant=%s/snapshot_date=%s: %w", p.pw.t.name, p.s.date, err)
		}
	}
	if err := restrictTree(stage); err != nil {
		return err
	}
	for _, p := range chunk {
		if err := e.place(stage, r, p.pw, p.s); err != nil {
			return fmt.Errorf("partition tenant=%s/snapshot_date=%s: %w", p.pw.t.name, p.s.date, err)
		}
	}
	return nil
}

// copyHistory writes a latest relation's partition as a copy of its
// _history's partition of the same snapshot, when that one is in place,
// from the same commit and with the same columns: the same query of the
// same source wrote it (a latest relation is its _history's latest
// snapshot), so the copy saves encoding the night's rows twice. It
// reports whether it did; otherwise the partition is written by COPY.
func (e *exporter) copyHistory(ctx context.Context, r preparedRelation, pw *partitionWork, s exportSnapshot) (bool, error) {
	if !r.latest {
		return false, nil
	}
	hm := pw.t.m.Relations[r.source]
	if hm == nil || hm.Columns != r.columns {
		return false, nil
	}
	if p, ok := hm.Partitions[s.date]; !ok || !p.from(s) {
		return false, nil
	}
	file := "data_0." + e.ext
	src := filepath.Join(e.partitionDir(r.source, pw.t.name, s.date), file)
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer in.Close()
	stage, err := os.MkdirTemp(e.stagingRoot(), r.name+"-*")
	if err != nil {
		return false, fmt.Errorf("create staging directory: %w", err)
	}
	defer removeStage(stage, false)
	dir := filepath.Join(stage, "tenant="+pw.t.name, "snapshot_date="+s.date)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	out, err := os.OpenFile(filepath.Join(dir, file), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return false, err
	}
	_, err = io.Copy(out, in)
	if err = errors.Join(err, out.Sync(), out.Close()); err != nil {
		return false, fmt.Errorf("copy %s: %w", src, err)
	}
	n, err := e.countRows(ctx, filepath.Join(dir, file))
	if err != nil {
		return false, err
	}
	if err := restrictTree(stage); err != nil {
		return false, err
	}
	if err := e.place(stage, r, pw, s); err != nil {
		return false, err
	}
	e.stats[r.name].Rows += n
	return true, nil
}

// countRows counts the rows of one partition file (a Parquet file's from
// its footer).
func (e *exporter) countRows(ctx context.Context, file string) (int64, error) {
	read := "read_parquet(" + quoteLiteral(file) + ")"
	if e.ext == "csv" {
		// The file always has its header (COPY ... HEADER true): say so
		// rather than leave it to the sniffer.
		read = "read_csv(" + quoteLiteral(file) + ", header = true)"
	}
	var n int64
	if err := e.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+read).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the rows of %s: %w", file, err)
	}
	return n, nil
}

// writeEmpty writes a file without rows into the staged partition dir
// when COPY wrote none there (a snapshot for which the relation has no
// rows, such as mart_reclaim_outcomes before any reclaim): every snapshot
// has its partition, so a reader always finds the relation's schema and
// can tell a day without rows from a day not exported.
func (e *exporter) writeEmpty(ctx context.Context, r preparedRelation, dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// The same select list as the partitioned COPY, so the same types;
	// the partition columns live in the path.
	query := "SELECT * EXCLUDE (tenant, snapshot_date) FROM (SELECT " + r.selectList + " FROM " + quoteIdent(r.source) + " LIMIT 0)"
	_, err := e.conn.ExecContext(ctx, "COPY ("+query+") TO "+quoteLiteral(filepath.Join(dir, "data_0."+e.ext))+" ("+e.fileOpts+")")
	return err
}

// place moves one staged partition into place and records it.
func (e *exporter) place(stage string, r preparedRelation, pw *partitionWork, s exportSnapshot) error {
	src := filepath.Join(stage, "tenant="+pw.t.name, "snapshot_date="+s.date)
	if err := placePartition(src, e.partitionDir(r.name, pw.t.name, s.date)); err != nil {
		return err
	}
	pw.rm.Partitions[s.date] = partitionEntry{ComputedBy: s.computedBy, ComputedAt: s.computedAt.UTC()}
	pw.onDisk[s.date] = true
	e.stats[r.name].Written++
	return nil
}

// placePartition moves the staged partition directory src to dst. A new
// partition is one rename of the directory. An existing one has its files
// renamed over one by one (each rename atomically replaces data_0.<ext>,
// so readers see the old file or the new one, and the partition never
// goes missing as it would between two directory renames), then files the
// new partition lacks (another format's) are removed.
func placePartition(src, dst string) error {
	fi, err := os.Lstat(dst)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		return os.Rename(src, dst)
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dst)
	}
	files, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	fresh := map[string]bool{}
	for _, f := range files {
		if err := os.Rename(filepath.Join(src, f.Name()), filepath.Join(dst, f.Name())); err != nil {
			return err
		}
		fresh[f.Name()] = true
	}
	olds, err := os.ReadDir(dst)
	if err != nil {
		return err
	}
	for _, f := range olds {
		if !fresh[f.Name()] {
			if err := os.RemoveAll(filepath.Join(dst, f.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
