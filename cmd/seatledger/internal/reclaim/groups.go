package reclaim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// Licence groups: assign --group gives a SKU to a group (group-based
// licensing then gives it to every member), plans --group switches its
// plans, unassign --group takes it from the group, and reclaim apply
// --group-membership takes a user out of the groups that give a SKU it
// holds through groups only.

// DecideGroupAssign compares a planned group assignment (an OpAssign item
// with GroupID) with the group's licences read live: a group carrying the
// SKU already is left alone, an unknown group fails with Graph's message.
func DecideGroupAssign(it Item, live extract.GroupLicenseResult) Outcome {
	o := Outcome{Item: it, Op: OpAssign, GroupIDs: []string{it.GroupID}}
	if failedGroupRead(&o, live) {
		return o
	}
	if _, ok := carried(live.Group, it.SkuID); ok {
		o.Result, o.Message = ResultUnchanged, "the group carries this SKU already"
		return o
	}
	o.Result = ResultPending
	o.GroupChange = &extract.GroupLicenseChange{GroupID: it.GroupID, Remove: []string{},
		Add: []extract.AssignedLicense{{SkuID: it.SkuID, DisabledPlans: nonNil(it.DisabledPlans)}}}
	o.UndoGroup = &UndoGroup{Tenant: it.Tenant, GroupID: it.GroupID, Reason: it.Reason,
		RemoveOnUndo: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: []string{}}}}
	return o
}

// DecidePlansGroup compares a planned service-plan change of a licence
// group (an OpPlans item with GroupID) with the group's licences read
// live: the SKU is given to the group again with its disabled plans
// switched as DecidePlans switches a user's (Graph replaces a SKU's
// disabled plans when it is added again), and undo puts back the plans
// disabled now. A group not carrying the SKU is left alone.
func DecidePlansGroup(it Item, live extract.GroupLicenseResult) Outcome {
	o := Outcome{Item: it, Op: OpPlans, GroupIDs: []string{it.GroupID}}
	l, ok := groupCarrying(&o, live)
	if !ok {
		return o
	}
	now := l.DisabledPlans
	next, same := nextDisabled(now, it)
	if same {
		o.Result, o.Message = ResultUnchanged, "the service plans are so already"
		return o
	}
	o.Result = ResultPending
	o.GroupChange = &extract.GroupLicenseChange{GroupID: it.GroupID, Remove: []string{},
		Add: []extract.AssignedLicense{{SkuID: it.SkuID, DisabledPlans: next}}}
	o.UndoGroup = &UndoGroup{Tenant: it.Tenant, GroupID: it.GroupID, Reason: it.Reason, PlansOnly: true,
		Restore: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: nonNil(now)}}}
	return o
}

// DecideGroupRemove compares a planned removal of a SKU from a licence
// group (an unassign item with GroupID) with the group's licences read
// live: the SKU leaves the group (and every member holding it no other
// way), and undo gives it back with the plans disabled now. A group not
// carrying the SKU is left alone.
func DecideGroupRemove(it Item, live extract.GroupLicenseResult) Outcome {
	o := Outcome{Item: it, Op: OpRemove, GroupIDs: []string{it.GroupID}}
	l, ok := groupCarrying(&o, live)
	if !ok {
		return o
	}
	o.Result = ResultPending
	o.GroupChange = &extract.GroupLicenseChange{GroupID: it.GroupID, Remove: []string{it.SkuID}, Add: []extract.AssignedLicense{}}
	o.UndoGroup = &UndoGroup{Tenant: it.Tenant, GroupID: it.GroupID, Reason: it.Reason,
		Restore: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: nonNil(l.DisabledPlans)}}}
	return o
}

// groupCarrying is the licence of o's SKU that the group read live
// carries; without one (or without a read) it settles o and says so.
func groupCarrying(o *Outcome, live extract.GroupLicenseResult) (extract.AssignedLicense, bool) {
	if failedGroupRead(o, live) {
		return extract.AssignedLicense{}, false
	}
	l, ok := carried(live.Group, o.Item.SkuID)
	if !ok {
		o.Result, o.Message = ResultNotAssigned, "the group does not carry this SKU"
	}
	return l, ok
}

// carried finds sku among the group's licences.
func carried(g extract.Group, sku string) (extract.AssignedLicense, bool) {
	i := slices.IndexFunc(g.AssignedLicenses, func(l extract.AssignedLicense) bool { return strings.EqualFold(l.SkuID, sku) })
	if i < 0 {
		return extract.AssignedLicense{}, false
	}
	return g.AssignedLicenses[i], true
}

