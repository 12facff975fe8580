package load_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

func TestRunJournal(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	start := time.Date(2025, 3, 2, 3, 0, 0, 0, time.UTC)
	run := load.Run{ID: "run-1", Tenant: "contoso", SnapshotDate: day2, StartedAt: start, Status: "ignored"}
	if err := w.StartRun(ctx, run); err != nil {
		t.Fatalf("StartRun: %v", err)
	}
	got := queryRow(t, w, "SELECT status, snapshot_date, started_at, finished_at FROM etl_runs WHERE run_id = 'run-1'")
	if want := []any{"running", day2, start, nil}; !reflect.DeepEqual(got, want) {
		t.Errorf("after StartRun: got %v, want %v", got, want)
	}
	if err := w.StartRun(ctx, run); err == nil {
		t.Error("StartRun of the same run twice: got no error, want one")
	}
	run.Status, run.Error, run.FinishedAt = "degraded", "usage report: status 503", start.Add(time.Minute)
	run.Users, run.Licenses, run.SKUs, run.Subscriptions, run.Groups, run.ReportRows = 10, 20, 3, 2, 1, 9
	run.ReportRefreshDate, run.GraphRequests, run.GraphThrottled = day1, 40, 2
	if err := w.FinishRun(ctx, run); err != nil {
		t.Fatalf("FinishRun: %v", err)
	}
	got = queryRow(t, w, `SELECT status, error, finished_at, users, licenses, skus, subscriptions, groups,
		report_rows, report_refresh_date, graph_requests, graph_throttled FROM etl_runs WHERE run_id = 'run-1'`)
	want := []any{"degraded", "usage report: status 503", start.Add(time.Minute), int64(10), int64(20), int64(3),
		int64(2), int64(1), int64(9), day1, int64(40), int64(2)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after FinishRun: got %v, want %v", got, want)
	}

	// A run left running by an earlier process (simulated by re-opening)
	// is aborted by the next StartRun of its tenant only.
	for _, r := range []load.Run{
		{ID: "run-2", Tenant: "contoso", SnapshotDate: day2, StartedAt: start},
		{ID: "run-2", Tenant: "fabrikam", SnapshotDate: day2, StartedAt: start},
	} {
		if err := w.StartRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// This process's own live run of another tenant is never aborted.
	if err := w.StartRun(ctx, load.Run{ID: "run-live", Tenant: "northwind", SnapshotDate: day2, StartedAt: start}); err != nil {
		t.Fatal(err)
	}
	if err := w.StartRun(ctx, load.Run{ID: "run-live-2", Tenant: "northwind", SnapshotDate: day2, StartedAt: start}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w2 := mustOpenPath(t, path)
	if err := w2.StartRun(ctx, load.Run{ID: "run-3", Tenant: "contoso", SnapshotDate: day2, StartedAt: start}); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	err := w2.Stream(ctx, "SELECT run_id || '/' || tenant, status FROM etl_runs", nil, func(_ []string, v []any) error {
		status[v[0].(string)] = v[1].(string)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := map[string]string{"run-1/contoso": "degraded", "run-2/contoso": "aborted", "run-2/fabrikam": "running",
		"run-3/contoso": "running", "run-live/northwind": "running", "run-live-2/northwind": "running"}
	if !reflect.DeepEqual(status, wantStatus) {
		t.Errorf("statuses: got %v, want %v", status, wantStatus)
	}
	var msg string
	if err := w2.SQLForTests().QueryRow("SELECT coalesce(error, '') FROM etl_runs WHERE run_id = 'run-2' AND tenant = 'contoso'").Scan(&msg); err != nil {
		t.Fatal(err)
	}
	if msg == "" {
		t.Error("aborted run: got no error text, want one")
	}
}

func TestRunJournalBadInput(t *testing.T) {
	ctx := context.Background()
	w, _ := mustOpen(t)
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"start without id", func() error { return w.StartRun(ctx, load.Run{Tenant: "t", SnapshotDate: day1, StartedAt: day1}) }, "run id"},
		{"start without anything", func() error { return w.StartRun(ctx, load.Run{}) }, "started at"},
		{"finish with bad status", func() error { return w.FinishRun(ctx, load.Run{ID: "r", Tenant: "t", Status: "running"}) }, `status "running"`},
		{"finish unknown run", func() error { return w.FinishRun(ctx, load.Run{ID: "nope", Tenant: "t", Status: "ok"}) }, "no such run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
