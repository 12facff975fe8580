package reclaim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Undo is an undo file: for every user an apply is about to change, the
// direct assignments it will remove as they were (SKU and disabled
// plans, read live from Graph just before), and the SKUs it will add.
type Undo struct {
	Version   int        `json:"version"`
	PlanID    string     `json:"plan_id"`
	ApplyID   string     `json:"apply_id"`
	Operation string     `json:"operation"` // of the apply: remove or replace
	CreatedAt time.Time  `json:"created_at"`
	Users     []UndoUser `json:"users"`
	// Groups are the licence groups an assign --group changed.
	Groups []UndoGroup `json:"groups,omitempty"`
	// Memberships are the group memberships a reclaim apply
	// --group-membership removed.
	Memberships []UndoMembership `json:"memberships,omitempty"`
}

// UndoGroup is one licence group an apply changed: undo removes the SKUs
// it gave the group (assign --group) and gives back, with their disabled
// plans as they were, the SKUs it took (unassign --group) or whose plans
// it switched (plans --group, PlansOnly); it changes nothing else of the
// group.
type UndoGroup struct {
	Tenant       string    `json:"tenant"`
	GroupID      string    `json:"group_id"`
	RemoveOnUndo []License `json:"remove_on_undo,omitempty"`
	Restore      []License `json:"restore,omitempty"`
	// PlansOnly restores only the plans of a SKU the group still
	// carries.
	PlansOnly bool   `json:"plans_only,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// first is the entry's first licence: removed, else restored.
func (g UndoGroup) first() License { return firstLicence(g.RemoveOnUndo, g.Restore) }

// firstLicence is the first licence of the first list that has one.
func firstLicence(lists ...[]License) License {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return License{}
}

// UndoMembership is one user an apply took out of the licensing groups
// that gave it SkuID: undo adds the user back to each group.
type UndoMembership struct {
	Tenant        string   `json:"tenant"`
	UserID        string   `json:"user_id"`
	GroupIDs      []string `json:"group_ids"`
	SkuID         string   `json:"sku_id"`
	SkuPartNumber string   `json:"sku_part_number,omitempty"`
	Reason        string   `json:"reason,omitempty"`
}

// UndoUser is one user's state before the apply.
type UndoUser struct {
	Tenant        string `json:"tenant"`
	UserID        string `json:"user_id"`
	UsageLocation string `json:"usage_location,omitempty"` // as it was; re-assigning needs one
	// Restore are the direct assignments the apply removes, re-assigned
	// by undo with the same disabled plans.
	Restore []License `json:"restore"`
	// RemoveOnUndo are the SKUs the apply adds (replace, assign), removed
	// by undo.
	RemoveOnUndo []License `json:"remove_on_undo,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	// Exact restores each licence's disabled plans even when the user
	// still holds it directly (plans changed them); otherwise a licence
	// held directly again is left as it is.
	Exact bool `json:"exact,omitempty"`
	// UsageLocationSet says the apply set the user's usageLocation (it
	// had none); undo leaves it, as other licences may need it.
	UsageLocationSet bool `json:"usage_location_set,omitempty"`
}

// first is the entry's first licence: restored, else removed.
func (u UndoUser) first() License { return firstLicence(u.Restore, u.RemoveOnUndo) }

// License is a SKU with the service plans disabled in it.
type License struct {
	SkuID         string   `json:"sku_id"`
	SkuPartNumber string   `json:"sku_part_number,omitempty"`
	DisabledPlans []string `json:"disabled_plans"`
}

// WriteUndo writes u to path (mode 0600, never overwriting, synced).
func WriteUndo(path string, u *Undo) error {
	u.Version = planVersion
	for i := range u.Users {
		for j := range u.Users[i].Restore {
			if u.Users[i].Restore[j].DisabledPlans == nil {
				u.Users[i].Restore[j].DisabledPlans = []string{}
			}
		}
	}
	return writeNew(path, u)
}

// ReadUndo reads and checks an undo file.
func ReadUndo(path string) (*Undo, error) {
	var u Undo
	if err := readJSON(path, &u); err != nil {
		return nil, err
	}
	var errs []error
	if u.Version != planVersion {
		errs = append(errs, fmt.Errorf("version: got %d, want %d", u.Version, planVersion))
	}
	if u.PlanID == "" {
		errs = append(errs, errors.New("plan_id: empty"))
	}
	for i, uu := range u.Users {
		if uu.Tenant == "" || uu.UserID == "" || len(uu.Restore)+len(uu.RemoveOnUndo) == 0 {
			errs = append(errs, fmt.Errorf("users[%d]: tenant, user_id and restore or remove_on_undo are required", i))
		}
		for j, l := range uu.Restore {
			if l.SkuID == "" {
				errs = append(errs, fmt.Errorf("users[%d].restore[%d]: sku_id is required", i, j))
			}
		}
		for j, l := range uu.RemoveOnUndo {
			if l.SkuID == "" {
				errs = append(errs, fmt.Errorf("users[%d].remove_on_undo[%d]: sku_id is required", i, j))
			}
		}
	}
	for i, g := range u.Groups {
		noSKU := func(l License) bool { return l.SkuID == "" }
		if g.Tenant == "" || g.GroupID == "" || len(g.RemoveOnUndo)+len(g.Restore) == 0 ||
			slices.ContainsFunc(g.RemoveOnUndo, noSKU) || slices.ContainsFunc(g.Restore, noSKU) {
			errs = append(errs, fmt.Errorf("groups[%d]: tenant, group_id and remove_on_undo or restore (each with sku_id) are required", i))
		}
	}
	for i, m := range u.Memberships {
		if m.Tenant == "" || m.UserID == "" || m.SkuID == "" || len(m.GroupIDs) == 0 || slices.Contains(m.GroupIDs, "") {
			errs = append(errs, fmt.Errorf("memberships[%d]: tenant, user_id, sku_id and group_ids are required", i))
		}
	}
	if len(u.Users)+len(u.Groups)+len(u.Memberships) == 0 {
		errs = append(errs, errors.New("no users, groups or memberships to undo"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("undo file %s: %w", path, err)
	}
	return &u, nil
}
