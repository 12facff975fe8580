package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
)

type reportOptions struct {
	asOf      string
	dir       string
	warehouse string
	tenants   []string
}

func reportCmd(g *globals) *cobra.Command {
	o := reportOptions{}
	c := &cobra.Command{
		Use:   "report",
		Short: "Write the Excel workbook from the warehouse (latest, or --as-of a past day)",
		Long: `report regenerates the workbook from the warehouse, opened read-only, into
--dir (default reports.dir), named by the day of its snapshot
(seatledger-YYYY-MM-DD.xlsx) and keeping the newest reports.keep workbooks
there, as runs do.

--as-of DATE shows the warehouse as it stood on that day: per tenant the latest
snapshot on or before DATE, and history up to it. A tenant with no snapshot by
then is left out; a DATE before every snapshot is an error. Without --as-of,
SEATLEDGER_NOW (a testing aid) makes its day the default.

--tenant NAME (repeatable) limits every sheet to those tenants; the workbook then
goes to reports.dir/<names> unless --dir says otherwise, so that it never
replaces the day's workbook of all tenants.`,
		Example: `  seatledger report
  seatledger report --as-of 2026-10-31 --dir month-end/
  seatledger report --tenant contoso`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.asOf, "as-of", "", "the day to report on, YYYY-MM-DD (default: the latest snapshots)")
	f.StringVar(&o.dir, "dir", "", "output directory (default: reports.dir of --config, else ./reports)")
	f.StringVar(&o.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config, else ./seatledger.duckdb)")
	f.StringSliceVar(&o.tenants, "tenant", nil, "only these tenants (repeat or comma-separate)")
	return c
}

// tenantSnapshot is the snapshot a report shows for one tenant.
type tenantSnapshot struct {
	tenant string
	day    time.Time
}

func runReport(ctx context.Context, g *globals, o reportOptions) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	var asOf time.Time
	if o.asOf != "" {
		if asOf, err = time.Parse(time.DateOnly, o.asOf); err != nil {
			return usageErr(fmt.Errorf("--as-of: want a date as YYYY-MM-DD, got %q", o.asOf))
		}
	} else if g.clock.Shifted() { // a night of a simulated run: report as of that day
		o.asOf = g.now().UTC().Format(time.DateOnly)
		asOf, _ = time.Parse(time.DateOnly, o.asOf)
	}
	cfg, err := g.loadConfig(false)
	if err != nil {
		return err
	}
	pseudo, err := g.pseudonymizer(cfg.Reports)
	if err != nil {
		return usageErr(err)
	}
	path := cmp.Or(o.warehouse, cfg.Warehouse.Path)
	want, err := chooseSnapshots(ctx, path, asOf)
	if err != nil {
		return err
	}
	if want, err = onlyTenants(want, o.tenants); err != nil {
		return usageErr(err)
	}
	opts := append(tuning(cfg.Warehouse), load.WithLogger(log))
	if !asOf.IsZero() {
		opts = append(opts, load.AsOf(asOf))
	}
	if len(o.tenants) > 0 {
		opts = append(opts, load.OnlyTenants(o.tenants...))
	}
	w, err := load.OpenReadOnly(ctx, path, opts...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", path, err)
	}
	defer w.Close()
	// The marts must show exactly the snapshots chosen above; anything
	// else would be a wrong report, so check rather than trust.
	got, err := latestSnapshots(ctx, w)
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("report as of %s: the marts show snapshots %v, want %v", o.asOf, got, want)
	}
	day := slices.MaxFunc(want, func(a, b tenantSnapshot) int { return a.day.Compare(b.day) }).day
	dir := cmp.Or(o.dir, cfg.Reports.Dir)
	if o.dir == "" && len(o.tenants) > 0 {
		dir = filepath.Join(dir, strings.Join(o.tenants, "+"))
	}
	keep, kept := keepFor(dir, day, cfg.Reports.Keep)
	book, err := writeWorkbook(ctx, w, dir, keep, day, pseudo)
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	for _, s := range want {
		fmt.Fprintf(g.stdout, "tenant %s: snapshot %s\n", s.tenant, s.day.Format(time.DateOnly))
	}
	if kept {
		fmt.Fprintf(g.stdout, "kept: the workbook is older than the newest %d in %s, so none was removed\n", cfg.Reports.Keep, dir)
	}
	fmt.Fprintf(g.stdout, "workbook:  %s\n", book)
	return nil
}

