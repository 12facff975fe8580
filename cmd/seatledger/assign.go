package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
)

func assignCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "assign",
		Short: "Hand licences out: plan, apply (usage location first, free units and hard limits checked), undo",
		Long: `assign gives a SKU to users of a tenant's latest snapshot, in the three steps
of reclaim:

  plan     writes a plan file: the users selected (--user, --csv with
           UserPrincipalName or ObjectId and an optional UsageLocation column,
           --department) that do not hold --sku yet, with the service plans to
           leave off (--disable-plan). Disabled accounts are left out unless
           --include-disabled. --group (object ids) plans the licence groups
           too: group-based licensing gives the SKU to their members.
  apply    dry run unless --apply: reads each user's licences live (a user
           holding the SKU already is left alone), refuses the SKU's rows when
           they need more units than are free or would pass the tenant's hard
           limit (tenants[].limits), naming both numbers, writes the undo file,
           sets usageLocation first on users without one (from the CSV, else
           tenants[].default_usage_location), then calls assignLicense in $batch
           requests of at most 20 (at most --max per run); every row goes into
           the actions table. A group is read live (one carrying the SKU
           already is left alone), its members that would newly take a unit
           are counted from the latest snapshot for the free units and the
           hard limit, and it gets one groups/{id}/assignLicense call.
  undo     removes what an apply assigned (the usage location set stays; a
           group loses the SKU added, nothing else).

Acting needs LicenseAssignment.ReadWrite.All, and User.ReadWrite.All to set a
usage location.`,
	}
	c.AddCommand(assignPlanCmd(g), assignApplyCmd(g), assignUndoCmd(g))
	return c
}

// provisionFlags are the selection flags of assign plan and plans.
type provisionFlags struct {
	warehouse string
	sel       reclaim.Provision
	out       string
}

func (f *provisionFlags) register(c *cobra.Command, plansFlag, plansHelp string) {
	fl := c.Flags()
	fl.StringVar(&f.warehouse, "warehouse", "", "warehouse file (default: warehouse.path of --config)")
	fl.StringVar(&f.sel.Tenant, "tenant", "", "the tenant (needed when the warehouse holds several)")
	fl.StringVar(&f.sel.SKU, "sku", "", "SKU part number, e.g. SPE_E3")
	fl.StringSliceVar(&f.sel.Users, "user", nil, "user principal names or object ids")
	fl.StringVar(&f.sel.CSV, "csv", "", "CSV of users (UserPrincipalName or ObjectId; for assign, an optional UsageLocation)")
	fl.StringSliceVar(&f.sel.Departments, "department", nil, "users of these departments")
	if plansFlag != "" {
		fl.StringSliceVar(&f.sel.Plans, plansFlag, nil, plansHelp)
	}
	registerUserFilter(c, &f.sel.Filter)
	fl.StringVar(&f.out, "out", "", "plan file to write (default reclaim-plan-<plan id>.json)")
}

func assignPlanCmd(g *globals) *cobra.Command {
	var f provisionFlags
	c := &cobra.Command{
		Use:   "plan --sku SKU (--user U | --csv FILE | --department D | --group GROUP_ID)",
		Short: "Write an assign plan: which users get --sku, with which plans left off (changes nothing)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pl, err := provisionPlanner(g, f.warehouse)
			if err != nil {
				return err
			}
			p, err := pl.BuildProvision(cmd.Context(), f.sel, reclaim.OpAssign, false)
			if err != nil {
				return err
			}
			_, err = reclaim.SavePlan(g.stdout, f.out, p)
			return err
		},
	}
	f.register(c, "disable-plan", "service plans (names such as YAMMER_ENTERPRISE, or ids) to leave off in the SKU")
	c.Flags().BoolVar(&f.sel.IncludeDisabled, "include-disabled", false, "also assign to disabled accounts")
	c.Flags().StringSliceVar(&f.sel.Groups, "group", nil, "object ids of licence groups to give --sku to (group-based licensing gives it to their members)")
	return c
}

func assignApplyCmd(g *globals) *cobra.Command {
	c := reclaimApplyCmd(g)
	c.Short = "Carry out an assign plan (dry run unless --apply); writes the undo file first"
	c.Flags().Lookup("plan").Usage = "plan file written by assign plan"
	_ = c.Flags().MarkHidden("group-membership") // the flag exists; it acts on remove plans only
	return c
}

func assignUndoCmd(g *globals) *cobra.Command {
	c := reclaimUndoCmd(g)
	c.Short = "Remove what an assign apply gave (dry run unless --apply); the usage location set stays"
	return c
}

