package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/pipeline"
	"github.com/seatledger/seatledger/load"
)

// printSummary writes the per-tenant outcome and totals and the file paths.
func printSummary(ctx context.Context, out io.Writer, w *load.Warehouse, results []pipeline.Result, warehouse, workbook string) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "tenant\tstatus\tusers\tSKUs\tpurchased\tconsumed\tunused\tcandidates\tseconds")
	status := map[string]pipeline.Result{}
	for _, r := range results {
		status[r.Tenant] = r
	}
	totals, err := w.RunTotals(ctx)
	for _, t := range totals {
		r, ok := status[t.Tenant]
		if !ok || r.Err != nil {
			continue // not part of this run, or failed: its stored snapshot is older
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\n", t.Tenant, r.Status, t.Users, t.SKUs,
			t.Purchased, t.Consumed, t.Unused, t.Idle, r.Duration.Seconds())
		delete(status, t.Tenant)
	}
	for _, r := range results {
		if _, left := status[r.Tenant]; left {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t%.1f\n", r.Tenant, r.Status, r.Duration.Seconds())
		}
	}
	if ferr := tw.Flush(); ferr != nil {
		return ferr
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(out, "tenant %s failed: %v\n", r.Tenant, r.Err)
		} else if len(r.Degraded) > 0 {
			fmt.Fprintf(out, "tenant %s degraded: %v failed\n", r.Tenant, r.Degraded)
		}
	}
	if rerr := printReclaimable(ctx, out, w); rerr != nil {
		err = errors.Join(err, rerr)
	}
	fmt.Fprintf(out, "warehouse: %s\n", warehouse)
	if workbook != "" {
		fmt.Fprintf(out, "workbook:  %s\n", workbook)
	}
	if err != nil {
		return fmt.Errorf("summarise warehouse: %w", err)
	}
	return nil
}

// printReclaimable prints the annual cost of the reclamation candidates
// per tenant and currency: what can be reassigned now and what can only be
// cut at the next renewal (annual terms).
func printReclaimable(ctx context.Context, out io.Writer, w *load.Warehouse) error {
	kpis, err := w.SummaryKPIs(ctx)
	if err != nil {
		return err
	}
	for _, k := range kpis {
		if k.IdleLicences <= 0 {
			continue
		}
		if err := reclaimable(out, k); err != nil {
			return err
		}
	}
	return nil
}

// reclaimable prints the line of one tenant and currency.
func reclaimable(out io.Writer, k load.SummaryKPI) error {
	if k.Currency == "" || k.Unpriced {
		_, err := fmt.Fprintf(out, "tenant %s: %d candidates on unpriced SKUs (add prices to see their cost)\n", k.Tenant, k.IdleLicences)
		return err
	}
	_, err := fmt.Fprintf(out, "tenant %s: %d candidates, reclaimable %s %s a year now, %s %s more at renewal\n",
		k.Tenant, k.IdleLicences, k.Currency, thousands(k.ReassignableNow), k.Currency, thousands(k.ReducibleAtRenewal))
	return err
}

// thousands formats an amount with two decimals and thousands separators.
func thousands(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String() + frac
	}
	return b.String() + frac
}
