package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
)

// defaultMax is the default cap of licence changes per apply.
const defaultMax = 50

func reclaimCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "reclaim",
		Short: "Licence actions: plan from candidates or a CSV, apply with assignLicense, undo",
		Long: `reclaim removes (or, with replace, downgrades) licences in three steps:

  plan     writes a plan file naming which SKU leaves which user and why, from
           mart_reclamation_candidates or a CSV (UserPrincipalName or ObjectId,
           and SkuPartNumber); rows that are not current candidates are refused
           unless --force-listed.
  apply    dry run unless --apply: re-checks every row against the latest
           snapshot and the user's licences read live from Graph, writes an undo
           file before the first change, then calls assignLicense in $batch
           requests of at most 20 (at most --max changes per run); every row's
           result goes into the actions table.
  undo     re-assigns what an apply removed, with the recorded disabled plans.

Acting needs the LicenseAssignment.ReadWrite.All application permission.`,
	}
	c.AddCommand(reclaimPlanCmd(g), reclaimApplyCmd(g), reclaimReplaceCmd(g), reclaimUndoCmd(g))
	return c
}

// planFlags are the selection flags of plan and replace.
type planFlags struct {
	warehouse   string
	tenants     []string
	reasons     []string
	skus        []string
	departments []string
	minIdleDays int
	csv         string
	forceListed bool
	out         string
}

func (f *planFlags) register(c *cobra.Command, skus bool) {
	fl := c.Flags()
	fl.StringVar(&f.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config)")
	fl.StringSliceVar(&f.tenants, "tenant", nil, "only these tenants")
	fl.StringSliceVar(&f.reasons, "reason", nil, "only these reasons (disabled_account, guest_licensed, redundant, never_used, inactive)")
	if skus {
		fl.StringSliceVar(&f.skus, "sku", nil, "only these SKU part numbers")
	}
	fl.StringSliceVar(&f.departments, "department", nil, "only users of these departments")
	fl.IntVar(&f.minIdleDays, "min-idle-days", 0, "only licences idle at least this many days")
	fl.StringVar(&f.csv, "csv", "", "plan the rows of this CSV instead (UserPrincipalName or ObjectId, SkuPartNumber; optional Tenant)")
	fl.BoolVar(&f.forceListed, "force-listed", false, "with --csv: plan listed rows that are not current candidates too")
	fl.StringVar(&f.out, "out", "", "plan file to write (default reclaim-plan-<plan id>.json)")
}

// applyFlags are the flags of apply and replace.
type applyFlags struct {
	warehouse string
	apply     bool
	max       int
	undoFile  string
	// allowNoLocation removes licences from users without usageLocation,
	// whose removal an undo cannot reverse.
	allowNoLocation bool
}

func (f *applyFlags) register(c *cobra.Command, warehouse bool) {
	fl := c.Flags()
	if warehouse {
		fl.StringVar(&f.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config)")
	}
	fl.BoolVar(&f.apply, "apply", false, "make the changes (without it: a dry run that changes nothing)")
	fl.IntVar(&f.max, "max", defaultMax, "at most this many licence changes in this run; the rest are deferred")
	fl.BoolVar(&f.allowNoLocation, "allow-no-usage-location", false, "also remove licences of users without usageLocation (an undo cannot re-assign them)")
	fl.StringVar(&f.undoFile, "undo-file", "", "undo file to write (default next to the plan: <plan>.undo-<time>.json)")
}

// printOutcomes writes one line per outcome: object ids, never names.
func printOutcomes(out io.Writer, outs []reclaim.Outcome) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tenant\tuser_id\tsku\toperation\tresult\tdetail")
	for _, o := range outs {
		sku := o.Item.SkuPartNumber
		if o.Item.ToSkuPartNumber != "" {
			sku += " -> " + o.Item.ToSkuPartNumber
			if o.Op == reclaim.OpUndo {
				sku = o.Item.ToSkuPartNumber + " -> " + o.Item.SkuPartNumber
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Item.Tenant, o.Item.UserID, sku, o.Op, o.Result, detail(o))
	}
	_ = tw.Flush() // writes to stdout; nothing useful to do on failure
}

func detail(o reclaim.Outcome) string {
	var parts []string
	if o.Status != 0 && o.Result == reclaim.ResultFailed {
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

// tally counts outcomes by result.
func tally(outs []reclaim.Outcome) map[string]int {
	n := map[string]int{}
	for _, o := range outs {
		n[o.Result]++
	}
	return n
}

func summaryLine(n map[string]int) string {
	var parts []string
	for _, r := range []string{reclaim.ResultPending, reclaim.ResultOK, reclaim.ResultFailed, reclaim.ResultGroupOnly,
		reclaim.ResultNotAssigned, reclaim.ResultUnchanged, reclaim.ResultRefused, reclaim.ResultDeferred} {
		if n[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[r], r))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}
