// Package reclaim is seatledger's licence actions (reclaim plan, apply,
// replace, undo). The planner selects, from the warehouse's latest
// snapshots or a CSV, exactly which SKU leaves which user and why, and
// writes the plan file. The applier re-checks every row against the
// latest snapshot and the user's licences read live (its guards), writes
// the undo file before the first change, sends the assignLicense calls
// and records every outcome in the actions table; undo re-assigns what an
// apply removed. Graph and the warehouse are reached only through the
// small Graph and Warehouse interfaces of this package.
package reclaim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// Operations of a plan (and of the actions table).
const (
	OpRemove  = "remove"  // remove the SKU
	OpReplace = "replace" // add ToSku and remove the SKU in one assignLicense call
	OpUndo    = "undo"    // re-assign what an apply removed
	OpAssign  = "assign"  // add the SKU (assign), usageLocation set first where missing
	OpPlans   = "plans"   // switch service plans of a held SKU on or off (plans enable|disable)
	// OpRemoveMembership is the operation of a remove row carried out, with
	// --group-membership, by taking the user out of the licensing groups
	// that give the SKU (actions rows and outcomes only; plans say remove).
	OpRemoveMembership = "remove_membership"
)

// ReasonUnassign is the reason of an unassign row: a licence taken by
// hand, from users or groups picked by the selection, not a candidate.
const ReasonUnassign = "unassign"

// ReasonListed is the reason of a row listed in a CSV that is not a
// current candidate, planned with --force-listed.
const ReasonListed = "listed"

// activityReasons are the reasons that rest on the usage report: never
// acted on for a tenant whose report conceals user names.
var activityReasons = []string{"never_used", "inactive"}

// ActivityBased reports whether reason rests on usage data.
func ActivityBased(reason string) bool { return slices.Contains(activityReasons, reason) }

// planVersion is the plan and undo file format version.
const planVersion = 1

// Plan is a plan file: the licence changes one apply may make.
type Plan struct {
	Version   int               `json:"version"`
	ID        string            `json:"plan_id"`
	CreatedAt time.Time         `json:"created_at"`
	Operation string            `json:"operation"` // remove or replace
	Source    string            `json:"source"`    // "candidates", "rightsizing" or "csv:FILE"
	Filters   map[string]string `json:"filters,omitempty"`
	Items     []Item            `json:"items"`
}

// Item is one planned change: SkuID leaves UserID (for replace, ToSkuID
// takes its place), and why. An assign item targets either a user
// (UserID) or a licence group (GroupID), never both.
type Item struct {
	Tenant            string   `json:"tenant"`
	UserID            string   `json:"user_id,omitempty"`
	GroupID           string   `json:"group_id,omitempty"`
	UserPrincipalName string   `json:"user_principal_name,omitempty"`
	SkuID             string   `json:"sku_id"`
	SkuPartNumber     string   `json:"sku_part_number"`
	ToSkuID           string   `json:"to_sku_id,omitempty"`
	ToSkuPartNumber   string   `json:"to_sku_part_number,omitempty"`
	Reason            string   `json:"reason"` // first candidate reason, the rightsizing rule, or "listed"
	Reasons           []string `json:"reasons,omitempty"`
	IdleDays          *int64   `json:"idle_days,omitempty"`
	Action            string   `json:"action,omitempty"` // remove_direct or remove_from_group (as of the snapshot)
	AssignedByGroups  []string `json:"assigned_by_groups,omitempty"`
	Currency          string   `json:"currency,omitempty"`
	AnnualSavings     *float64 `json:"annual_savings,omitempty"`
	CSVLine           int      `json:"csv_line,omitempty"`
	Forced            bool     `json:"forced,omitempty"` // listed, not a current candidate
	// Rule, Confidence and Evidence are, for an item planned from
	// mart_rightsizing (Reason is the rule then), the row's rule, how sure
	// it is (safe or review) and the facts behind it; apply re-checks the
	// row against the latest snapshot.
	Rule       string          `json:"rule,omitempty"`
	Confidence string          `json:"confidence,omitempty"`
	Evidence   json.RawMessage `json:"evidence,omitempty"`
	// DisabledPlans are, for assign, the service plan ids left off in the
	// SKU added.
	DisabledPlans []string `json:"disabled_plans,omitempty"`
	// UsageLocation is, for assign, the usage location to set first when
	// the user has none (from the CSV; else the tenant's
	// default_usage_location at apply).
	UsageLocation string `json:"usage_location,omitempty"`
	// EnablePlans and DisablePlans are, for plans, the service plan ids
	// to switch on and off in the held SKU; every other plan stays as it is.
	EnablePlans  []string `json:"enable_plans,omitempty"`
	DisablePlans []string `json:"disable_plans,omitempty"`
}

