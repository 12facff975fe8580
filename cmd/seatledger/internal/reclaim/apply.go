package reclaim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// Applier carries out plans and undo files.
type Applier struct {
	Warehouse Warehouse
	// Connect returns the Graph client of a tenant; configured is false
	// for a tenant that is not in the configuration (its rows are
	// refused).
	Connect func(ctx context.Context, tenant string) (g Graph, configured bool, err error)
	Log     *slog.Logger
	Out     io.Writer
	Now     func() time.Time
}

// ApplyOptions are the choices of one apply.
type ApplyOptions struct {
	Apply bool // make the changes; without it a dry run
	Max   int  // at most this many licence changes; the rest are deferred
	// UndoFile is where the undo file goes (default next to the plan:
	// <plan>.undo-<time>.json).
	UndoFile string
	// AllowNoLocation removes licences from users without usageLocation,
	// whose removal an undo cannot reverse.
	AllowNoLocation bool
	// DefaultLocations are, for assign, each tenant's
	// default_usage_location, set first on users without one.
	DefaultLocations map[string]string
	// Limits are, for assign, each tenant's hard limits on consumed units
	// by upper-case SKU part number (tenants[].limits).
	Limits map[string]map[string]int64
	// GroupMembership takes users out of the licensing groups that give a
	// SKU they hold only through groups (remove plans), where today such a
	// row is only reported group_only.
	GroupMembership bool
}

// Apply carries out p: guards from the warehouse (opened read-only and
// closed again; removals only), the users' licences read live, the cap,
// and for assign and replace the free units and hard limits of the SKU
// added, read live; then, with o.Apply, the undo file, the usageLocation
// and assignLicense calls and the actions rows.
func (a Applier) Apply(ctx context.Context, p *Plan, planPath string, o ApplyOptions) error {
	if o.Max < 1 {
		return exit.UsageError(fmt.Errorf("--max: must be at least 1, got %d", o.Max))
	}
	outs := make([]Outcome, len(p.Items))
	for i, it := range p.Items {
		outs[i] = Outcome{Item: it, Op: p.Operation}
	}
	switch p.Operation {
	case OpRemove, OpReplace:
		if err := a.guard(ctx, outs); err != nil {
			return err
		}
	case OpPlans:
		guardPlans(outs)
	}
	clients, err := a.tenantClients(ctx, outs)
	if err != nil {
		return err
	}
	if err := readLive(ctx, clients, outs, func(out Outcome, live extract.LicenseResult) []Outcome {
		switch p.Operation {
		case OpAssign:
			return []Outcome{DecideAssign(out.Item, live, o.DefaultLocations[out.Item.Tenant])}
		case OpPlans:
			return []Outcome{DecidePlans(out.Item, live)}
		}
		d := Decide(p.Operation, out.Item, live, o.AllowNoLocation)
		if d.Result == ResultGroupOnly && o.GroupMembership && p.Operation == OpRemove {
			d = DecideMembership(out.Item, live)
		}
		return []Outcome{d}
	}); err != nil {
		return err
	}
	if err := readGroups(ctx, clients, outs, func(out Outcome, live extract.GroupLicenseResult) Outcome {
		switch p.Operation {
		case OpPlans:
			return DecidePlansGroup(out.Item, live)
		case OpRemove:
			return DecideGroupRemove(out.Item, live)
		}
		return DecideGroupAssign(out.Item, live)
	}); err != nil {
		return err
	}
	capChanges(outs, o.Max)
	switch p.Operation {
	case OpAssign:
		members, err := a.groupMembers(ctx, outs)
		if err != nil {
			return err
		}
		if err := guardUnits(ctx, clients, outs, o.Limits, members); err != nil {
			return err
		}
	case OpReplace: // each user takes a unit of the SKU added
		if err := guardUnits(ctx, clients, outs, o.Limits, nil); err != nil {
			return err
		}
	}
	if !o.Apply {
		PrintOutcomes(a.Out, outs)
		fmt.Fprintf(a.Out, "dry run of plan %s: %s; nothing changed (add --apply to act)\n", p.ID, SummaryLine(Tally(outs)))
		return nil
	}
	if err := a.canRecord(ctx); err != nil {
		return err
	}
	now := a.Now().UTC()
	applyID := NewID(now)
	undo := &Undo{PlanID: p.ID, ApplyID: applyID, Operation: p.Operation, CreatedAt: now, Users: undoUsers(outs)}
	for _, out := range outs {
		switch {
		case out.Result != ResultPending:
		case out.UndoGroup != nil:
			undo.Groups = append(undo.Groups, *out.UndoGroup)
		case out.UndoMembership != nil:
			undo.Memberships = append(undo.Memberships, *out.UndoMembership)
		}
	}
	undoPath := o.UndoFile
	if undoPath == "" {
		undoPath = strings.TrimSuffix(planPath, filepath.Ext(planPath)) + ".undo-" + now.Format("20060102T150405Z") + ".json"
	}
	if len(undo.Users)+len(undo.Groups)+len(undo.Memberships) > 0 {
		if err := WriteUndo(undoPath, undo); err != nil {
			return fmt.Errorf("write the undo file (nothing was changed): %w", err)
		}
		fmt.Fprintf(a.Out, "undo file: %s\n", undoPath)
	}
	return a.act(ctx, p.ID, applyID, clients, outs)
}