// failedGroupRead marks o failed when the live read of its group failed,
// and reports whether it did.
func failedGroupRead(o *Outcome, live extract.GroupLicenseResult) bool {
	if live.OK() {
		return false
	}
	o.Result, o.Status, o.Code = ResultFailed, live.Status, live.Code
	o.Message = "read the group's licences: " + live.Message
	return true
}

// DecideMembership turns a remove item whose SKU the user holds only
// through groups (live, the read of it.UserID) into taking the user out
// of those groups (reclaim apply --group-membership). It is refused when
// one of the groups also gives the user another SKU that the user holds no
// other way: the membership would take that licence too.
func DecideMembership(it Item, live extract.LicenseResult) Outcome {
	h := holdingOf(live.User, it.SkuID)
	o := Outcome{Item: it, Op: OpRemoveMembership, GroupIDs: h.groups}
	if !live.OK() || !h.held || h.direct || len(h.groups) == 0 {
		return Decide(OpRemove, it, live, false) // not group-only: as reclaim apply decides it
	}
	states := live.User.LicenseAssignmentStates
	for _, g := range h.groups {
		for _, s := range states {
			if !strings.EqualFold(s.AssignedByGroup, g) || strings.EqualFold(s.SkuID, it.SkuID) {
				continue
			}
			otherwise := slices.ContainsFunc(states, func(t extract.LicenseAssignmentState) bool {
				return strings.EqualFold(t.SkuID, s.SkuID) && !containsFold(h.groups, t.AssignedByGroup)
			})
			if !otherwise {
				o.Refuse("group %s also gives the user SKU %s, held no other way: removing the membership would take that licence too", g, s.SkuID)
				return o
			}
		}
	}
	for _, g := range h.groups {
		o.Members = append(o.Members, extract.MemberRemoval{GroupID: g, UserID: it.UserID})
	}
	o.Result = ResultPending
	o.UndoMembership = &UndoMembership{Tenant: it.Tenant, UserID: it.UserID, GroupIDs: h.groups,
		SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, Reason: it.Reason}
	return o
}

// DecideUndoGroup compares one group undo entry with the group's licences
// read live, in one call: each SKU the apply added that the group still
// carries is removed, and each SKU the apply took or changed is given back
// with its disabled plans as they were. For a PlansOnly entry (plans
// --group) a SKU the group no longer carries is left alone: someone took
// it since, and adding it would license every member. Nothing else of
// the group is touched.
func DecideUndoGroup(g UndoGroup, live extract.GroupLicenseResult) Outcome {
	l := g.first()
	o := Outcome{Op: OpUndo, Item: Item{Tenant: g.Tenant, GroupID: g.GroupID, SkuID: l.SkuID, SkuPartNumber: l.SkuPartNumber,
		Reason: g.Reason}, GroupIDs: []string{g.GroupID}}
	if failedGroupRead(&o, live) {
		return o
	}
	ch := extract.GroupLicenseChange{GroupID: g.GroupID, Add: []extract.AssignedLicense{}, Remove: []string{}}
	why := "the group no longer carries this SKU"
	for _, r := range g.RemoveOnUndo {
		if _, ok := carried(live.Group, r.SkuID); ok {
			ch.Remove = append(ch.Remove, r.SkuID)
		}
	}
	for _, r := range g.Restore {
		switch a, ok := carried(live.Group, r.SkuID); {
		case !ok && g.PlansOnly:
			why = "the group no longer carries this SKU: not given back (that would license every member)"
		case ok && samePlans(a.DisabledPlans, r.DisabledPlans):
			why = "the SKU's service plans are as they were"
		default: // taken (given back) or changed (its plans put back)
			ch.Add = append(ch.Add, extract.AssignedLicense{SkuID: r.SkuID, DisabledPlans: nonNil(r.DisabledPlans)})
		}
	}
	if len(ch.Add)+len(ch.Remove) == 0 {
		o.Result, o.Message = ResultUnchanged, why
		return o
	}
	o.Result, o.GroupChange = ResultPending, &ch
	return o
}