// onlyTenants keeps the snapshots of the named tenants (all when names is
// empty); a name without a snapshot is an error listing those there are.
func onlyTenants(snaps []tenantSnapshot, names []string) ([]tenantSnapshot, error) {
	if len(names) == 0 {
		return snaps, nil
	}
	var out []tenantSnapshot
	for _, n := range names {
		i := slices.IndexFunc(snaps, func(s tenantSnapshot) bool { return s.tenant == n })
		if i < 0 {
			have := make([]string, len(snaps))
			for j, s := range snaps {
				have[j] = s.tenant
			}
			return nil, fmt.Errorf("--tenant %q: no snapshot of that tenant in the warehouse (have %s)", n, strings.Join(have, ", "))
		}
		out = append(out, snaps[i])
	}
	slices.SortFunc(out, func(a, b tenantSnapshot) int { return strings.Compare(a.tenant, b.tenant) })
	return slices.CompactFunc(out, func(a, b tenantSnapshot) bool { return a.tenant == b.tenant }), nil
}

// chooseSnapshots lists, per tenant, the latest snapshot on or before asOf
// (zero: the latest), from the warehouse as it is; tenants without one are
// left out. None at all is an error that says what there is.
func chooseSnapshots(ctx context.Context, path string, asOf time.Time) ([]tenantSnapshot, error) {
	w, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	defer w.Close()
	var out []tenantSnapshot
	var first time.Time
	err = w.Stream(ctx, `SELECT tenant, min(snapshot_date), max(snapshot_date) FILTER (WHERE ? IS NULL OR snapshot_date <= ?)
		FROM snapshots GROUP BY tenant ORDER BY tenant`, []any{nullDate(asOf), nullDate(asOf)}, func(_ []string, v []any) error {
		if d, ok := v[1].(time.Time); ok && (first.IsZero() || d.Before(first)) {
			first = d
		}
		if d, ok := v[2].(time.Time); ok {
			out = append(out, tenantSnapshot{str(v[0]), d})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	switch {
	case len(out) > 0:
		return out, nil
	case first.IsZero():
		return nil, fmt.Errorf("warehouse %s has no snapshots yet: run seatledger run (or demo) first", path)
	default:
		return nil, usageErr(fmt.Errorf("--as-of %s: no snapshot on or before that day (the first is %s)",
			asOf.Format(time.DateOnly), first.Format(time.DateOnly)))
	}
}

// latestSnapshots is what the marts select as each tenant's latest.
func latestSnapshots(ctx context.Context, w *load.Warehouse) ([]tenantSnapshot, error) {
	var out []tenantSnapshot
	err := w.Stream(ctx, "SELECT tenant, snapshot_date FROM stg_snapshots WHERE is_latest ORDER BY tenant", nil,
		func(_ []string, v []any) error {
			d, _ := v[1].(time.Time)
			out = append(out, tenantSnapshot{str(v[0]), d})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read latest snapshots: %w", err)
	}
	return out, nil
}

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// keepFor is the retention for a workbook of day written into dir: keep,
// unless keep newer dated workbooks are already there, when Retain would
// remove the workbook just asked for; then nothing is removed (0) and
// kept is true.
func keepFor(dir string, day time.Time, keep int) (int, bool) {
	if keep <= 0 {
		return keep, false
	}
	matches, _ := filepath.Glob(filepath.Join(dir, reports.WorkbookPattern))
	name := reports.WorkbookName(day)
	newer := 0
	for _, m := range matches {
		base := filepath.Base(m)
		if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() || base == name {
			continue
		}
		d, err := time.Parse(time.DateOnly, strings.TrimSuffix(strings.TrimPrefix(base, "seatledger-"), ".xlsx"))
		if err == nil && d.After(day) {
			newer++
		}
	}
	if newer >= keep {
		return 0, true
	}
	return keep, false
}
