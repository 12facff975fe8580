package sql_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// outcomeWorld is one tenant's state for marts/80_mart_reclaim_outcomes:
// the SKUs' units on the snapshot before the removals and now, the
// licences held now, and the actions recorded.
type outcomeWorld struct {
	before, now map[string][2]int // SKU id -> purchased (active), consumed units
	held        []string          // user/sku held now
	actions     []outcomeAction
	// groupActions are rows of target group (a licence group's SKU
	// changed; user_id holds the group's id).
	groupActions []outcomeAction
}

type outcomeAction struct {
	user, sku, op, result string
	day                   int // days after the base snapshot (2026-11-01)
}

var outcomeBase = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// createOutcomeWorld writes the inputs of the outcomes mart for a
// snapshot taken on 2026-11-20.
func createOutcomeWorld(t *testing.T, db *sql.DB, w outcomeWorld) {
	t.Helper()
	snapshot := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	mustExec(t, db, `CREATE TEMP TABLE stg_snapshots AS SELECT 't' AS tenant, ?::DATE AS snapshot_date, ?::DATE AS as_of`, snapshot, snapshot)
	mustExec(t, db, `CREATE TEMP TABLE param_settings AS SELECT 'USD' AS currency`)
	mustExec(t, db, `CREATE TEMP TABLE stg_skus (tenant VARCHAR, snapshot_date DATE, sku_id VARCHAR, sku_part_number VARCHAR,
		active_units BIGINT, consumed_units BIGINT, unit_price_annual DECIMAL(18,2))`)
	mustExec(t, db, `CREATE TEMP TABLE mart_license_inventory_history (tenant VARCHAR, snapshot_date DATE, sku_id VARCHAR,
		active_units BIGINT, consumed_units BIGINT, unit_price_annual DECIMAL(18,2))`)
	for sku, u := range w.now {
		mustExec(t, db, `INSERT INTO stg_skus VALUES ('t', ?, ?, upper(?), ?, ?, 468)`, snapshot, sku, sku, u[0], u[1])
	}
	for sku, u := range w.before {
		mustExec(t, db, `INSERT INTO mart_license_inventory_history VALUES ('t', ?, ?, ?, ?, 432)`, outcomeBase, sku, u[0], u[1])
	}
	mustExec(t, db, `CREATE TEMP TABLE raw_user_licenses (tenant VARCHAR, snapshot_date DATE, user_id VARCHAR, sku_id VARCHAR)`)
	for _, h := range w.held {
		user, sku, _ := strings.Cut(h, " ")
		mustExec(t, db, `INSERT INTO raw_user_licenses VALUES ('t', ?, ?, ?)`, snapshot, user, sku)
	}
	mustExec(t, db, `CREATE TEMP TABLE actions (plan_id VARCHAR, apply_id VARCHAR, acted_at TIMESTAMPTZ, tenant VARCHAR,
		user_id VARCHAR, sku_id VARCHAR, sku_part_number VARCHAR, operation VARCHAR, to_sku_id VARCHAR,
		to_sku_part_number VARCHAR, reason VARCHAR, result VARCHAR, target VARCHAR)`)
	for i, a := range slices.Concat(w.actions, w.groupActions) {
		target := "user"
		if i >= len(w.actions) {
			target = "group"
		}
		mustExec(t, db, `INSERT INTO actions VALUES ('p', ?, ?, 't', ?, ?, upper(?), ?, NULL, NULL, 'inactive', ?, ?)`,
			fmt.Sprintf("a%02d", i), outcomeBase.AddDate(0, 0, a.day).Add(10*time.Hour), a.user, a.sku, a.sku, a.op, a.result, target)
	}
}