// DecideUndoMembership compares one membership undo entry with the user's
// licences read live: the user is added back to each group whose licence
// states no longer show it.
func DecideUndoMembership(m UndoMembership, live extract.LicenseResult) Outcome {
	o := Outcome{Op: OpUndo, Item: Item{Tenant: m.Tenant, UserID: m.UserID, SkuID: m.SkuID, SkuPartNumber: m.SkuPartNumber,
		Reason: m.Reason}}
	if failedRead(&o, live) {
		return o
	}
	for _, g := range m.GroupIDs {
		if !slices.ContainsFunc(live.User.LicenseAssignmentStates, func(s extract.LicenseAssignmentState) bool {
			return strings.EqualFold(s.AssignedByGroup, g)
		}) {
			o.Members = append(o.Members, extract.MemberRemoval{GroupID: g, UserID: m.UserID})
			o.GroupIDs = append(o.GroupIDs, g)
		}
	}
	if len(o.Members) == 0 {
		o.Result, o.GroupIDs, o.Message = ResultUnchanged, m.GroupIDs, "the user is in the groups again (its licence states name them)"
		return o
	}
	o.Result = ResultPending
	return o
}

// readGroups reads, per tenant, the licences of the groups of the open
// outcomes and replaces each with what decide makes of it.
func readGroups(ctx context.Context, clients map[string]Graph, outs []Outcome,
	decide func(Outcome, extract.GroupLicenseResult) Outcome) error {
	for tenant, c := range clients {
		var ids []string
		for _, o := range outs {
			if o.Result == "" && o.Item.Tenant == tenant && o.Item.GroupID != "" && !slices.Contains(ids, o.Item.GroupID) {
				ids = append(ids, o.Item.GroupID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		res, err := c.GroupLicenses(ctx, ids)
		if err != nil {
			return fmt.Errorf("tenant %s: read the groups' licences (nothing was changed): %w", tenant, err)
		}
		live := map[string]extract.GroupLicenseResult{}
		for i, r := range res {
			live[ids[i]] = r
		}
		for i := range outs {
			if outs[i].Result == "" && outs[i].Item.Tenant == tenant && outs[i].Item.GroupID != "" {
				outs[i] = decide(outs[i], live[outs[i].Item.GroupID])
			}
		}
	}
	return nil
}

// groupKey keys a group's member estimate: tenant, group and SKU.
func groupKey(tenant, group, sku string) string {
	return tenant + "/" + strings.ToLower(group) + "/" + strings.ToLower(sku)
}

// groupMembers reads, from the warehouse's latest snapshots, the known
// members of the groups of the pending group assignments, by groupKey.
func (a Applier) groupMembers(ctx context.Context, outs []Outcome) (map[string]load.GroupMembers, error) {
	asked := map[[2]string][]string{} // tenant, SKU -> groups
	for _, o := range outs {
		if o.Result == ResultPending && o.Item.GroupID != "" {
			k := [2]string{o.Item.Tenant, o.Item.SkuID}
			asked[k] = append(asked[k], o.Item.GroupID)
		}
	}
	if len(asked) == 0 {
		return nil, nil
	}
	w, err := a.Warehouse.OpenRead(ctx)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	out := map[string]load.GroupMembers{}
	for k, groups := range asked {
		ms, err := w.LatestGroupMembers(ctx, k[0], k[1], groups)
		if err != nil {
			return nil, fmt.Errorf("count the groups' members to check the free units (nothing was changed): %w", err)
		}
		for _, m := range ms {
			out[groupKey(k[0], m.GroupID, k[1])] = m
		}
	}
	return out, nil
}

// unitsNeeded is how many units a SKU's pending assignments (outcome
// indexes idx) take: the users, plus the known members of the groups that
// hold no unit of it yet (each counted once), and at least one when a
// group has no known member. note says how the groups were counted.
func unitsNeeded(outs []Outcome, idx []int, members map[string]load.GroupMembers) (n int, note string) {
	seen := map[string]bool{}
	for _, i := range idx {
		if id := outs[i].Item.UserID; id != "" {
			seen[strings.ToLower(id)] = true
		}
	}
	users := len(seen)
	var groups, empty []string
	for _, i := range idx {
		it := outs[i].Item
		if it.GroupID == "" {
			continue
		}
		groups = append(groups, it.GroupID)
		m := members[groupKey(it.Tenant, it.GroupID, it.SkuID)]
		if m.Known == 0 {
			empty = append(empty, it.GroupID)
		}
		for _, u := range m.Without {
			seen[strings.ToLower(u)] = true
		}
	}
	if len(groups) == 0 {
		return users, ""
	}
	n = len(seen)
	note = fmt.Sprintf(" (%d for the members of group %s, counted from the latest snapshot)", n-users, strings.Join(groups, ", "))
	if n == 0 && len(empty) > 0 {
		n, note = 1, fmt.Sprintf(" (group %s: no member known in the latest snapshot, at least 1 counted)", strings.Join(empty, ", "))
	}
	return n, note
}

// sendGroupChanges sends each pending group assignLicense call (one per
// group) and settles its outcome.
func sendGroupChanges(ctx context.Context, clients map[string]Graph, outs []Outcome) error {
	var errs error
	for i := range outs {
		o := &outs[i]
		if o.Result != ResultPending || o.GroupChange == nil {
			continue
		}
		r, err := clients[o.Item.Tenant].AssignGroupLicense(ctx, *o.GroupChange)
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("tenant %s: assignLicense of group %s: %w", o.Item.Tenant, o.GroupChange.GroupID, err))
			if r.Status == 0 && r.Code == "" {
				r.Code, r.Message = "NoResponse", "not sent"
			}
		}
		o.Status, o.Code, o.Message, o.Result = r.Status, r.Code, r.Message, ResultOK
		if !r.OK() {
			o.Result = ResultFailed
		}
	}
	return errs
}

// sendMembers sends, per tenant, the pending membership changes of the
// outcomes of operation op (removals for OpRemoveMembership, additions for
// OpUndo) in one batched call and settles each outcome: ok when every one
// of its memberships changed.
func sendMembers(ctx context.Context, clients map[string]Graph, outs []Outcome, op string) error {
	var errs error
	for tenant, c := range clients {
		var ms []extract.MemberRemoval
		var owner []int
		for i, o := range outs {
			if o.Result == ResultPending && o.Op == op && o.Item.Tenant == tenant && len(o.Members) > 0 {
				ms = append(ms, o.Members...)
				for range o.Members {
					owner = append(owner, i)
				}
			}
		}
		if len(ms) == 0 {
			continue
		}
		send, what := c.RemoveGroupMembers, "remove group members"
		if op == OpUndo {
			send, what = c.AddGroupMembers, "add group members back"
		}
		results, err := send(ctx, ms)
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("tenant %s: %s: %w", tenant, what, err))
		}
		for j, i := range owner {
			r := extract.LicenseResult{Code: "NoResponse", Message: "not sent"}
			if j < len(results) {
				r = results[j]
			}
			o := &outs[i]
			if o.Result == ResultFailed {
				continue // an earlier membership of the same outcome failed
			}
			o.Status, o.Result = r.Status, ResultOK
			if !r.OK() {
				o.Result, o.Code, o.Message = ResultFailed, r.Code, fmt.Sprintf("group %s: %s", ms[j].GroupID, r.Message)
			}
		}
	}
	return errs
}

