package reclaim_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graphsim"
	"github.com/seatledger/seatledger/load"
)

// TestApplyBatchesOfAtMost20 applies plans of 20, 21 and 45 removals
// through the real Graph client against the repository's Graph simulator,
// which, as Graph, refuses a $batch of more than 20 requests: every
// change must succeed, in as many $batch requests as 20 per batch takes
// (one round for the live read, one for assignLicense).
func TestApplyBatchesOfAtMost20(t *testing.T) {
	srv, err := graphsim.NewServer(graphsim.Generate(graphsim.GenOptions{Users: 600, Seed: 7, Now: time.Now().UTC()}),
		graphsim.ServerOptions{Permissions: append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	client, err := graph.New(context.Background(), graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(), Cloud: "custom",
		AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth:    graph.Auth{Method: graph.AuthClientSecret, ClientSecret: srv.ClientSecret()},
		RootCAs: srv.CertPool(),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Users holding E3 directly, through no group, with a usage location.
	var users []extract.User
	tn := srv.Tenant()
	for i := 0; i < tn.UserCount() && len(users) < 86; i++ {
		u := tn.User(i)
		direct, group := false, false
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == e3 {
				direct, group = direct || s.AssignedByGroup == "", group || s.AssignedByGroup != ""
			}
		}
		if direct && !group && u.UsageLocation != "" {
			users = append(users, u)
		}
	}
	if len(users) < 86 {
		t.Fatalf("the simulated tenant has %d direct E3 holders with a usage location; the test needs 86", len(users))
	}
	tests := []struct {
		changes int
		batches int64 // $batch requests: live read and assignLicense
	}{
		{20, 2},
		{21, 4},
		{45, 6},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d changes", tc.changes), func(t *testing.T) {
			todo := users[:tc.changes]
			users = users[tc.changes:]
			dir := t.TempDir()
			wh := &memWarehouse{path: filepath.Join(dir, "seatledger.duckdb"), reports: []load.TenantReport{{Tenant: "contoso"}}}
			p := &reclaim.Plan{ID: "plan-1", Operation: reclaim.OpRemove}
			for _, u := range todo {
				it := item("contoso", u.ID, "disabled_account")
				p.Items = append(p.Items, it)
				wh.cands = append(wh.cands, load.Candidate{Tenant: it.Tenant, UserID: it.UserID, SkuID: it.SkuID, Reason: it.Reason})
			}
			before := srv.Stats().Count("batch", 200)
			a := reclaim.Applier{
				Warehouse: wh,
				Connect: func(context.Context, string) (reclaim.Graph, bool, error) {
					return client, true, nil
				},
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Out: io.Discard,
				Now: func() time.Time { return applyNow },
			}
			err := a.Apply(context.Background(), p, filepath.Join(dir, "plan.json"), reclaim.ApplyOptions{Apply: true, Max: 100})
			if err != nil {
				t.Fatalf("Apply of %d changes: %v", tc.changes, err)
			}
			ok := 0
			for _, r := range wh.actions {
				if r.Result == reclaim.ResultOK {
					ok++
				}
			}
			if ok != tc.changes {
				t.Errorf("%d changes: got %d ok", tc.changes, ok)
			}
			if got := srv.Stats().Count("batch", 200) - before; got != tc.batches {
				t.Errorf("%d changes: got %d $batch requests, want %d", tc.changes, got, tc.batches)
			}
		})
	}
}