// TestReclaimOutcomes pins each outcome of a reclaimed seat and how a
// SKU's open seats are matched against its units: cut first, then reused,
// then freed, in removal order.
func TestReclaimOutcomes(t *testing.T) {
	remove := func(user, sku string, day int) outcomeAction { return outcomeAction{user, sku, "remove", "ok", day} }
	tests := []struct {
		name string
		w    outcomeWorld
		want []string // user sku outcome realised
	}{
		{"freed: units and consumption as before minus the seat", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 8}},
			actions: []outcomeAction{remove("u1", "e3", 1)}},
			[]string{"u1 e3 freed 0.00"}},
		{"reused: consumed back where it was", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 9}},
			actions: []outcomeAction{remove("u1", "e3", 1)}},
			[]string{"u1 e3 reused 468.00"}},
		{"a licensing group left (--group-membership) frees a seat too", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 8}},
			actions: []outcomeAction{{"u1", "e3", "remove_membership", "ok", 1}}},
			[]string{"u1 e3 freed 0.00"}},
		{"cut at renewal: one unit fewer bought", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {9, 8}},
			actions: []outcomeAction{remove("u1", "e3", 1)}},
			[]string{"u1 e3 cut_at_renewal 468.00"}},
		{"three seats: one cut, one reused, one freed, in removal order", outcomeWorld{
			before: map[string][2]int{"e3": {10, 10}}, now: map[string][2]int{"e3": {9, 8}},
			actions: []outcomeAction{remove("u3", "e3", 3), remove("u1", "e3", 1), remove("u2", "e3", 2)}},
			[]string{"u1 e3 cut_at_renewal 468.00", "u2 e3 reused 468.00", "u3 e3 freed 0.00"}},
		{"given back to the same user", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 9}},
			held: []string{"u1 e3"}, actions: []outcomeAction{remove("u1", "e3", 1)}},
			[]string{"u1 e3 given_back 0.00"}},
		{"undone", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 9}},
			actions: []outcomeAction{remove("u1", "e3", 1), {"u1", "e3", "undo", "ok", 2}}},
			[]string{"u1 e3 undone 0.00"}},
		{"removed again after an undo: the latest removal counts", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 8}},
			actions: []outcomeAction{remove("u1", "e3", 1), {"u1", "e3", "undo", "ok", 2}, remove("u1", "e3", 3)}},
			[]string{"u1 e3 freed 0.00"}},
		{"failed, refused and same-day removals are not seats yet", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 9}},
			actions: []outcomeAction{{"u1", "e3", "remove", "failed", 1}, {"u2", "e3", "remove", "refused", 1}, remove("u3", "e3", 19)}},
			nil},
		{"a SKU gone from subscribedSkus: every unit cut", outcomeWorld{
			before: map[string][2]int{"visio": {2, 2}}, now: map[string][2]int{},
			actions: []outcomeAction{remove("u1", "visio", 1)}},
			[]string{"u1 visio cut_at_renewal 432.00"}},
		{"a SKU taken from a licence group is no user's seat", outcomeWorld{
			before: map[string][2]int{"e3": {10, 9}}, now: map[string][2]int{"e3": {10, 5}},
			groupActions: []outcomeAction{remove("g-1", "e3", 1)}},
			nil},
		{"removed before any snapshot of the SKU: freed", outcomeWorld{
			before: map[string][2]int{}, now: map[string][2]int{"e3": {9, 8}},
			actions: []outcomeAction{remove("u1", "e3", -5)}},
			[]string{"u1 e3 freed 0.00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			createOutcomeWorld(t, db, tc.w)
			runModels(t, db, "utc_date")
			runMarts(t, db, "mart_reclaim_outcomes")
			got := strs(t, db, `SELECT user_id || ' ' || sku_id || ' ' || outcome || ' ' || coalesce(CAST(realised_annual_savings AS VARCHAR), '')
				FROM calc_mart_reclaim_outcomes ORDER BY acted_at`)
			if !slices.Equal(got, tc.want) {
				t.Errorf("outcomes: got %q, want %q", got, tc.want)
			}
		})
	}
}
