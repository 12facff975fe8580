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
	if shape.Rows != 3 || shape.Columns[0] != "acted_at" || shape.Columns[4] != "user_id" {
		t.Errorf("shape: got %d rows, columns %v; want 3 rows, acted_at first", shape.Rows, shape.Columns)
	}
	var users []string
	err = w.ScanActions(ctx, from, to, func(vals []any) error {
		if len(vals) != len(shape.Columns) {
			return fmt.Errorf("%d values, want %d", len(vals), len(shape.Columns))
		}
		users = append(users, fmt.Sprint(vals[4]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(users) != "[u-3 u-2 u-1]" {
		t.Errorf("users: got %v, want [u-3 u-2 u-1] (days 89, 2, 1: newest first, day 90 outside)", users)
	}
}
