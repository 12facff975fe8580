// Package rebuild recomputes the marts of past snapshots from their stored
// raw data (or says what that would change) and prints, per snapshot,
// the mart rows added and removed.
package rebuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/load"
)

// Run opens the warehouse at path, rebuilds the snapshots ro selects (a
// dry run when ro.DryRun) and prints what changed. Its error ends the
// command with exit 2 when nothing could be rebuilt (the options select no
// snapshot) and 3 when some snapshot failed.
func Run(ctx context.Context, out io.Writer, path string, open []load.Option, ro load.RebuildOptions) error {
	w, err := load.Open(ctx, path, open...)
	if err != nil {
		return fmt.Errorf("open warehouse %s: %w", path, err)
	}
	defer w.Close()
	id, rebuilt, err := w.Rebuild(ctx, ro)
	if len(rebuilt) == 0 && err != nil {
		return exit.UsageError(err)
	}
	printRebuilt(out, id, rebuilt, ro.DryRun)
	if err != nil {
		return exit.PartialError(err)
	}
	return nil
}

func printRebuilt(out io.Writer, id string, rebuilt []load.Rebuilt, dryRun bool) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tenant\tsnapshot\trows added\trows removed\tresult")
	changed := 0
	for _, r := range rebuilt {
		result := "unchanged"
		switch {
		case r.Err != nil:
			result = "failed: " + r.Err.Error()
		case r.RowsAdded+r.RowsRemoved > 0 && dryRun:
			result, changed = "would change", changed+1
		case r.RowsAdded+r.RowsRemoved > 0:
			result, changed = "rebuilt", changed+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", r.Tenant, r.SnapshotDate.Format(time.DateOnly), r.RowsAdded, r.RowsRemoved, result)
	}
	tw.Flush()
	if dryRun {
		fmt.Fprintf(out, "dry run %s: %d of %d snapshots would change; nothing was changed (run with --apply)\n", id, changed, len(rebuilt))
		return
	}
	fmt.Fprintf(out, "rebuild %s: %d of %d snapshots changed\n", id, changed, len(rebuilt))
}

// ParseDay parses a YYYY-MM-DD flag value; "" is the zero time.
func ParseDay(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, errors.New(flag + ": want a date YYYY-MM-DD, got " + fmt.Sprintf("%q", v))
	}
	return d, nil
}
