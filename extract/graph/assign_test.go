package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// SKU ids of the simulated tenant's catalogue.
const (
	simE3      = "05e9a617-0261-4cee-bb44-138d3ef5d965"
	simE5      = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
	simPowerBI = "f8a1db68-be16-40ed-86d5-cb42ce701560"
)

var writePerms = append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)

// startSim starts the simulator and a client for it.
func startSim(t *testing.T, users int, opts graphsim.ServerOptions, obs *observer) (*graphsim.Server, *graph.Client) {
	t.Helper()
	srv, err := graphsim.NewServer(graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 7, Now: time.Now().UTC()}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := graph.Config{
		TenantID: srv.TenantID(), ClientID: srv.ClientID(), Cloud: "custom",
		AuthorityHost: srv.URL(), GraphEndpoint: srv.URL(),
		Auth:    graph.Auth{Method: graph.AuthClientSecret, ClientSecret: srv.ClientSecret()},
		RootCAs: srv.CertPool(),
	}
	if obs != nil {
		cfg.Observe = obs.observe
	}
	c, err := graph.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// simUsers returns up to n users of the tenant matching pred.
func simUsers(tn *graphsim.Tenant, n int, pred func(extract.User) bool) []extract.User {
	var out []extract.User
	for i := 0; i < tn.UserCount() && len(out) < n; i++ {
		if u := tn.User(i); pred(u) {
			out = append(out, u)
		}
	}
	return out
}

// directOnly: the user holds sku directly and through no group.
func directOnly(sku string) func(extract.User) bool {
	return func(u extract.User) bool {
		direct := false
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == sku {
				if s.AssignedByGroup != "" {
					return false
				}
				direct = true
			}
		}
		return direct
	}
}

func groupOnly(sku string) func(extract.User) bool {
	return func(u extract.User) bool {
		held := false
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == sku {
				if s.AssignedByGroup == "" {
					return false
				}
				held = true
			}
		}
		return held
	}
}

func consumedOf(tn *graphsim.Tenant, sku string) int64 {
	for _, s := range tn.SKUs() {
		if s.SkuID == sku {
			return s.ConsumedUnits
		}
	}
	return -1
}

func remove(id, sku string) extract.LicenseChange {
	return extract.LicenseChange{UserID: id, Remove: []string{sku}}
}

// TestAssignLicensesSim removes E3 from 25 direct holders (two batches),
// and tries a group-only licence, a licence not held, an add for a user
// without usage location and an unknown user: each gets its own answer.
func TestAssignLicensesSim(t *testing.T) {
	srv, c := startSim(t, 1500, graphsim.ServerOptions{Permissions: writePerms}, nil)
	tn := srv.Tenant()
	direct := simUsers(tn, 25, directOnly(simE3))
	group := simUsers(tn, 1, groupOnly(simPowerBI))
	noLoc := simUsers(tn, 1, func(u extract.User) bool { return u.UsageLocation == "" && !directOnly(simE3)(u) })
	if len(direct) < 25 || len(group) == 0 || len(noLoc) == 0 {
		t.Fatalf("tenant lacks test users: %d direct, %d group-only, %d without usage location", len(direct), len(group), len(noLoc))
	}
	var changes []extract.LicenseChange
	for _, u := range direct {
		changes = append(changes, remove(u.ID, simE3))
	}
	changes = append(changes,
		remove(group[0].ID, simPowerBI),
		remove(direct[0].ID, simE3), // removed just before in the same batch
		extract.LicenseChange{UserID: noLoc[0].ID, Add: []extract.AssignedLicense{{SkuID: simE3}}},
		remove("00000000-0000-4000-8000-000000000000", simE3),
	)
	before := consumedOf(tn, simE3)
	got, err := c.AssignLicenses(context.Background(), changes)
	if err != nil {
		t.Fatalf("AssignLicenses: %v", err)
	}
	if len(got) != len(changes) {
		t.Fatalf("got %d results, want %d", len(got), len(changes))
	}
	for i := range direct {
		if !got[i].OK() {
			t.Errorf("remove E3 from %s: got %d %s %s, want 200", got[i].UserID, got[i].Status, got[i].Code, got[i].Message)
		}
	}
	tail := got[len(direct):]
	for i, want := range []struct {
		status int
		msg    string
	}{
		{400, "inherited from a group membership"},
		{400, "does not have a corresponding license"},
		{400, "invalid usage location"},
		{404, ""},
	} {
		r := tail[i]
		if r.Status != want.status || !strings.Contains(r.Message, want.msg) || r.Code == "" {
			t.Errorf("change %d: got %d %s %q, want %d containing %q", len(direct)+i+1, r.Status, r.Code, r.Message, want.status, want.msg)
		}
	}
	if after := consumedOf(tn, simE3); after != before-int64(len(direct)) {
		t.Errorf("consumed E3: got %d, want %d", after, before-int64(len(direct)))
	}
}

