package load_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

// TestScanActions reads the provisioning report of a window: the actions
// from its first instant up to (not including) its end, newest first,
// with the count ActionsShape gives.
func TestScanActions(t *testing.T) {
	w, _ := mustOpen(t)
	ctx := context.Background()
	at := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	var rows []load.Action
	for i, d := range []int{0, 1, 2, 89, 90} {
		rows = append(rows, load.Action{PlanID: "p", ApplyID: fmt.Sprintf("a%d", i), At: at.AddDate(0, 0, d), Tenant: "contoso",
			UserID: fmt.Sprintf("u-%d", i), SkuID: "sku", SkuPartNumber: "SPE_E3", Operation: "assign", Result: "ok", GroupIDs: []string{"g"}})
	}
	if err := w.RecordActions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	from, to := at.AddDate(0, 0, 1), at.AddDate(0, 0, 90) // days 1..89
	shape, err := w.ActionsShape(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if shape.Rows != 3 || shape.Columns[0] != "acted_at" || shape.Columns[4] != "target" || shape.Columns[5] != "target_id" {
		t.Errorf("shape: got %d rows, columns %v; want 3 rows, acted_at first, target and target_id fifth and sixth", shape.Rows, shape.Columns)
	}
	var users []string
	err = w.ScanActions(ctx, from, to, func(vals []any) error {
		if len(vals) != len(shape.Columns) {
			return fmt.Errorf("%d values, want %d", len(vals), len(shape.Columns))
		}
		users = append(users, fmt.Sprint(vals[5]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(users) != "[u-3 u-2 u-1]" {
		t.Errorf("users: got %v, want [u-3 u-2 u-1] (days 89, 2, 1: newest first, day 90 outside)", users)
	}
}

// TestActionTargetsBefore0011: actions recorded before migration 0011 have
// no target column. Read-only, the provisioning report tells a group row
// (its user_id its only group id) from a user row as 0011 does; opened for
// writing, the migration stores the same targets.
func TestActionTargetsBefore0011(t *testing.T) {
	w, path := mustOpen(t)
	ctx := context.Background()
	at := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	row := func(id, result string, groups ...string) load.Action {
		return load.Action{PlanID: "p", ApplyID: "a-" + id, At: at, Tenant: "contoso", UserID: id, SkuID: "sku",
			Operation: "assign", Result: result, GroupIDs: groups}
	}
	group := row("g-1", "ok", "g-1")
	group.Target = "group"
	if err := w.RecordActions(ctx, []load.Action{row("u-1", "ok"), row("u-2", "group_only", "g-1"), group}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ALTER TABLE actions DROP COLUMN target", "DELETE FROM schema_migrations WHERE version = 11"} {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "[g-1 group u-1 user u-2 user]"
	ro := mustOpenReadOnly(t, path)
	var got []string
	err := ro.ScanActions(ctx, at, at.Add(time.Hour), func(vals []any) error {
		got = append(got, fmt.Sprint(vals[5]), fmt.Sprint(vals[4]))
		return nil
	})
	if err != nil || fmt.Sprint(got) != want {
		t.Errorf("read-only before 0011: got %v, %v; want %s", got, err, want)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	up := mustOpenPath(t, path)
	got = nil
	for _, r := range rowsOf(t, up, "SELECT user_id, target FROM actions ORDER BY user_id") {
		got = append(got, fmt.Sprint(r[0]), fmt.Sprint(r[1]))
	}
	if fmt.Sprint(got) != want {
		t.Errorf("after 0011: got %v, want %s", got, want)
	}
}