// NewID returns a plan (or apply) id: the UTC date and time and 8 random
// hex digits, e.g. 20261123T101500Z-1a2b3c4d.
func NewID(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// Validate checks a plan read from a file.
func (p *Plan) Validate() error {
	var errs []error
	if p.Version != planVersion {
		errs = append(errs, fmt.Errorf("version: got %d, want %d", p.Version, planVersion))
	}
	if p.ID == "" {
		errs = append(errs, errors.New("plan_id: empty"))
	}
	if !slices.Contains([]string{OpRemove, OpReplace, OpAssign, OpPlans}, p.Operation) {
		errs = append(errs, fmt.Errorf("operation: got %q, want remove, replace, assign or plans", p.Operation))
	}
	seen := map[string]int{}
	for i, it := range p.Items {
		switch {
		case it.Tenant == "" || it.SkuID == "" || it.UserID == "" && it.GroupID == "":
			errs = append(errs, fmt.Errorf("items[%d]: tenant, user_id and sku_id are required (group_id instead of user_id for a group)", i))
		case it.UserID != "" && it.GroupID != "":
			errs = append(errs, fmt.Errorf("items[%d]: user_id and group_id are both set: an item has exactly one of them", i))
		case it.GroupID != "" && p.Operation == OpReplace:
			errs = append(errs, fmt.Errorf("items[%d]: group_id is set in a replace plan (replace acts on users only)", i))
		case it.GroupID != "" && it.UsageLocation != "":
			errs = append(errs, fmt.Errorf("items[%d]: usage_location is set on a group item", i))
		case p.Operation == OpReplace && it.ToSkuID == "":
			errs = append(errs, fmt.Errorf("items[%d]: to_sku_id is required to replace", i))
		case p.Operation != OpReplace && it.ToSkuID != "":
			errs = append(errs, fmt.Errorf("items[%d]: to_sku_id is set in a %s plan", i, p.Operation))
		case p.Operation == OpPlans && len(it.EnablePlans)+len(it.DisablePlans) == 0:
			errs = append(errs, fmt.Errorf("items[%d]: a plans item needs enable_plans or disable_plans", i))
		case p.Operation != OpPlans && len(it.EnablePlans)+len(it.DisablePlans) > 0:
			errs = append(errs, fmt.Errorf("items[%d]: enable_plans or disable_plans in a %s plan", i, p.Operation))
		case p.Operation != OpAssign && (len(it.DisabledPlans) > 0 || it.UsageLocation != ""):
			errs = append(errs, fmt.Errorf("items[%d]: disabled_plans or usage_location in a %s plan", i, p.Operation))
		case it.Rule != "" && (it.Forced || it.GroupID != "" || p.Operation != OpRemove && p.Operation != OpReplace):
			errs = append(errs, fmt.Errorf("items[%d]: rule is set on a forced or group item, or in a %s plan (a rightsizing row is a user's remove or replace item)", i, p.Operation))
		}
		key, who := it.Tenant+"/"+it.UserID, "user"
		if it.GroupID != "" {
			key, who = it.Tenant+"/group:"+it.GroupID, "group"
		}
		if j, dup := seen[key+"/"+it.SkuID]; dup {
			errs = append(errs, fmt.Errorf("items[%d]: same tenant, %s and SKU as items[%d]", i, who, j))
		}
		seen[key+"/"+it.SkuID] = i
	}
	return errors.Join(errs...)
}

// WritePlan writes p to path, owner-only, refusing to overwrite a file.
func WritePlan(path string, p *Plan) error {
	p.Version = planVersion
	return writeNew(path, p)
}

// ReadPlan reads and validates a plan file.
func ReadPlan(path string) (*Plan, error) {
	var p Plan
	if err := readJSON(path, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("plan %s: %w", path, err)
	}
	return &p, nil
}

// writeNew writes v as indented JSON to a new file (mode 0600, O_EXCL)
// and syncs it: a plan or undo file is never overwritten, and exists on
// disk before anything else happens.
func writeNew(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}
