package load

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Action is one row of the actions table, the provisioning report: one
// licence change of one user × SKU attempted (or deliberately not
// attempted) by one apply, replace or undo run.
type Action struct {
	PlanID          string
	ApplyID         string
	At              time.Time
	Tenant          string
	Target          string // user, or group: what the row changed ("" is user)
	UserID          string // object id (a group's, for a group row: also in GroupIDs)
	SkuID           string
	SkuPartNumber   string
	Operation       string // remove, replace, assign, plans, undo, remove_membership
	ToSkuID         string // replace: the SKU added
	ToSkuPartNumber string
	Reason          string
	Result          string // ok, failed, group_only, not_assigned, refused, deferred
	HTTPStatus      int    // 0: no Graph answer
	ErrorCode       string
	ErrorMessage    string
	GroupIDs        []string // group_only: the groups that assign the licence; remove_membership: the groups left; a group row: the group
}

const insertAction = `INSERT INTO actions (plan_id, apply_id, acted_at, tenant, user_id, sku_id,
	sku_part_number, operation, to_sku_id, to_sku_part_number, reason, result, http_status,
	error_code, error_message, group_ids, target)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, from_json(?, '["VARCHAR"]'), ?)`

// RecordActions appends actions to the actions table in one transaction:
// all rows or none.
func (w *Warehouse) RecordActions(ctx context.Context, actions []Action) error {
	if w.readOnly {
		return errors.New("record actions: the warehouse is open read-only")
	}
	for i, a := range actions {
		if a.PlanID == "" || a.ApplyID == "" || a.Tenant == "" || a.UserID == "" || a.SkuID == "" || a.Operation == "" || a.Result == "" {
			return fmt.Errorf("record actions: action %d: plan id, apply id, tenant, user id, SKU id, operation and result are required", i+1)
		}
		if a.Target != "" && a.Target != "user" && a.Target != "group" {
			return fmt.Errorf("record actions: action %d: target %q: want user or group", i+1, a.Target)
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record actions: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, insertAction)
	if err != nil {
		return fmt.Errorf("record actions: prepare: %w", err)
	}
	defer stmt.Close()
	for _, a := range actions {
		var groups any
		if len(a.GroupIDs) > 0 {
			b, _ := json.Marshal(a.GroupIDs) // a []string always encodes
			groups = string(b)
		}
		var status any
		if a.HTTPStatus != 0 {
			status = a.HTTPStatus
		}
		at := a.At
		if at.IsZero() {
			at = time.Now()
		}
		if _, err := stmt.ExecContext(ctx, a.PlanID, a.ApplyID, at.UTC(), a.Tenant, a.UserID, a.SkuID,
			str(a.SkuPartNumber), a.Operation, str(a.ToSkuID), str(a.ToSkuPartNumber), str(a.Reason),
			a.Result, status, str(a.ErrorCode), str(a.ErrorMessage), groups, cmp.Or(a.Target, "user")); err != nil {
			return fmt.Errorf("record action for user %s SKU %s: %w", a.UserID, a.SkuID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record actions: commit: %w", err)
	}
	return nil
}