// TestAssignLicensesThrottledInBatch: the first three items of the batch
// are answered 429 with Retry-After 1; they are sent again and succeed.
func TestAssignLicensesThrottledInBatch(t *testing.T) {
	obs := &observer{}
	srv, c := startSim(t, 600, graphsim.ServerOptions{Permissions: writePerms, ThrottleFirst: 3, RetryAfter: time.Second}, obs)
	users := simUsers(srv.Tenant(), 5, directOnly(simE3))
	var changes []extract.LicenseChange
	for _, u := range users {
		changes = append(changes, remove(u.ID, simE3))
	}
	got, err := c.AssignLicenses(context.Background(), changes)
	if err != nil {
		t.Fatalf("AssignLicenses: %v", err)
	}
	for _, r := range got {
		if !r.OK() {
			t.Errorf("user %s: got %d %s, want 200 after the retry", r.UserID, r.Status, r.Code)
		}
	}
	statuses := obs.get("assignLicense")
	throttled := 0
	for _, s := range statuses {
		if s == http.StatusTooManyRequests {
			throttled++
		}
	}
	if throttled != 3 || len(statuses) != 8 {
		t.Errorf("assignLicense items observed: got %v, want 5 answers plus 3 throttled ones", statuses)
	}
	if b := obs.get("batch"); len(b) != 2 {
		t.Errorf("batches sent: got %v, want two (the retry round is its own batch)", b)
	}
}

// TestUserLicensesSim reads three users' licence states, one unknown.
func TestUserLicensesSim(t *testing.T) {
	srv, c := startSim(t, 300, graphsim.ServerOptions{}, nil)
	tn := srv.Tenant()
	a, b := tn.User(3), tn.User(7)
	got, err := c.UserLicenses(context.Background(), []string{a.ID, "00000000-0000-4000-8000-000000000000", b.ID})
	if err != nil {
		t.Fatalf("UserLicenses: %v", err)
	}
	for i, want := range []extract.User{a, {}, b} {
		r := got[i]
		if want.ID == "" {
			if r.Status != http.StatusNotFound || r.Code != "Request_ResourceNotFound" {
				t.Errorf("unknown user: got %d %s, want 404 Request_ResourceNotFound", r.Status, r.Code)
			}
			continue
		}
		if !r.OK() || r.User.ID != want.ID || r.User.UsageLocation != want.UsageLocation ||
			fmt.Sprint(r.User.AssignedLicenses) != fmt.Sprint(want.AssignedLicenses) ||
			len(r.User.LicenseAssignmentStates) != len(want.LicenseAssignmentStates) {
			t.Errorf("user %s: got %d %+v, want %+v", want.ID, r.Status, r.User, want)
		}
	}
}

