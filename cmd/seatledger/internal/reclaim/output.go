package reclaim

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// PrintOutcomes writes one line per outcome: object ids, never names (a
// group item's as group:ID).
func PrintOutcomes(out io.Writer, outs []Outcome) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tenant\tuser_id\tsku\toperation\tresult\tdetail")
	for _, o := range outs {
		sku := o.Item.SkuPartNumber
		if o.Item.ToSkuPartNumber != "" {
			sku += " -> " + o.Item.ToSkuPartNumber
			if o.Op == OpUndo {
				sku = o.Item.ToSkuPartNumber + " -> " + o.Item.SkuPartNumber
			}
		}
		who := o.Item.UserID
		if who == "" {
			who = "group:" + o.Item.GroupID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Item.Tenant, who, sku, o.Op, o.Result, detail(o))
	}
	_ = tw.Flush() // writes to stdout; nothing useful to do on failure
}

func detail(o Outcome) string {
	var parts []string
	if o.Status != 0 && o.Result == ResultFailed {
		parts = append(parts, fmt.Sprintf("HTTP %d", o.Status))
	}
	if o.Code != "" {
		parts = append(parts, o.Code)
	}
	if o.Message != "" {
		parts = append(parts, o.Message)
	}
	if len(o.GroupIDs) > 0 {
		parts = append(parts, "groups "+strings.Join(o.GroupIDs, ", "))
	}
	if len(parts) == 0 && o.Item.Reason != "" {
		return "reason " + o.Item.Reason
	}
	return strings.Join(parts, ": ")
}

// Tally counts outcomes by result.
func Tally(outs []Outcome) map[string]int {
	n := map[string]int{}
	for _, o := range outs {
		n[o.Result]++
	}
	return n
}

// SummaryLine says how many outcomes have each result.
func SummaryLine(n map[string]int) string {
	var parts []string
	for _, r := range []string{ResultPending, ResultOK, ResultFailed, ResultGroupOnly,
		ResultNotAssigned, ResultUnchanged, ResultRefused, ResultDeferred} {
		if n[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[r], r))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}
