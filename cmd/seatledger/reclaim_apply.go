package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

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
				return usageErr(err)
			}
			return applyPlan(cmd.Context(), g, f, p, planPath)
		},
	}
	c.Flags().StringVar(&planPath, "plan", "", "plan file written by reclaim plan or replace")
	_ = c.MarkFlagRequired("plan") // the flag exists
	f.register(c, true)
	return c
}

func reclaimReplaceCmd(g *globals) *cobra.Command {
	var pf planFlags
	var af applyFlags
	var from, to string
	c := &cobra.Command{
		Use:   "replace --from SKU --to SKU",
		Short: "Downgrade: plan and apply adding --to and removing --from in one assignLicense call per user",
		Long: `replace plans, like reclaim plan, the candidates holding --from (or the users of
--csv), writes the plan file, then applies it with every guard of reclaim apply:
a dry run unless --apply, --max, the undo file first. Each user gets one
assignLicense call adding --to and removing --from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return usageErr(errors.New("replace needs --from and --to"))
			}
			p, err := buildPlan(cmd.Context(), g, pf, reclaim.OpReplace, from, to)
			if err != nil {
				return err
			}
			path, err := writePlan(g, pf.out, p)
			if err != nil {
				return err
			}
			af.warehouse = pf.warehouse
			return applyPlan(cmd.Context(), g, af, p, path)
		},
	}
	c.Flags().StringVar(&from, "from", "", "SKU part number to remove")
	c.Flags().StringVar(&to, "to", "", "SKU part number to assign instead")
	pf.register(c, false)
	af.register(c, false)
	return c
}

// applyPlan carries out p: guards from the warehouse (opened read-only
// and closed again), the users' licences read live, the cap; then, with
// --apply, the undo file, the assignLicense calls and the actions rows.
func applyPlan(ctx context.Context, g *globals, f applyFlags, p *reclaim.Plan, planPath string) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	cfg, err := g.loadConfig(true)
	if err != nil {
		return err
	}
	if f.max < 1 {
		return usageErr(fmt.Errorf("--max: must be at least 1, got %d", f.max))
	}
	whPath := f.warehouse
	if whPath == "" {
		whPath = cfg.Warehouse.Path
	}
	outs := make([]reclaim.Outcome, len(p.Items))
	for i, it := range p.Items {
		outs[i] = reclaim.Outcome{Item: it, Op: p.Operation}
	}
	if err := guard(ctx, whPath, outs); err != nil {
		return err
	}
	clients, err := tenantClients(ctx, g, cfg, log, outs)
	if err != nil {
		return err
	}
	if err := readLive(ctx, clients, outs, func(o reclaim.Outcome, live extract.LicenseResult) []reclaim.Outcome {
		return []reclaim.Outcome{reclaim.Decide(p.Operation, o.Item, live, f.allowNoLocation)}
	}); err != nil {
		return err
	}
	capChanges(outs, f.max)
	if !f.apply {
		printOutcomes(g.stdout, outs)
		fmt.Fprintf(g.stdout, "dry run of plan %s: %s; nothing changed (add --apply to act)\n", p.ID, summaryLine(tally(outs)))
		return nil
	}
	if err := canRecord(ctx, whPath); err != nil {
		return err
	}
	now := g.now().UTC()
	applyID := reclaim.NewID(now)
	undo := &reclaim.Undo{PlanID: p.ID, ApplyID: applyID, Operation: p.Operation, CreatedAt: now, Users: undoUsers(outs)}
	undoPath := f.undoFile
	if undoPath == "" {
		undoPath = strings.TrimSuffix(planPath, filepath.Ext(planPath)) + ".undo-" + now.Format("20060102T150405Z") + ".json"
	}
	if len(undo.Users) > 0 {
		if err := reclaim.WriteUndo(undoPath, undo); err != nil {
			return fmt.Errorf("write the undo file (nothing was changed): %w", err)
		}
		fmt.Fprintf(g.stdout, "undo file: %s\n", undoPath)
	}
	return act(ctx, g, log, whPath, p.ID, applyID, clients, outs)
}

// act sends the pending changes, records every outcome and prints them;
// an error (exit 3) when a change failed.
func act(ctx context.Context, g *globals, log *slog.Logger, whPath, planID, applyID string, clients map[string]licenser, outs []reclaim.Outcome) error {
	var batchErr error
	for tenant, calls := range reclaim.Merge(outs) {
		changes := make([]extract.LicenseChange, len(calls))
		for i, c := range calls {
			changes[i] = c.Change
		}
		results, err := clients[tenant].AssignLicenses(ctx, changes)
		if err != nil {
			batchErr = errors.Join(batchErr, fmt.Errorf("tenant %s: %w", tenant, err))
		}
		for i, c := range calls {
			r := extract.LicenseResult{UserID: c.Change.UserID, Code: "NoResponse", Message: "not sent"}
			if i < len(results) {
				r = results[i]
			}
			reclaim.Settle(outs, c, r)
		}
		log.Info("licence changes sent", "tenant", tenant, "plan_id", planID, "apply_id", applyID, "calls", len(calls))
	}
	recErr := recordOutcomes(ctx, whPath, planID, applyID, outs, g.now().UTC())
	printOutcomes(g.stdout, outs)
	n := tally(outs)
	fmt.Fprintf(g.stdout, "plan %s, apply %s: %s\n", planID, applyID, summaryLine(n))
	if err := errors.Join(batchErr, recErr); err != nil {
		return err
	}
	if n[reclaim.ResultFailed] > 0 {
		return exitError{code: 3, err: fmt.Errorf("%d of %d licence changes failed (see the table and the actions table)", n[reclaim.ResultFailed], len(outs))}
	}
	return nil
}

// guard refuses, from the warehouse's latest snapshots, activity-based
// reasons for tenants whose report is concealed and rows that are no
// longer candidates (unless listed with --force-listed).
func guard(ctx context.Context, whPath string, outs []reclaim.Outcome) error {
	w, err := load.OpenReadOnly(ctx, whPath)
	if err != nil {
		return err
	}
	defer w.Close()
	concealed := map[string]bool{}
	err = w.Stream(ctx, "SELECT tenant, concealed FROM stg_snapshots WHERE is_latest", nil, func(_ []string, v []any) error {
		concealed[s(v[0])], _ = v[1].(bool)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read report concealment: %w", err)
	}
	var ids []string
	for _, o := range outs {
		ids = append(ids, o.Item.UserID)
	}
	current := map[string]bool{}
	err = w.Stream(ctx, `SELECT tenant, user_id, sku_id FROM mart_reclamation_candidates
		WHERE user_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`, []any{jsonList(ids)},
		func(_ []string, v []any) error {
			current[s(v[0])+"/"+s(v[1])+"/"+s(v[2])] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("read reclamation candidates: %w", err)
	}
	for i := range outs {
		o := &outs[i]
		switch {
		case concealed[o.Item.Tenant] && reclaim.ActivityBased(o.Item.Reason):
			o.Refuse("tenant %s's latest usage report conceals user names: %s is not acted on", o.Item.Tenant, o.Item.Reason)
		case !o.Item.Forced && !current[o.Item.Tenant+"/"+o.Item.UserID+"/"+o.Item.SkuID]:
			o.Refuse("no longer a reclamation candidate in the latest snapshot")
		}
	}
	return nil
}

// licenser is what reclaim needs of a Graph client.
type licenser interface {
	UserLicenses(ctx context.Context, ids []string) ([]extract.LicenseResult, error)
	AssignLicenses(ctx context.Context, changes []extract.LicenseChange) ([]extract.LicenseResult, error)
}

// tenantClients builds a Graph client per tenant with outcomes still
// open; a tenant missing from the configuration refuses its rows.
func tenantClients(ctx context.Context, g *globals, cfg *config.Config, log *slog.Logger, outs []reclaim.Outcome) (map[string]licenser, error) {
	clients := map[string]licenser{}
	for i := range outs {
		o := &outs[i]
		if o.Result != "" {
			continue
		}
		if _, ok := clients[o.Item.Tenant]; ok {
			continue
		}
		j := slices.IndexFunc(cfg.Tenants, func(t config.Tenant) bool { return t.Name == o.Item.Tenant })
		if j < 0 {
			o.Refuse("tenant %s is not in the configuration", o.Item.Tenant)
			continue
		}
		c, err := g.graphClient(ctx, cfg.Tenants[j], log, nil)
		if err != nil {
			return nil, usageErr(err)
		}
		clients[o.Item.Tenant] = c
	}
	return clients, nil
}

// readLive reads, per tenant, the licences of the users of the open
// outcomes and replaces each open outcome with what decide makes of it.
func readLive(ctx context.Context, clients map[string]licenser, outs []reclaim.Outcome,
	decide func(reclaim.Outcome, extract.LicenseResult) []reclaim.Outcome) error {
	for tenant, c := range clients {
		var ids []string
		seen := map[string]bool{}
		for _, o := range outs {
			if o.Result == "" && o.Item.Tenant == tenant && !seen[o.Item.UserID] {
				ids, seen[o.Item.UserID] = append(ids, o.Item.UserID), true
			}
		}
		if len(ids) == 0 {
			continue
		}
		res, err := c.UserLicenses(ctx, ids)
		if err != nil {
			return fmt.Errorf("tenant %s: read the users' licences (nothing was changed): %w", tenant, err)
		}
		live := map[string]extract.LicenseResult{}
		for _, r := range res {
			live[r.UserID] = r
		}
		for i := range outs {
			if outs[i].Result == "" && outs[i].Item.Tenant == tenant {
				outs[i] = decide(outs[i], live[outs[i].Item.UserID])[0]
			}
		}
	}
	return nil
}

// capChanges defers pending changes beyond max.
func capChanges(outs []reclaim.Outcome, max int) {
	n := 0
	for i := range outs {
		if outs[i].Result != reclaim.ResultPending {
			continue
		}
		if n++; n > max {
			outs[i].Result, outs[i].Change, outs[i].Undo = reclaim.ResultDeferred, nil, nil
			outs[i].Message = fmt.Sprintf("beyond --max %d for this run", max)
		}
	}
}

// undoUsers collects the undo entries of the pending outcomes, one per
// tenant and user.
func undoUsers(outs []reclaim.Outcome) []reclaim.UndoUser {
	var users []reclaim.UndoUser
	at := map[string]int{}
	for _, o := range outs {
		if o.Result != reclaim.ResultPending || o.Undo == nil {
			continue
		}
		k := o.Undo.Tenant + "/" + o.Undo.UserID
		j, ok := at[k]
		if !ok {
			at[k] = len(users)
			users = append(users, *o.Undo)
			continue
		}
		users[j].Restore = append(users[j].Restore, o.Undo.Restore...)
		for _, l := range o.Undo.RemoveOnUndo {
			if !slices.ContainsFunc(users[j].RemoveOnUndo, func(m reclaim.License) bool { return m.SkuID == l.SkuID }) {
				users[j].RemoveOnUndo = append(users[j].RemoveOnUndo, l)
			}
		}
	}
	return users
}
