package main

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
)

// defaultMax is the default cap of licence changes per apply.
const defaultMax = 50

func reclaimCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "reclaim",
		Short: "Licence actions: plan from candidates, rightsizing rows or a CSV, apply with assignLicense, undo",
		Long: `reclaim removes (or, with replace, downgrades) licences in three steps:

  plan     writes a plan file naming which SKU leaves which user and why, from
           mart_reclamation_candidates or a CSV (UserPrincipalName or ObjectId,
           and SkuPartNumber); rows that are not current candidates are refused
           unless --force-listed. --tenant, --reason, --sku, --department,
           --min-idle-days, --usage-location, --domain and --ou narrow the
           candidates (AND across flags, OR within one); a CSV row whose user
           fails --usage-location, --domain or --ou is refused.
           With --rightsizing it plans the rows of mart_rightsizing that remove
           a SKU with no replacement (shared_mailbox) instead, narrowed by
           --rule, --confidence, --tenant, --sku (the SKU removed), --department
           and the user filters; the rule is each row's reason. Rows that
           replace a SKU with a cheaper one are planned by replace --rightsizing.
  apply    dry run unless --apply: re-checks every row against the latest
           snapshot (a candidate must still be one; a rightsizing row must
           still be there with the same target, and a safe one still safe) and
           the user's licences read live from Graph, writes an undo file before
           the first change, then calls assignLicense in $batch requests of at
           most 20 (at most --max changes per run); every row's result goes
           into the actions table.
           A licence held only through groups is reported group_only; with
           --group-membership the user is taken out of those groups instead
           (remove_membership), unless a group also gives the user another
           licence held no other way.
  undo     re-assigns what an apply removed, with the recorded disabled plans
           (and puts users back in the groups they were taken out of).

Acting needs the LicenseAssignment.ReadWrite.All application permission, and
--group-membership GroupMember.ReadWrite.All.`,
	}
	c.AddCommand(reclaimPlanCmd(g), reclaimApplyCmd(g), reclaimReplaceCmd(g), reclaimUndoCmd(g))
	return c
}

// planFlags are the selection flags of plan and replace.
type planFlags struct {
	warehouse string
	sel       reclaim.Selection
	out       string
}

func (f *planFlags) register(c *cobra.Command, skus bool) {
	fl := c.Flags()
	fl.StringVar(&f.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config)")
	fl.StringSliceVar(&f.sel.Tenants, "tenant", nil, "only these tenants")
	fl.StringSliceVar(&f.sel.Reasons, "reason", nil, "only candidates of these reasons (disabled_account, guest_licensed, redundant, never_used, inactive)")
	if skus {
		fl.StringSliceVar(&f.sel.SKUs, "sku", nil, "only these SKU part numbers (with --rightsizing: the SKU removed)")
	}
	fl.StringSliceVar(&f.sel.Departments, "department", nil, "only users of these departments")
	fl.IntVar(&f.sel.MinIdleDays, "min-idle-days", 0, "only candidates idle at least this many days")
	fl.BoolVar(&f.sel.Rightsizing, "rightsizing", false, "plan the rows of mart_rightsizing instead of the candidates (plan: those removing a SKU with no replacement; replace: those with one)")
	fl.StringSliceVar(&f.sel.Rules, "rule", nil, "with --rightsizing: only these rules (shared_mailbox, no_desktop_apps, e5_extras_unused)")
	fl.StringSliceVar(&f.sel.Confidences, "confidence", nil, "with --rightsizing: only rows this sure (safe, review)")
	registerUserFilter(c, &f.sel.Users)
	fl.StringVar(&f.sel.CSV, "csv", "", "plan the rows of this CSV instead of the candidates (UserPrincipalName or ObjectId, SkuPartNumber; optional Tenant)")
	fl.BoolVar(&f.sel.ForceListed, "force-listed", false, "with --csv: plan listed rows that are not current candidates too")
	fl.StringVar(&f.out, "out", "", "plan file to write (default reclaim-plan-<plan id>.json)")
}