// TestAssignLicensesReplace adds E5 and removes E3 in one call.
func TestAssignLicensesReplace(t *testing.T) {
	srv, c := startSim(t, 800, graphsim.ServerOptions{Permissions: writePerms}, nil)
	tn := srv.Tenant()
	u := simUsers(tn, 1, func(u extract.User) bool {
		return directOnly(simE3)(u) && len(u.AssignedLicenses) == 1 && u.UsageLocation != ""
	})
	if len(u) == 0 {
		t.Fatal("no user with E3 only and a usage location")
	}
	e3, e5 := consumedOf(tn, simE3), consumedOf(tn, simE5)
	got, err := c.AssignLicenses(context.Background(), []extract.LicenseChange{{UserID: u[0].ID,
		Add: []extract.AssignedLicense{{SkuID: simE5}}, Remove: []string{simE3}}})
	if err != nil || !got[0].OK() {
		t.Fatalf("replace: got %+v, %v; want 200", got, err)
	}
	if d3, d5 := consumedOf(tn, simE3)-e3, consumedOf(tn, simE5)-e5; d3 != -1 || d5 != 1 {
		t.Errorf("consumed units moved E3 %+d, E5 %+d; want -1, +1", d3, d5)
	}
}

// TestAssignLicensesNoPermission: every item answers 403; no error for the
// batch itself.
func TestAssignLicensesNoPermission(t *testing.T) {
	srv, c := startSim(t, 100, graphsim.ServerOptions{}, nil)
	got, err := c.AssignLicenses(context.Background(), []extract.LicenseChange{remove(srv.Tenant().User(0).ID, simE3)})
	if err != nil || got[0].Status != http.StatusForbidden || got[0].Code != "Authorization_RequestDenied" {
		t.Errorf("got %+v, %v; want 403 Authorization_RequestDenied", got, err)
	}
}

// TestAssignLicenseWire checks the request Graph receives, on the
// independent imitation: explicit empty lists, at most 20 items per
// $batch, a whole-batch 429 sent again, and a batch failing for good.
func TestAssignLicenseWire(t *testing.T) {
	f := graphtest.New(t)
	var bodies []string
	f.Hook = func(p string, n int, w http.ResponseWriter, r *http.Request) bool {
		if p != "/$batch" {
			return false
		}
		data, _ := io.ReadAll(r.Body)
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			graphtest.WriteGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "slow down")
			return true
		}
		bodies = append(bodies, string(data))
		if n == 4 {
			graphtest.WriteGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges")
			return true
		}
		var in struct{ Requests []struct{ ID string } }
		_ = json.Unmarshal(data, &in)
		out := []map[string]any{}
		for _, q := range in.Requests {
			out = append(out, map[string]any{"id": q.ID, "status": 200, "headers": map[string]string{}, "body": map[string]any{}})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"responses": out})
		return true
	}
	c := newClientWith(t, f, nil, nil)
	changes := make([]extract.LicenseChange, 45)
	for i := range changes {
		changes[i] = remove(fmt.Sprintf("00000000-0000-4000-8000-%012d", i), simE3)
	}
	got, err := c.AssignLicenses(context.Background(), changes)
	if !errors.Is(err, graph.ErrForbidden) {
		t.Fatalf("error: got %v, want ErrForbidden from the third batch", err)
	}
	if len(bodies) != 3 {
		t.Fatalf("batches: got %d bodies, want 3 (20, 20, 5)", len(bodies))
	}
	for i, want := range []int{20, 20, 5} {
		if n := strings.Count(bodies[i], `"method":"POST"`); n != want {
			t.Errorf("batch %d: got %d requests, want %d", i+1, n, want)
		}
	}
	wantItem := `"body":{"addLicenses":[],"removeLicenses":["` + simE3 + `"]}`
	if !strings.Contains(bodies[0], wantItem) {
		t.Errorf("batch 1 body: got %s, want items like %s", bodies[0], wantItem)
	}
	ok := 0
	for _, r := range got {
		if r.OK() {
			ok++
		} else if r.Status != 0 || r.Code != "NoResponse" {
			t.Errorf("unsent change for %s: got %d %s, want 0 NoResponse", r.UserID, r.Status, r.Code)
		}
	}
	if ok != 40 {
		t.Errorf("answered changes: got %d, want 40", ok)
	}
}