// plansCmd switches service plans of a held SKU on or off.
func plansCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "plans",
		Short: "Switch service plans of a SKU on or off for users or licence groups, keeping every other disabled plan",
		Long: `plans enable and plans disable plan, like assign plan, the selected users that
hold --sku directly, write the plan file, then apply it with every guard of
reclaim apply: a dry run unless --apply, --max, the undo file first. Each
user gets one assignLicense call re-adding the SKU with its disabled plans
changed: --plan taken out (enable) or added (disable); the others stay as
they were. A user holding --sku only through groups is reported
group_only: --group (object ids) switches the plans of the groups' SKU
instead, read live and changed with one groups/{id}/assignLicense call
each, for every member (a group not carrying --sku is left alone). Plans
the catalogue marks as not removable (Exchange Foundation) are refused.
Undo with assign undo (or reclaim undo): users and groups get back the
plans disabled before.`,
	}
	c.AddCommand(plansSwitchCmd(g, true), plansSwitchCmd(g, false))
	return c
}

func plansSwitchCmd(g *globals, enable bool) *cobra.Command {
	var pf provisionFlags
	var af applyFlags
	verb := "disable"
	if enable {
		verb = "enable"
	}
	c := &cobra.Command{
		Use:   verb + " --sku SKU --plan PLAN (--user U | --csv FILE | --department D | --group GROUP_ID)",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " service plans of --sku for the selected users or groups (dry run unless --apply)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return provisionAndApply(cmd.Context(), g, pf, af, reclaim.OpPlans, enable)
		},
	}
	onOff := map[bool]string{true: "on", false: "off"}[enable]
	pf.register(c, "plan", "service plans (names such as YAMMER_ENTERPRISE, or ids) to switch "+onOff)
	c.Flags().StringSliceVar(&pf.sel.Groups, "group", nil, "object ids of licence groups whose --sku gets the plans switched "+onOff+" (for all their members)")
	af.register(c, false)
	return c
}

// unassignCmd takes licences from users or licence groups by hand.
func unassignCmd(g *globals) *cobra.Command {
	var pf provisionFlags
	var af applyFlags
	c := &cobra.Command{
		Use:   "unassign (--sku SKU | --all-skus) (--user U | --csv FILE | --department D | --group GROUP_ID)",
		Short: "Take a SKU, or every SKU, from the selected users or licence groups (dry run unless --apply)",
		Long: `unassign plans, like assign plan, the selected users that hold --sku (or, with
--all-skus, every SKU each holds: one row per licence), writes the plan file,
then applies it with every guard of reclaim apply: a dry run unless --apply,
--max, the undo file first, $batch of at most 20, one assignLicense call per
user, the actions table (reason unassign). Unlike reclaim, the rows need not
be reclamation candidates: they are what you picked. A licence held only
through a group is reported group_only: take it from the group with --group
(object ids, --sku only), read live and changed with one
groups/{id}/assignLicense call each, which every member holding the SKU no
other way loses. Users without usageLocation are refused unless
--allow-no-usage-location (an undo could not give the licence back). Undo with
reclaim undo: users and groups get the licences back with the disabled plans
they had.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return provisionAndApply(cmd.Context(), g, pf, af, reclaim.OpRemove, false)
		},
	}
	pf.register(c, "", "")
	c.Flags().BoolVar(&pf.sel.AllSKUs, "all-skus", false, "every SKU the selected users hold, instead of --sku")
	c.Flags().StringSliceVar(&pf.sel.Groups, "group", nil, "object ids of licence groups to take --sku from (their members lose it unless held otherwise)")
	af.register(c, false)
	return c
}

// provisionAndApply plans op from the selection of pf, writes the plan
// and applies it at once (plans, unassign).
func provisionAndApply(ctx context.Context, g *globals, pf provisionFlags, af applyFlags, op string, enable bool) error {
	pl, err := provisionPlanner(g, pf.warehouse)
	if err != nil {
		return err
	}
	p, err := pl.BuildProvision(ctx, pf.sel, op, enable)
	if err != nil {
		return err
	}
	return saveAndApply(ctx, g, pf.out, pf.warehouse, af, p)
}

// provisionPlanner plans from the warehouse of --warehouse or the
// configuration.
func provisionPlanner(g *globals, warehouse string) (reclaim.Planner, error) {
	path, err := g.warehousePath(warehouse)
	if err != nil {
		return reclaim.Planner{}, err
	}
	return reclaim.Planner{Warehouse: reclaim.WarehouseFile(path, g.tuning()...), Stderr: g.stderr, Now: g.now()}, nil
}

// provisioning returns the configured tenants' default usage locations
// and hard limits (by upper-case SKU part number), as apply takes them.
func provisioning(cfg *config.Config) (map[string]string, map[string]map[string]int64) {
	locs, limits := map[string]string{}, map[string]map[string]int64{}
	for _, t := range cfg.Tenants {
		if t.DefaultUsageLocation != "" {
			locs[t.Name] = t.DefaultUsageLocation
		}
		for sku, n := range t.Limits {
			if limits[t.Name] == nil {
				limits[t.Name] = map[string]int64{}
			}
			limits[t.Name][strings.ToUpper(sku)] = n
		}
	}
	return locs, limits
}