// undoGroups decides the group and membership entries of an undo file
// against the groups' and users' licences read live, connecting to the
// tenants clients lacks.
func (a Applier) undoGroups(ctx context.Context, u *Undo, clients map[string]Graph) ([]Outcome, error) {
	var outs []Outcome
	byGroup, byMember := map[string]UndoGroup{}, map[string]UndoMembership{}
	for _, g := range u.Groups {
		l := g.first()
		byGroup[g.Tenant+"/"+g.GroupID] = g
		outs = append(outs, Outcome{Op: OpUndo, Item: Item{Tenant: g.Tenant, GroupID: g.GroupID, SkuID: l.SkuID, SkuPartNumber: l.SkuPartNumber, Reason: g.Reason}})
	}
	for _, m := range u.Memberships {
		byMember[m.Tenant+"/"+m.UserID+"/"+m.SkuID] = m
		outs = append(outs, Outcome{Op: OpUndo, GroupIDs: m.GroupIDs,
			Item: Item{Tenant: m.Tenant, UserID: m.UserID, SkuID: m.SkuID, SkuPartNumber: m.SkuPartNumber, Reason: m.Reason}})
	}
	if len(outs) == 0 {
		return nil, nil
	}
	if err := a.moreClients(ctx, clients, outs); err != nil {
		return nil, err
	}
	if err := readGroups(ctx, clients, outs, func(o Outcome, live extract.GroupLicenseResult) Outcome {
		return DecideUndoGroup(byGroup[o.Item.Tenant+"/"+o.Item.GroupID], live)
	}); err != nil {
		return nil, err
	}
	err := readLive(ctx, clients, outs, func(o Outcome, live extract.LicenseResult) []Outcome {
		return []Outcome{DecideUndoMembership(byMember[o.Item.Tenant+"/"+o.Item.UserID+"/"+o.Item.SkuID], live)}
	})
	return outs, err
}
