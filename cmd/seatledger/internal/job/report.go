package job

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/reports"
	"github.com/seatledger/seatledger/transform"
)

// ReportOptions are what Report takes from the report command.
type ReportOptions struct {
	Logger    *slog.Logger
	Stdout    io.Writer
	Warehouse string    // the warehouse file
	AsOf      time.Time // the day to report on; zero: the latest snapshots
	Tenants   []string  // only these tenants; none: all
	// Dir is the output directory; "" is ReportsDir, or with Tenants
	// ReportsDir/<names>, so that it never replaces the day's workbook of
	// all tenants.
	Dir, ReportsDir string
	Keep            int // reports.keep
	Pseudo          *transform.Pseudonymizer
	Tuning          []load.Option // DuckDB settings of the warehouse
}

// Report writes the workbook of the warehouse as it stood on o.AsOf: per
// tenant the latest snapshot on or before that day, and history up to it.
// It prints the snapshot of each tenant and the workbook's path.
func Report(ctx context.Context, o ReportOptions) error {
	want, err := chooseSnapshots(ctx, o.Warehouse, o.AsOf)
	if err != nil {
		return err
	}
	if want, err = onlyTenants(want, o.Tenants); err != nil {
		return exit.UsageError(err)
	}
	opts := append(slices.Clip(o.Tuning), load.WithLogger(o.Logger))
	if !o.AsOf.IsZero() {
		opts = append(opts, load.AsOf(o.AsOf))
	}
	if len(o.Tenants) > 0 {
		opts = append(opts, load.OnlyTenants(o.Tenants...))
	}
	w, err := load.OpenReadOnly(ctx, o.Warehouse, opts...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", o.Warehouse, err)
	}
	defer w.Close()
	// The marts must show exactly the snapshots chosen above; anything
	// else would be a wrong report, so check rather than trust.
	got, err := w.LatestSnapshots(ctx)
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		var label string
		if !o.AsOf.IsZero() {
			label = o.AsOf.Format(time.DateOnly)
		}
		return fmt.Errorf("report as of %s: the marts show snapshots %v, want %v", label, got, want)
	}
	day := slices.MaxFunc(want, func(a, b load.TenantSnapshot) int { return a.Date.Compare(b.Date) }).Date
	dir := cmp.Or(o.Dir, o.ReportsDir)
	if o.Dir == "" && len(o.Tenants) > 0 {
		dir = filepath.Join(dir, strings.Join(o.Tenants, "+"))
	}
	keep, kept := keepFor(dir, day, o.Keep)
	book, err := writeWorkbook(ctx, w, dir, keep, day, o.Pseudo)
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	for _, s := range want {
		fmt.Fprintf(o.Stdout, "tenant %s: snapshot %s\n", s.Tenant, s.Date.Format(time.DateOnly))
	}
	if kept {
		fmt.Fprintf(o.Stdout, "kept: the workbook is older than the newest %d in %s, so none was removed\n", o.Keep, dir)
	}
	fmt.Fprintf(o.Stdout, "workbook:  %s\n", book)
	return nil
}

// onlyTenants keeps the snapshots of the named tenants (all when names is
// empty); a name without a snapshot is an error listing those there are.
func onlyTenants(snaps []load.TenantSnapshot, names []string) ([]load.TenantSnapshot, error) {
	if len(names) == 0 {
		return snaps, nil
	}
	var out []load.TenantSnapshot
	for _, n := range names {
		i := slices.IndexFunc(snaps, func(s load.TenantSnapshot) bool { return s.Tenant == n })
		if i < 0 {
			have := make([]string, len(snaps))
			for j, s := range snaps {
				have[j] = s.Tenant
			}
			return nil, fmt.Errorf("--tenant %q: no snapshot of that tenant in the warehouse (have %s)", n, strings.Join(have, ", "))
		}
		out = append(out, snaps[i])
	}
	slices.SortFunc(out, func(a, b load.TenantSnapshot) int { return strings.Compare(a.Tenant, b.Tenant) })
	return slices.CompactFunc(out, func(a, b load.TenantSnapshot) bool { return a.Tenant == b.Tenant }), nil
}

// chooseSnapshots lists, per tenant, the latest snapshot on or before asOf
// (zero: the latest), from the warehouse as it is; tenants without one are
// left out. None at all is an error that says what there is.
func chooseSnapshots(ctx context.Context, path string, asOf time.Time) ([]load.TenantSnapshot, error) {
	w, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", path, err)
	}
	defer w.Close()
	ranges, err := w.SnapshotRanges(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var out []load.TenantSnapshot
	var first time.Time
	for _, r := range ranges {
		if !r.First.IsZero() && (first.IsZero() || r.First.Before(first)) {
			first = r.First
		}
		if !r.Latest.IsZero() {
			out = append(out, load.TenantSnapshot{Tenant: r.Tenant, Date: r.Latest})
		}
	}
	switch {
	case len(out) > 0:
		return out, nil
	case first.IsZero():
		return nil, fmt.Errorf("warehouse %s has no snapshots yet: run seatledger run (or demo) first", path)
	default:
		return nil, exit.UsageError(fmt.Errorf("--as-of %s: no snapshot on or before that day (the first is %s)",
			asOf.Format(time.DateOnly), first.Format(time.DateOnly)))
	}
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