// Undo re-assigns each licence of the undo file that the user no longer
// holds directly, and removes what a replace added; users already back
// as they were are left alone. Without apply, a dry run.
func (a Applier) Undo(ctx context.Context, u *Undo, apply bool) error {
	// One placeholder outcome per user carries it through the tenant and
	// live-read steps; DecideUndo expands it into one outcome per licence.
	outs := make([]Outcome, len(u.Users))
	for i, uu := range u.Users {
		l := uu.first()
		outs[i] = Outcome{Op: OpUndo, Item: Item{Tenant: uu.Tenant, UserID: uu.UserID, SkuID: l.SkuID, SkuPartNumber: l.SkuPartNumber}}
	}
	clients, err := a.tenantClients(ctx, outs)
	if err != nil {
		return err
	}
	groupOuts, err := a.undoGroups(ctx, u, clients)
	if err != nil {
		return err
	}
	byUser := map[string]UndoUser{}
	for _, uu := range u.Users {
		byUser[uu.Tenant+"/"+uu.UserID] = uu
	}
	expanded := map[string][]Outcome{}
	err = readLive(ctx, clients, outs, func(o Outcome, live extract.LicenseResult) []Outcome {
		k := o.Item.Tenant + "/" + o.Item.UserID
		expanded[k] = DecideUndo(byUser[k], live)
		return expanded[k][:1]
	})
	if err != nil {
		return err
	}
	var all []Outcome
	for _, o := range outs {
		if e, ok := expanded[o.Item.Tenant+"/"+o.Item.UserID]; ok {
			all = append(all, e...)
		} else {
			all = append(all, o)
		}
	}
	all = append(all, groupOuts...)
	if !apply {
		PrintOutcomes(a.Out, all)
		fmt.Fprintf(a.Out, "dry run of undo for plan %s: %s; nothing changed (add --apply to act)\n", u.PlanID, SummaryLine(Tally(all)))
		return nil
	}
	if err := a.canRecord(ctx); err != nil {
		return err
	}
	return a.act(ctx, u.PlanID, NewID(a.Now()), clients, all)
}

