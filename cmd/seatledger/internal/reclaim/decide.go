package reclaim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// Results of an outcome, as recorded in the actions table.
const (
	ResultOK          = "ok"           // Graph made the change
	ResultFailed      = "failed"       // Graph refused it (or never answered)
	ResultGroupOnly   = "group_only"   // held only through groups: change the group
	ResultNotAssigned = "not_assigned" // the user no longer holds the SKU
	ResultUnchanged   = "unchanged"    // undo: already as before
	ResultRefused     = "refused"      // a guard stopped it
	ResultDeferred    = "deferred"     // beyond --max for this run
	ResultPending     = "would_change" // dry run: would be sent
)

// Outcome is what one plan item (or undo licence) comes to.
type Outcome struct {
	Item     Item
	Op       string
	Result   string
	Status   int // Graph's HTTP status, 0 when none
	Code     string
	Message  string
	GroupIDs []string
	// Change is the assignLicense call to make (Result is ResultPending).
	Change *extract.LicenseChange
	// Undo is the user's state to record first (apply only).
	Undo *UndoUser
	// SetLocation is, for assign, the usageLocation to set before the
	// change: the user has none.
	SetLocation string
	// GroupChange is, for a group item, the group's assignLicense call to
	// make (Result is ResultPending); UndoGroup is its undo entry.
	GroupChange *extract.GroupLicenseChange
	UndoGroup   *UndoGroup
	// Members are the memberships to remove (OpRemoveMembership) or, on
	// undo, to add back; UndoMembership is the undo entry of a removal.
	Members        []extract.MemberRemoval
	UndoMembership *UndoMembership
}

// drop clears every change and undo entry of o.
func (o *Outcome) drop() {
	o.Change, o.Undo, o.SetLocation, o.GroupChange, o.UndoGroup, o.Members, o.UndoMembership = nil, nil, "", nil, nil, nil, nil
}

// Refuse marks o refused by a guard.
func (o *Outcome) Refuse(format string, args ...any) {
	o.Result, o.Message = ResultRefused, fmt.Sprintf(format, args...)
	o.drop()
}

// failedRead marks o failed when the live read of its user failed, and
// reports whether it did.
func failedRead(o *Outcome, live extract.LicenseResult) bool {
	if live.OK() {
		return false
	}
	o.Result, o.Status, o.Code = ResultFailed, live.Status, live.Code
	o.Message = "read the user's licences: " + live.Message
	return true
}

// holding is how a user holds one SKU right now.
type holding struct {
	held, direct  bool
	disabledPlans []string // of the direct assignment
	groups        []string
}

func holdingOf(u extract.User, skuID string) holding {
	var h holding
	for _, l := range u.AssignedLicenses {
		if l.SkuID == skuID {
			h.held, h.disabledPlans = true, l.DisabledPlans
		}
	}
	stated := false
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID != skuID {
			continue
		}
		h.held, stated = true, true
		if s.AssignedByGroup == "" {
			h.direct, h.disabledPlans = true, s.DisabledPlans
		} else {
			h.groups = append(h.groups, s.AssignedByGroup)
		}
	}
	if h.held && !stated { // no assignment states returned: assignedLicenses is all there is
		h.direct = true
	}
	return h
}

// Decide compares a planned item with the user's licences read live
// (live must be the read of it.UserID) and returns what to do. A removal
// from a user without usageLocation is refused unless allowNoLocation:
// Graph re-assigns no licence to such a user, so an undo would fail. (A
// replace needs no such guard: Graph refuses its add, and with it the
// whole call.)
func Decide(op string, it Item, live extract.LicenseResult, allowNoLocation bool) Outcome {
	o := Outcome{Item: it, Op: op}
	if failedRead(&o, live) {
		return o
	}
	h := holdingOf(live.User, it.SkuID)
	switch {
	case !h.held:
		o.Result, o.Message = ResultNotAssigned, "the user no longer holds this SKU"
		return o
	case !h.direct:
		o.Result, o.GroupIDs = ResultGroupOnly, h.groups
		o.Message = "held only through groups: remove the user from the group, or the licence from the group"
		return o
	}
	if op == OpRemove && live.User.UsageLocation == "" && !allowNoLocation {
		o.Refuse("the user has no usageLocation, so an undo could not re-assign the licence: set one, or pass --allow-no-usage-location")
		return o
	}
	ch := extract.LicenseChange{UserID: it.UserID, Remove: []string{it.SkuID}}
	undo := UndoUser{Tenant: it.Tenant, UserID: it.UserID, UsageLocation: live.User.UsageLocation, Reason: it.Reason,
		Restore: []License{{SkuID: it.SkuID, SkuPartNumber: it.SkuPartNumber, DisabledPlans: h.disabledPlans}}}
	if op == OpReplace {
		if holdingOf(live.User, it.ToSkuID).held {
			o.Refuse("the user already holds %s", it.ToSkuPartNumber)
			return o
		}
		ch.Add = []extract.AssignedLicense{{SkuID: it.ToSkuID}}
		undo.RemoveOnUndo = []License{{SkuID: it.ToSkuID, SkuPartNumber: it.ToSkuPartNumber}}
	}
	o.Result, o.Change, o.Undo = ResultPending, &ch, &undo
	return o
}

