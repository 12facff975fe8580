package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

func reclaimUndoCmd(g *globals) *cobra.Command {
	var undoPath, warehouse string
	var apply bool
	c := &cobra.Command{
		Use:   "undo --undo-file FILE",
		Short: "Re-assign what an apply removed, with the recorded disabled plans (dry run unless --apply)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUndo(cmd.Context(), g, undoPath, warehouse, apply)
		},
	}
	c.Flags().StringVar(&undoPath, "undo-file", "", "undo file written by reclaim apply")
	_ = c.MarkFlagRequired("undo-file") // the flag exists
	c.Flags().StringVar(&warehouse, "warehouse", "", "warehouse file for the actions rows (default: warehouse.path of --config)")
	c.Flags().BoolVar(&apply, "apply", false, "make the changes (without it: a dry run)")
	return c
}

// runUndo re-assigns each licence of the undo file that the user no
// longer holds directly, and removes what a replace added; users already
// back as they were are left alone.
func runUndo(ctx context.Context, g *globals, undoPath, warehouse string, apply bool) error {
	log, err := g.logger()
	if err != nil {
		return err
	}
	cfg, err := g.loadConfig(true)
	if err != nil {
		return err
	}
	u, err := reclaim.ReadUndo(undoPath)
	if err != nil {
		return usageErr(err)
	}
	if warehouse == "" {
		warehouse = cfg.Warehouse.Path
	}
	// One placeholder outcome per user carries it through the tenant and
	// live-read steps; decide expands it into one outcome per licence.
	outs := make([]reclaim.Outcome, len(u.Users))
	for i, uu := range u.Users {
		outs[i] = reclaim.Outcome{Op: reclaim.OpUndo, Item: reclaim.Item{Tenant: uu.Tenant, UserID: uu.UserID,
			SkuID: uu.Restore[0].SkuID, SkuPartNumber: uu.Restore[0].SkuPartNumber}}
	}
	clients, err := tenantClients(ctx, g, cfg, log, outs)
	if err != nil {
		return err
	}
	byUser := map[string]reclaim.UndoUser{}
	for _, uu := range u.Users {
		byUser[uu.Tenant+"/"+uu.UserID] = uu
	}
	expanded := map[string][]reclaim.Outcome{}
	err = readLive(ctx, clients, outs, func(o reclaim.Outcome, live extract.LicenseResult) []reclaim.Outcome {
		k := o.Item.Tenant + "/" + o.Item.UserID
		expanded[k] = reclaim.DecideUndo(byUser[k], live)
		return expanded[k][:1]
	})
	if err != nil {
		return err
	}
	var all []reclaim.Outcome
	for _, o := range outs {
		if e, ok := expanded[o.Item.Tenant+"/"+o.Item.UserID]; ok {
			all = append(all, e...)
		} else {
			all = append(all, o)
		}
	}
	if !apply {
		printOutcomes(g.stdout, all)
		fmt.Fprintf(g.stdout, "dry run of undo for plan %s: %s; nothing changed (add --apply to act)\n", u.PlanID, summaryLine(tally(all)))
		return nil
	}
	if err := canRecord(ctx, warehouse); err != nil {
		return err
	}
	return act(ctx, g, log, warehouse, u.PlanID, reclaim.NewID(g.now()), clients, all)
}

// canRecord opens the warehouse for writing and closes it again before
// any change, so that a locked or unwritable warehouse stops the apply
// while nothing has changed yet (it also applies pending migrations).
func canRecord(ctx context.Context, path string) error {
	w, err := load.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("the warehouse must be writable to record the actions (nothing was changed): %w", err)
	}
	return w.Close()
}

// recordOutcomes writes every outcome into the actions table, opening the
// warehouse for writing only now. A run holding the file is waited for a
// little; if it still cannot be written, the rows go to a JSON file next
// to the warehouse so that the provisioning report is never lost.
func recordOutcomes(ctx context.Context, path, planID, applyID string, outs []reclaim.Outcome, now time.Time) error {
	rows := make([]load.Action, len(outs))
	for i, o := range outs {
		rows[i] = load.Action{PlanID: planID, ApplyID: applyID, At: now, Tenant: o.Item.Tenant, UserID: o.Item.UserID,
			SkuID: o.Item.SkuID, SkuPartNumber: o.Item.SkuPartNumber, Operation: o.Op, ToSkuID: o.Item.ToSkuID,
			ToSkuPartNumber: o.Item.ToSkuPartNumber, Reason: o.Item.Reason, Result: o.Result,
			HTTPStatus: o.Status, ErrorCode: o.Code, ErrorMessage: o.Message, GroupIDs: o.GroupIDs}
	}
	var err error
	for attempt := 0; attempt < 30; attempt++ {
		var w *load.Warehouse
		if w, err = load.Open(ctx, path); err == nil {
			err = errors.Join(w.RecordActions(ctx, rows), w.Close())
			if err == nil {
				return nil
			}
		}
		if !errors.Is(err, load.ErrBusy) {
			break
		}
		if sleepErr := sleepCtx(ctx, time.Second); sleepErr != nil {
			break
		}
	}
	fallback := path + ".actions-" + applyID + ".json"
	data, _ := json.MarshalIndent(rows, "", "  ") // plain strings, ints and times always encode
	if werr := os.WriteFile(fallback, data, 0o600); werr != nil {
		return fmt.Errorf("record actions: %w; and saving them to %s: %v", err, fallback, werr)
	}
	return fmt.Errorf("record actions: %w (the rows are saved in %s)", err, fallback)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