// applyFlags are the flags of apply and replace.
type applyFlags struct {
	warehouse string
	opts      reclaim.ApplyOptions
}

func (f *applyFlags) register(c *cobra.Command, warehouse bool) {
	fl := c.Flags()
	if warehouse {
		fl.StringVar(&f.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config)")
	}
	fl.BoolVar(&f.opts.Apply, "apply", false, "make the changes (without it: a dry run that changes nothing)")
	fl.IntVar(&f.opts.Max, "max", defaultMax, "at most this many licence changes in this run; the rest are deferred")
	fl.BoolVar(&f.opts.AllowNoLocation, "allow-no-usage-location", false, "also remove licences of users without usageLocation (an undo cannot re-assign them)")
	fl.StringVar(&f.opts.UndoFile, "undo-file", "", "undo file to write (default next to the plan: <plan>.undo-<time>.json)")
}

func reclaimPlanCmd(g *globals) *cobra.Command {
	var f planFlags
	c := &cobra.Command{
		Use:   "plan",
		Short: "Write a plan file: which SKU leaves which user and why (changes nothing)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := buildPlan(cmd.Context(), g, f, reclaim.OpRemove, "", "")
			if err != nil {
				return err
			}
			_, err = reclaim.SavePlan(g.stdout, f.out, p)
			return err
		},
	}
	f.register(c, true)
	return c
}

// buildPlan plans from the warehouse of --warehouse or the configuration.
func buildPlan(ctx context.Context, g *globals, f planFlags, op, from, to string) (*reclaim.Plan, error) {
	if f.sel.ForceListed && f.sel.CSV == "" {
		return nil, exit.UsageError(errors.New("--force-listed applies to --csv rows only"))
	}
	path, err := g.warehousePath(f.warehouse)
	if err != nil {
		return nil, err
	}
	pl := reclaim.Planner{Warehouse: reclaim.WarehouseFile(path, g.tuning()...), Stderr: g.stderr, Now: g.now()}
	return pl.Build(ctx, f.sel, op, from, to)
}

func reclaimApplyCmd(g *globals) *cobra.Command {
	var f applyFlags
	var planPath string
	c := &cobra.Command{
		Use:   "apply --plan FILE",
		Short: "Carry out a plan (dry run unless --apply); writes the undo file first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := reclaim.ReadPlan(planPath)
			if err != nil {
				return exit.UsageError(err)
			}
			return applyPlan(cmd.Context(), g, f, p, planPath)
		},
	}
	c.Flags().StringVar(&planPath, "plan", "", "plan file written by reclaim plan or replace")
	c.Flags().BoolVar(&f.opts.GroupMembership, "group-membership", false,
		"take users holding a SKU only through groups out of those groups (needs GroupMember.ReadWrite.All; refused when a group also gives another licence held no other way)")
	_ = c.MarkFlagRequired("plan") // the flag exists
	f.register(c, true)
	return c
}

