package main

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

// summaryQuery totals the latest snapshot of every tenant: users and SKUs
// from the raw versions valid on its day (the raw_ views would expand
// every night first), seats from mart_summary_kpis (ignored free and
// viral SKUs left out, suspended units not counted as purchased).
const summaryQuery = `
WITH latest AS (
    SELECT tenant, max(snapshot_date) AS snapshot_date FROM snapshots GROUP BY tenant
), seats AS (
    SELECT tenant, sum(seats_purchased) AS purchased, sum(seats_consumed) AS consumed,
        sum(seats_unused) AS unused, sum(idle_licences) AS idle
    FROM mart_summary_kpis GROUP BY tenant
)
SELECT l.tenant,
    (SELECT count(*) FROM raw_users_versions u WHERE u.tenant = l.tenant AND u.valid_from <= l.snapshot_date
        AND (u.valid_to IS NULL OR u.valid_to > l.snapshot_date)) AS users,
    (SELECT count(*) FROM raw_subscribed_skus_versions s WHERE s.tenant = l.tenant AND s.valid_from <= l.snapshot_date
        AND (s.valid_to IS NULL OR s.valid_to > l.snapshot_date)) AS skus,
    coalesce(s.purchased, 0), coalesce(s.consumed, 0), coalesce(s.unused, 0), coalesce(s.idle, 0)
FROM latest l LEFT JOIN seats s USING (tenant) ORDER BY l.tenant`

// printSummary writes the per-tenant outcome and totals and the file paths.
func printSummary(ctx context.Context, out io.Writer, w *load.Warehouse, results []pipeline.Result, warehouse, workbook string) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "tenant\tstatus\tusers\tSKUs\tpurchased\tconsumed\tunused\tcandidates\tseconds")
	status := map[string]pipeline.Result{}
	for _, r := range results {
		status[r.Tenant] = r
	}
	err := w.Stream(ctx, summaryQuery, nil, func(_ []string, v []any) error {
		name := fmt.Sprint(v[0])
		r, ok := status[name]
		if !ok || r.Err != nil {
			return nil // not part of this run, or failed: its stored snapshot is older
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%v\t%v\t%v\t%v\t%v\t%.1f\n", name, r.Status, v[1], v[2], v[3], v[4], v[5], v[6], r.Duration.Seconds())
		delete(status, name)
		return nil
	})
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

// runOutcome turns the tenants' results into the exit: 0 when all
// succeeded (degraded counts as success), 3 when some failed, 1 when all did
// or the run itself failed.
func runOutcome(results []pipeline.Result, err error) error {
	if err == nil {
		return nil
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 && failed < len(results) {
		return exitError{code: 3, err: fmt.Errorf("%d of %d tenants failed: %w", failed, len(results), err)}
	}
	return err
}

func joinErr(a, b error) error { return errors.Join(a, b) }

// printReclaimable prints the annual cost of the reclamation candidates
// per tenant and currency: what can be reassigned now and what can only be
// cut at the next renewal (annual terms).
func printReclaimable(ctx context.Context, out io.Writer, w *load.Warehouse) error {
	return w.Stream(ctx, `SELECT tenant, currency, idle_licences, coalesce(reassignable_now, 0),
		coalesce(reducible_at_renewal, 0), reassignable_now IS NULL AND reducible_at_renewal IS NULL
		FROM mart_summary_kpis WHERE idle_licences > 0 ORDER BY tenant, currency = '', currency`, nil,
		func(_ []string, v []any) error {
			cur := str(v[1])
			if unpriced, _ := v[5].(bool); cur == "" || unpriced {
				_, err := fmt.Fprintf(out, "tenant %s: %d candidates on unpriced SKUs (add prices to see their cost)\n", v[0], num(v[2]))
				return err
			}
			_, err := fmt.Fprintf(out, "tenant %s: %d candidates, reclaimable %s %s a year now, %s %s more at renewal\n",
				v[0], num(v[2]), cur, thousands(money(v[3])), cur, thousands(money(v[4])))
			return err
		})
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