// act sends the pending changes, records every outcome and prints them;
// an error (exit 3) when a change failed.
func (a Applier) act(ctx context.Context, planID, applyID string, clients map[string]Graph, outs []Outcome) error {
	batchErr := setLocations(ctx, clients, outs)
	batchErr = errors.Join(batchErr, sendGroupChanges(ctx, clients, outs),
		sendMembers(ctx, clients, outs, OpRemoveMembership), sendMembers(ctx, clients, outs, OpUndo))
	for tenant, calls := range Merge(outs) {
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
			Settle(outs, c, r)
		}
		a.Log.Info("licence changes sent", "tenant", tenant, "plan_id", planID, "apply_id", applyID, "calls", len(calls))
	}
	recErr := a.record(ctx, planID, applyID, outs, a.Now().UTC())
	PrintOutcomes(a.Out, outs)
	n := Tally(outs)
	fmt.Fprintf(a.Out, "plan %s, apply %s: %s\n", planID, applyID, SummaryLine(n))
	if err := errors.Join(batchErr, recErr); err != nil {
		return err
	}
	if n[ResultFailed] > 0 {
		return exit.PartialError(fmt.Errorf("%d of %d licence changes failed (see the table and the actions table)", n[ResultFailed], len(outs)))
	}
	return nil
}