func reclaimReplaceCmd(g *globals) *cobra.Command {
	var pf planFlags
	var af applyFlags
	var from, to string
	c := &cobra.Command{
		Use:   "replace (--from SKU --to SKU | --rightsizing)",
		Short: "Downgrade: plan and apply adding --to and removing --from in one assignLicense call per user",
		Long: `replace plans, like reclaim plan, the candidates holding --from (or the users of
--csv), writes the plan file, then applies it with every guard of reclaim apply:
a dry run unless --apply, --max, the undo file first. Each user gets one
assignLicense call adding --to and removing --from.

With --rightsizing it plans the rows of mart_rightsizing that replace a SKU with
a cheaper one (no_desktop_apps: ENTERPRISEPACK or SPE_E3 to STANDARDPACK;
e5_extras_unused: SPE_E5 to SPE_E3), each with its own target; --from and --to
are then optional filters, and --rule, --confidence, --tenant, --department and
the user filters narrow the rows too. The rule is each row's reason, in the
plan, the actions table and the undo file. Rows with no replacement
(shared_mailbox) are planned by reclaim plan --rightsizing; rows whose target
the tenant does not subscribe to are left out, each counted on stderr.

Before any change, the SKU added must have a free unit for every user
(enabled + warning - consumed, read live: a suspended SKU has none) and stay
within tenants[].limits; otherwise all its rows are refused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !pf.sel.Rightsizing && (from == "" || to == "") {
				return exit.UsageError(errors.New("replace needs --from and --to, or --rightsizing (the rows of mart_rightsizing)"))
			}
			p, err := buildPlan(cmd.Context(), g, pf, reclaim.OpReplace, from, to)
			if err != nil {
				return err
			}
			return saveAndApply(cmd.Context(), g, pf.out, pf.warehouse, af, p)
		},
	}
	c.Flags().StringVar(&from, "from", "", "SKU part number to remove (with --rightsizing: only rows from it)")
	c.Flags().StringVar(&to, "to", "", "SKU part number to assign instead (with --rightsizing: only rows to it)")
	pf.register(c, false)
	af.register(c, false)
	return c
}

// saveAndApply writes plan p (to out, else its default name) and applies
// it at once, as replace, plans and unassign do.
func saveAndApply(ctx context.Context, g *globals, out, warehouse string, af applyFlags, p *reclaim.Plan) error {
	path, err := reclaim.SavePlan(g.stdout, out, p)
	if err != nil {
		return err
	}
	af.warehouse = warehouse
	return applyPlan(ctx, g, af, p, path)
}

// applyPlan carries out p with the configuration's tenants.
func applyPlan(ctx context.Context, g *globals, f applyFlags, p *reclaim.Plan, planPath string) error {
	log, cfg, err := g.setup(true)
	if err != nil {
		return err
	}
	f.opts.DefaultLocations, f.opts.Limits = provisioning(cfg)
	return reclaimApplier(g, cfg, log, f.warehouse).Apply(ctx, p, planPath, f.opts)
}

func reclaimUndoCmd(g *globals) *cobra.Command {
	var undoPath, warehouse string
	var apply bool
	c := &cobra.Command{
		Use:   "undo --undo-file FILE",
		Short: "Re-assign what an apply removed, with the recorded disabled plans (dry run unless --apply)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, cfg, err := g.setup(true)
			if err != nil {
				return err
			}
			u, err := reclaim.ReadUndo(undoPath)
			if err != nil {
				return exit.UsageError(err)
			}
			return reclaimApplier(g, cfg, log, warehouse).Undo(cmd.Context(), u, apply)
		},
	}
	c.Flags().StringVar(&undoPath, "undo-file", "", "undo file written by reclaim apply")
	_ = c.MarkFlagRequired("undo-file") // the flag exists
	c.Flags().StringVar(&warehouse, "warehouse", "", "warehouse file for the actions rows (default: warehouse.path of --config)")
	c.Flags().BoolVar(&apply, "apply", false, "make the changes (without it: a dry run)")
	return c
}

// reclaimApplier acts on the warehouse (the flag's, else the
// configuration's) with a Graph client per configured tenant.
func reclaimApplier(g *globals, cfg *config.Config, log *slog.Logger, warehouse string) reclaim.Applier {
	if warehouse == "" {
		warehouse = cfg.Warehouse.Path
	}
	return reclaim.Applier{
		Warehouse: reclaim.WarehouseFile(warehouse),
		Connect: func(ctx context.Context, tenant string) (reclaim.Graph, bool, error) {
			j := slices.IndexFunc(cfg.Tenants, func(t config.Tenant) bool { return t.Name == tenant })
			if j < 0 {
				return nil, false, nil
			}
			c, err := tenants.Client(ctx, cfg.Tenants[j], g.getenv, log, nil)
			if err != nil {
				return nil, true, err
			}
			return c, true, nil
		},
		Log: log, Out: g.stdout, Now: g.now,
	}
}
