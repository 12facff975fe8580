package load_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

func TestRecordActions(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	at := time.Date(2026, 5, 4, 10, 11, 12, 0, time.UTC)
	base := load.Action{PlanID: "p1", ApplyID: "a1", At: at, Tenant: "contoso", UserID: guid(1, 1),
		SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Operation: "remove", Reason: "inactive"}
	ok := base
	ok.Result, ok.HTTPStatus = "ok", 200
	group := base
	group.UserID, group.Result, group.GroupIDs = guid(1, 2), "group_only", []string{guid(9, 1), guid(9, 2)}
	failed := base
	failed.UserID, failed.Result, failed.HTTPStatus = guid(1, 3), "failed", 400
	failed.ErrorCode, failed.ErrorMessage = "Request_BadRequest", "License assignment cannot be done for user with invalid usage location."
	licensing := base // a group's licences changed: the group's id in user_id
	licensing.Target, licensing.UserID, licensing.Operation, licensing.Result, licensing.HTTPStatus = "group", guid(9, 3), "assign", "ok", 200
	licensing.GroupIDs, licensing.Reason = []string{guid(9, 3)}, ""
	if err := w.RecordActions(ctx, []load.Action{ok, group, failed, licensing}); err != nil {
		t.Fatalf("RecordActions: %v", err)
	}
	bad := base
	bad.Result = ""
	if err := w.RecordActions(ctx, []load.Action{ok, bad}); err == nil || !strings.Contains(err.Error(), "action 2") {
		t.Errorf("RecordActions without a result: got %v, want an error naming action 2", err)
	}
	bad = base
	bad.Result, bad.Target = "ok", "device"
	if err := w.RecordActions(ctx, []load.Action{bad}); err == nil || !strings.Contains(err.Error(), `target "device"`) {
		t.Errorf("RecordActions with target device: got %v, want an error naming the target", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	err = r.Stream(ctx, `SELECT target, user_id, result, coalesce(http_status, 0), coalesce(error_code, ''),
		coalesce(array_to_string(group_ids, ' '), ''), acted_at, sku_part_number FROM actions ORDER BY result, target`, nil,
		func(_ []string, v []any) error {
			got = append(got, fmt.Sprintf("%v|%v|%v|%v|%v|%v|%v|%v", v...))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	when := at.Format("2006-01-02 15:04:05 +0000 UTC")
	want := []string{
		"user|" + guid(1, 3) + "|failed|400|Request_BadRequest||" + when + "|SPE_E3",
		"user|" + guid(1, 2) + "|group_only|0||" + guid(9, 1) + " " + guid(9, 2) + "|" + when + "|SPE_E3",
		"group|" + guid(9, 3) + "|ok|200||" + guid(9, 3) + "|" + when + "|SPE_E3",
		"user|" + guid(1, 1) + "|ok|200|||" + when + "|SPE_E3",
	}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Errorf("row %d: got %v, want %s", i+1, got, want[i])
			break
		}
	}
	if len(got) != len(want) {
		t.Errorf("rows: got %d, want %d (the refused batch must leave nothing)", len(got), len(want))
	}
	if err := r.RecordActions(ctx, []load.Action{ok}); err == nil {
		t.Error("RecordActions on a read-only warehouse: got nil, want an error")
	}
}