// guard refuses, from the warehouse's latest snapshots, activity-based
// reasons for tenants whose report is concealed, rows that are no longer
// candidates (unless listed with --force-listed), and rightsizing rows
// that are no longer current as planned (staleRightsizing).
func (a Applier) guard(ctx context.Context, outs []Outcome) error {
	w, err := a.Warehouse.OpenRead(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	reports, err := w.LatestReports(ctx)
	if err != nil {
		return err
	}
	concealed := map[string]bool{}
	for _, r := range reports {
		concealed[r.Tenant] = r.Concealed
	}
	var ids []string
	for _, o := range outs {
		ids = append(ids, o.Item.UserID)
	}
	cands, err := w.ReclaimCandidatesOf(ctx, ids, nil)
	if err != nil {
		return err
	}
	current := map[string]bool{}
	for _, c := range cands {
		current[c.Tenant+"/"+c.UserID+"/"+c.SkuID] = true
	}
	sized, err := currentRightsizing(ctx, w, outs)
	if err != nil {
		return err
	}
	for i := range outs {
		o := &outs[i]
		switch {
		case concealed[o.Item.Tenant] && ActivityBased(o.Item.Reason):
			o.Refuse("tenant %s's latest usage report conceals user names: %s is not acted on", o.Item.Tenant, o.Item.Reason)
		case o.Item.Rule != "":
			if why := staleRightsizing(o.Item, sized); why != "" {
				o.Refuse("%s", why)
			}
		case !o.Item.Forced && !current[o.Item.Tenant+"/"+o.Item.UserID+"/"+o.Item.SkuID]:
			o.Refuse("no longer a reclamation candidate in the latest snapshot")
		}
	}
	return nil
}

// tenantClients connects to Graph per tenant with outcomes still open; a
// tenant missing from the configuration refuses its rows.
func (a Applier) tenantClients(ctx context.Context, outs []Outcome) (map[string]Graph, error) {
	clients := map[string]Graph{}
	return clients, a.moreClients(ctx, clients, outs)
}

// moreClients adds to clients the tenants of outs not in it yet.
func (a Applier) moreClients(ctx context.Context, clients map[string]Graph, outs []Outcome) error {
	for i := range outs {
		o := &outs[i]
		if o.Result != "" {
			continue
		}
		if _, ok := clients[o.Item.Tenant]; ok {
			continue
		}
		c, configured, err := a.Connect(ctx, o.Item.Tenant)
		if err != nil {
			return exit.UsageError(err)
		}
		if !configured {
			o.Refuse("tenant %s is not in the configuration", o.Item.Tenant)
			continue
		}
		clients[o.Item.Tenant] = c
	}
	return nil
}

// readLive reads, per tenant, the licences of the users of the open
// outcomes and replaces each open outcome with what decide makes of it.
func readLive(ctx context.Context, clients map[string]Graph, outs []Outcome,
	decide func(Outcome, extract.LicenseResult) []Outcome) error {
	for tenant, c := range clients {
		var ids []string
		seen := map[string]bool{}
		for _, o := range outs {
			if o.Result == "" && o.Item.Tenant == tenant && o.Item.GroupID == "" && !seen[o.Item.UserID] {
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
			if outs[i].Result == "" && outs[i].Item.Tenant == tenant && outs[i].Item.GroupID == "" {
				outs[i] = decide(outs[i], live[outs[i].Item.UserID])[0]
			}
		}
	}
	return nil
}

// capChanges defers pending changes beyond max.
func capChanges(outs []Outcome, max int) {
	n := 0
	for i := range outs {
		if outs[i].Result != ResultPending {
			continue
		}
		if n++; n > max {
			outs[i].Result = ResultDeferred
			outs[i].drop()
			outs[i].Message = fmt.Sprintf("beyond --max %d for this run", max)
		}
	}
}

// undoUsers collects the undo entries of the pending outcomes, one per
// tenant and user.
func undoUsers(outs []Outcome) []UndoUser {
	var users []UndoUser
	at := map[string]int{}
	for _, o := range outs {
		if o.Result != ResultPending || o.Undo == nil {
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
			if !slices.ContainsFunc(users[j].RemoveOnUndo, func(m License) bool { return m.SkuID == l.SkuID }) {
				users[j].RemoveOnUndo = append(users[j].RemoveOnUndo, l)
			}
		}
	}
	return users
}

// canRecord opens the warehouse for writing and closes it again before
// any change, so that a locked or unwritable warehouse stops the apply
// while nothing has changed yet (it also applies pending migrations).
func (a Applier) canRecord(ctx context.Context) error {
	w, err := a.Warehouse.OpenWrite(ctx)
	if err != nil {
		return fmt.Errorf("the warehouse must be writable to record the actions (nothing was changed): %w", err)
	}
	return w.Close()
}

// recordAttempts and recordWait bound how long record waits for a run
// holding the warehouse.
const (
	recordAttempts = 30
	recordWait     = time.Second
)

// record writes every outcome into the actions table, opening the
// warehouse for writing only now. A run holding the file is waited for a
// little; if it still cannot be written, the rows go to a JSON file next
// to the warehouse so that the provisioning report is never lost.
func (a Applier) record(ctx context.Context, planID, applyID string, outs []Outcome, now time.Time) error {
	rows := make([]load.Action, len(outs))
	for i, o := range outs {
		// A group row holds the group's object id in user_id (NOT NULL,
		// object ids) and in group_ids.
		target, who := "user", o.Item.UserID
		if who == "" {
			target, who = "group", o.Item.GroupID
		}
		rows[i] = load.Action{PlanID: planID, ApplyID: applyID, At: now, Tenant: o.Item.Tenant, Target: target, UserID: who,
			SkuID: o.Item.SkuID, SkuPartNumber: o.Item.SkuPartNumber, Operation: o.Op, ToSkuID: o.Item.ToSkuID,
			ToSkuPartNumber: o.Item.ToSkuPartNumber, Reason: o.Item.Reason, Result: o.Result,
			HTTPStatus: o.Status, ErrorCode: o.Code, ErrorMessage: o.Message, GroupIDs: o.GroupIDs}
	}
	var err error
	for attempt := 0; attempt < recordAttempts; attempt++ {
		var w Journal
		if w, err = a.Warehouse.OpenWrite(ctx); err == nil {
			err = errors.Join(w.RecordActions(ctx, rows), w.Close())
			if err == nil {
				return nil
			}
		}
		if !errors.Is(err, load.ErrBusy) {
			break
		}
		if sleepErr := sleepCtx(ctx, recordWait); sleepErr != nil {
			break
		}
	}
	fallback := a.Warehouse.Path() + ".actions-" + applyID + ".json"
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