// DecideUndo compares one undo entry with the user's licences read live:
// each licence to restore that the user does not hold directly (or, for an
// Exact entry, holds with other disabled plans) is added back with its
// recorded disabled plans, and each SKU the apply added that the user
// holds directly is removed: with the restores in the same call (replace),
// or on its own when there is nothing to restore (assign). One outcome per
// licence restored, or per licence removed when none is.
func DecideUndo(u UndoUser, live extract.LicenseResult) []Outcome {
	var out []Outcome
	ch := extract.LicenseChange{UserID: u.UserID}
	outcome := func(l License) Outcome {
		o := Outcome{Op: OpUndo, Item: Item{Tenant: u.Tenant, UserID: u.UserID, SkuID: l.SkuID,
			SkuPartNumber: l.SkuPartNumber, Reason: u.Reason}}
		failedRead(&o, live)
		return o
	}
	for _, l := range u.Restore {
		o := outcome(l)
		if len(u.RemoveOnUndo) > 0 {
			o.Item.ToSkuID, o.Item.ToSkuPartNumber = u.RemoveOnUndo[0].SkuID, u.RemoveOnUndo[0].SkuPartNumber
		}
		if o.Result == "" {
			h := holdingOf(live.User, l.SkuID)
			switch {
			case h.direct && !u.Exact:
				o.Result, o.Message = ResultUnchanged, "the user holds this SKU directly again"
			case h.direct && samePlans(h.disabledPlans, l.DisabledPlans):
				o.Result, o.Message = ResultUnchanged, "the SKU's service plans are as they were"
			default:
				ch.Add = append(ch.Add, extract.AssignedLicense{SkuID: l.SkuID, DisabledPlans: nonNil(l.DisabledPlans)})
				o.Result = ResultPending
			}
		}
		out = append(out, o)
	}
	for _, l := range u.RemoveOnUndo {
		direct := live.OK() && holdingOf(live.User, l.SkuID).direct
		if len(u.Restore) > 0 {
			if len(ch.Add) > 0 && direct {
				ch.Remove = append(ch.Remove, l.SkuID)
			}
			continue
		}
		o := outcome(l)
		switch {
		case o.Result != "":
		case !direct:
			o.Result, o.Message = ResultUnchanged, "the user no longer holds this SKU directly"
		default:
			ch.Remove = append(ch.Remove, l.SkuID)
			o.Result = ResultPending
		}
		out = append(out, o)
	}
	if len(ch.Add)+len(ch.Remove) == 0 {
		return out
	}
	for i := range out {
		if out[i].Result == ResultPending {
			out[i].Change = &ch
		}
	}
	return out
}

// samePlans reports whether two lists of service plan ids hold the same
// plans, whatever their order and case.
func samePlans(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, len(l))
		for i, p := range l {
			out[i] = strings.ToLower(p)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// Merge groups the pending outcomes by tenant and user into one
// assignLicense call each (Graph applies one call atomically; two calls
// for one user in one batch could race). It returns the calls per tenant
// and, for each call, the indexes of the outcomes it answers.
func Merge(outs []Outcome) map[string][]Call {
	calls := map[string][]Call{}
	at := map[[2]string]int{}
	for i := range outs {
		o := &outs[i]
		if o.Result != ResultPending || o.Change == nil {
			continue
		}
		k := [2]string{o.Item.Tenant, o.Change.UserID}
		j, ok := at[k]
		if !ok {
			j = len(calls[k[0]])
			at[k] = j
			calls[k[0]] = append(calls[k[0]], Call{Change: extract.LicenseChange{UserID: o.Change.UserID,
				Add: []extract.AssignedLicense{}, Remove: []string{}}})
		}
		c := &calls[k[0]][j]
		for _, a := range o.Change.Add {
			if !slices.ContainsFunc(c.Change.Add, func(b extract.AssignedLicense) bool { return b.SkuID == a.SkuID }) {
				c.Change.Add = append(c.Change.Add, a)
			}
		}
		for _, r := range o.Change.Remove {
			if !slices.Contains(c.Change.Remove, r) {
				c.Change.Remove = append(c.Change.Remove, r)
			}
		}
		c.Outcomes = append(c.Outcomes, i)
	}
	return calls
}

// Call is one assignLicense call and the outcomes it answers.
type Call struct {
	Change   extract.LicenseChange
	Outcomes []int
}

// Settle records Graph's answer to a call in its outcomes.
func Settle(outs []Outcome, c Call, r extract.LicenseResult) {
	for _, i := range c.Outcomes {
		o := &outs[i]
		o.Status, o.Code, o.Message = r.Status, r.Code, r.Message
		o.Result = ResultOK
		if !r.OK() {
			o.Result = ResultFailed
		}
	}
}
