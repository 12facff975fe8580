package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// More catalogue ids of the simulated tenant.
const (
	simVisio      = "c5928f49-12ba-48f7-ada3-0d743a3601d5"
	simFlowFree   = "f30db892-07e9-47e9-837c-80727f46fd3d"
	simExoFound   = "113feb6c-3fe4-4440-bddc-54d774bf0318" // EXCHANGE_S_FOUNDATION plan
	simVisioPlan  = "663a804f-1c30-4ff0-9915-9db84f0d1cea" // VISIO_CLIENT_SUBSCRIPTION plan
	simUnknownID  = "00000000-0000-4000-8000-000000000000"
	simE3GroupKey = "SG-LIC-M365-E3"
)

var managePerms = append([]string{"User.ReadWrite.All", "GroupMember.ReadWrite.All"}, writePerms...)

// simGroup returns the id of the simulated licence group called name.
func simGroup(t *testing.T, tn *graphsim.Tenant, name string) string {
	t.Helper()
	for _, g := range tn.Groups() {
		if g.DisplayName == name {
			return g.ID
		}
	}
	t.Fatalf("no licence group %s", name)
	return ""
}

// viaGroup: u holds sku through group gid and no other way.
func viaGroup(sku, gid string) func(extract.User) bool {
	return func(u extract.User) bool {
		n := 0
		for _, s := range u.LicenseAssignmentStates {
			if s.SkuID == sku {
				if s.AssignedByGroup != gid || s.State != "Active" {
					return false
				}
				n++
			}
		}
		return n == 1
	}
}

type wantResult struct {
	status int
	code   string
	msg    string
}

func checkResult(t *testing.T, what string, r extract.LicenseResult, want wantResult) {
	t.Helper()
	if r.Status != want.status || r.Code != want.code || !strings.Contains(r.Message, want.msg) {
		t.Errorf("%s: got %d %s %q, want %d %s containing %q", what, r.Status, r.Code, r.Message, want.status, want.code, want.msg)
	}
}

// TestSetUsageLocationsSim sets the usage location of 25 users (two
// batches), then of a country Graph does not know and of an unknown user;
// the located users can then be given a licence.
func TestSetUsageLocationsSim(t *testing.T) {
	obs := &observer{}
	srv, c := startSim(t, 1500, graphsim.ServerOptions{Permissions: managePerms}, obs)
	tn := srv.Tenant()
	users := simUsers(tn, 25, func(u extract.User) bool { return u.UsageLocation == "" })
	if len(users) < 25 {
		t.Fatalf("tenant has %d users without usage location, want 25", len(users))
	}
	var changes []extract.UsageLocationChange
	for _, u := range users {
		changes = append(changes, extract.UsageLocationChange{UserID: u.ID, UsageLocation: "DE"})
	}
	changes = append(changes,
		extract.UsageLocationChange{UserID: users[0].ID, UsageLocation: "XX"},
		extract.UsageLocationChange{UserID: simUnknownID, UsageLocation: "DE"})
	got, err := c.SetUsageLocations(context.Background(), changes)
	if err != nil || len(got) != len(changes) {
		t.Fatalf("SetUsageLocations: got %d results, %v; want %d, nil", len(got), err, len(changes))
	}
	for i, u := range users {
		checkResult(t, "user "+u.ID, got[i], wantResult{http.StatusNoContent, "", ""})
		if loc := tn.User(indexOf(t, tn, u.ID)).UsageLocation; loc != "DE" {
			t.Errorf("user %s: usage location %q, want DE", u.ID, loc)
		}
	}
	checkResult(t, "unknown country", got[25], wantResult{http.StatusBadRequest, "Request_BadRequest", "usageLocation"})
	checkResult(t, "unknown user", got[26], wantResult{http.StatusNotFound, "Request_ResourceNotFound", ""})
	if b := obs.get("batch"); len(b) != 2 {
		t.Errorf("batches sent: got %v, want two (20 and 7)", b)
	}
	read, err := c.UserLicenses(context.Background(), []string{users[0].ID, users[24].ID})
	if err != nil || read[0].User.UsageLocation != "DE" || read[1].User.UsageLocation != "DE" {
		t.Errorf("read back: got %+v, %v; want usage location DE", read, err)
	}
	res, err := c.AssignLicenses(context.Background(), []extract.LicenseChange{{UserID: users[0].ID, Add: []extract.AssignedLicense{{SkuID: simFlowFree}}}})
	if err != nil || !res[0].OK() {
		t.Errorf("assign after setting the usage location: got %+v, %v; want 200", res, err)
	}
}

// TestSetUsageLocationsRefused: a code that is not two upper-case letters,
// or a malformed id, is an error naming the user; nothing is sent.
func TestSetUsageLocationsRefused(t *testing.T) {
	obs := &observer{}
	srv, c := startSim(t, 20, graphsim.ServerOptions{Permissions: managePerms}, obs)
	id := srv.Tenant().User(0).ID
	tests := []struct{ name, user, code, want string }{
		{"lower case", id, "de", `user ` + id + `: "de"`},
		{"three letters", id, "DEU", `"DEU"`},
		{"empty", id, "", `""`},
		{"digit", id, "D1", `"D1"`},
		{"not ASCII", id, "ÄB", `"ÄB"`},
		{"bad user id", "a/b", "DE", `user id "a/b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok := extract.UsageLocationChange{UserID: id, UsageLocation: "FR"}
			_, err := c.SetUsageLocations(context.Background(), []extract.UsageLocationChange{ok, {UserID: tc.user, UsageLocation: tc.code}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %s", err, tc.want)
			}
		})
	}
	if b := obs.get("batch"); len(b) != 0 {
		t.Errorf("batches sent: got %v, want none", b)
	}
}

// TestAssignGroupLicenseSim gives a group a second SKU, then tries Graph's
// refusals; each answer is the result, not an error.
func TestAssignGroupLicenseSim(t *testing.T) {
	srv, c := startSim(t, 1500, graphsim.ServerOptions{Permissions: managePerms}, nil)
	tn := srv.Tenant()
	visio := simGroup(t, tn, "SG-LIC-Visio")
	needing := len(simUsers(tn, tn.UserCount(), func(u extract.User) bool {
		return !holdsSKU(u, simFlowFree) && memberVia(u, visio)
	}))
	before := consumedOf(tn, simFlowFree)
	add := func(sku string, plans ...string) []extract.AssignedLicense {
		return []extract.AssignedLicense{{SkuID: sku, DisabledPlans: plans}}
	}
	tests := []struct {
		name   string
		change extract.GroupLicenseChange
		want   wantResult
	}{
		{"add a SKU", extract.GroupLicenseChange{GroupID: visio, Add: add(simFlowFree)}, wantResult{http.StatusAccepted, "", ""}},
		{"disable a plan", extract.GroupLicenseChange{GroupID: visio, Add: add(simVisio, simVisioPlan)}, wantResult{http.StatusAccepted, "", ""}},
		{"unknown group", extract.GroupLicenseChange{GroupID: simUnknownID, Add: add(simFlowFree)}, wantResult{http.StatusNotFound, "Request_ResourceNotFound", simUnknownID}},
		{"unknown SKU", extract.GroupLicenseChange{GroupID: visio, Add: add(simUnknownID)}, wantResult{http.StatusBadRequest, "Request_BadRequest", "valid company License"}},
		{"Exchange Foundation", extract.GroupLicenseChange{GroupID: visio, Add: add(simVisio, simExoFound)}, wantResult{http.StatusBadRequest, "Request_BadRequest", "cannot be disabled"}},
		{"plan of another SKU", extract.GroupLicenseChange{GroupID: visio, Add: add(simFlowFree, simVisioPlan)}, wantResult{http.StatusBadRequest, "Request_BadRequest", "not part of license"}},
		{"remove a SKU the group lacks", extract.GroupLicenseChange{GroupID: visio, Remove: []string{simE3}}, wantResult{http.StatusBadRequest, "Request_BadRequest", "corresponding license"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.AssignGroupLicense(context.Background(), tc.change)
			if err != nil {
				t.Fatalf("AssignGroupLicense: %v", err)
			}
			checkResult(t, "group "+tc.change.GroupID, r, tc.want)
		})
	}
	if got := consumedOf(tn, simFlowFree) - before; got != int64(needing) || needing == 0 {
		t.Errorf("consumed Power Automate Free moved by %d, want the %d members needing it", got, needing)
	}
	if _, err := c.AssignGroupLicense(context.Background(), extract.GroupLicenseChange{GroupID: "a/b"}); err == nil || !strings.Contains(err.Error(), `group id "a/b"`) {
		t.Errorf("bad group id: got %v, want an error naming it", err)
	}

	e3 := simGroup(t, tn, simE3GroupKey)
	got, err := c.GroupLicenses(context.Background(), []string{visio, simUnknownID, e3})
	if err != nil || len(got) != 3 {
		t.Fatalf("GroupLicenses: got %+v, %v", got, err)
	}
	wantVisio := []extract.AssignedLicense{{SkuID: simVisio, DisabledPlans: []string{simVisioPlan}}, {SkuID: simFlowFree, DisabledPlans: []string{}}}
	if !got[0].OK() || got[0].Group.DisplayName != "SG-LIC-Visio" || !reflect.DeepEqual(got[0].Group.AssignedLicenses, wantVisio) {
		t.Errorf("Visio group: got %+v, want %v", got[0], wantVisio)
	}
	if got[1].Status != http.StatusNotFound || got[1].Code != "Request_ResourceNotFound" || got[1].GroupID != simUnknownID {
		t.Errorf("unknown group: got %+v, want 404 Request_ResourceNotFound", got[1])
	}
	if !got[2].OK() || got[2].Group.ID != e3 || len(got[2].Group.AssignedLicenses) != 1 || got[2].Group.AssignedLicenses[0].SkuID != simE3 {
		t.Errorf("E3 group: got %+v, want SPE_E3 only", got[2])
	}
}

func holdsSKU(u extract.User, sku string) bool {
	for _, l := range u.AssignedLicenses {
		if l.SkuID == sku {
			return true
		}
	}
	return false
}

func memberVia(u extract.User, gid string) bool {
	for _, s := range u.LicenseAssignmentStates {
		if s.AssignedByGroup == gid {
			return true
		}
	}
	return false
}

// TestGroupMembersSim removes 22 members who hold E3 only through their
// group (two batches) and a non-member, then undoes the removals.
func TestGroupMembersSim(t *testing.T) {
	srv, c := startSim(t, 1500, graphsim.ServerOptions{Permissions: managePerms}, nil)
	tn := srv.Tenant()
	e3 := simGroup(t, tn, simE3GroupKey)
	members := simUsers(tn, 22, viaGroup(simE3, e3))
	outsider := simUsers(tn, 1, func(u extract.User) bool { return !memberVia(u, e3) })
	if len(members) < 22 || len(outsider) == 0 {
		t.Fatalf("tenant lacks test users: %d members, %d outsiders", len(members), len(outsider))
	}
	var removals []extract.MemberRemoval
	for _, u := range members {
		removals = append(removals, extract.MemberRemoval{GroupID: e3, UserID: u.ID})
	}
	before := consumedOf(tn, simE3)
	got, err := c.RemoveGroupMembers(context.Background(), append(removals, extract.MemberRemoval{GroupID: e3, UserID: outsider[0].ID}))
	if err != nil || len(got) != len(removals)+1 {
		t.Fatalf("RemoveGroupMembers: got %d results, %v", len(got), err)
	}
	for i, r := range got[:len(removals)] {
		checkResult(t, "remove "+members[i].ID, r, wantResult{http.StatusNoContent, "", ""})
	}
	checkResult(t, "remove a non-member", got[len(removals)], wantResult{http.StatusNotFound, "Request_ResourceNotFound", e3})
	if after := consumedOf(tn, simE3); after != before-int64(len(members)) {
		t.Errorf("consumed E3 after the removals: got %d, want %d", after, before-int64(len(members)))
	}

	got, err = c.AddGroupMembers(context.Background(), append(removals, removals[0]))
	if err != nil || len(got) != len(removals)+1 {
		t.Fatalf("AddGroupMembers: got %d results, %v", len(got), err)
	}
	for i, r := range got[:len(removals)] {
		checkResult(t, "add back "+members[i].ID, r, wantResult{http.StatusNoContent, "", ""})
	}
	checkResult(t, "add a member twice", got[len(removals)], wantResult{http.StatusBadRequest, "Request_BadRequest", "already exist"})
	if after := consumedOf(tn, simE3); after != before {
		t.Errorf("consumed E3 after the undo: got %d, want %d", after, before)
	}
	if u := tn.User(indexOf(t, tn, members[0].ID)); !viaGroup(simE3, e3)(u) {
		t.Errorf("user %s after the undo: got %+v, want E3 through the group again", u.ID, u.LicenseAssignmentStates)
	}
	for _, bad := range []extract.MemberRemoval{{GroupID: "", UserID: members[0].ID}, {GroupID: e3, UserID: "x?y"}} {
		if _, err := c.RemoveGroupMembers(context.Background(), []extract.MemberRemoval{bad}); err == nil {
			t.Errorf("removal %+v: got no error, want one naming the bad id", bad)
		}
	}
}

func indexOf(t *testing.T, tn *graphsim.Tenant, id string) int {
	t.Helper()
	i, ok := tn.Lookup(id)
	if !ok {
		t.Fatalf("Lookup(%s): not found", id)
	}
	return i
}

// TestManageWire checks what Graph receives, on the independent imitation:
// each call's method, relative URL and body inside the $batch.
func TestManageWire(t *testing.T) {
	f := graphtest.New(t)
	var items []map[string]any
	f.Hook = func(p string, _ int, w http.ResponseWriter, r *http.Request) bool {
		if p != "/$batch" {
			return false
		}
		data, _ := io.ReadAll(r.Body)
		var in struct{ Requests []map[string]any }
		_ = json.Unmarshal(data, &in)
		out := []map[string]any{}
		for _, q := range in.Requests {
			items = append(items, q)
			out = append(out, map[string]any{"id": q["id"], "status": 204, "headers": map[string]string{}})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"responses": out})
		return true
	}
	c := newClientWith(t, f, nil, nil)
	const gid, uid = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	ctx := context.Background()
	calls := []struct {
		name string
		call func() error
		want map[string]any
	}{
		{"usage location", func() error {
			_, err := c.SetUsageLocations(ctx, []extract.UsageLocationChange{{UserID: uid, UsageLocation: "DE"}})
			return err
		}, map[string]any{"method": "PATCH", "url": "/users/" + uid, "body": map[string]any{"usageLocation": "DE"}}},
		{"group licence", func() error {
			_, err := c.AssignGroupLicense(ctx, extract.GroupLicenseChange{GroupID: gid, Add: []extract.AssignedLicense{{SkuID: simE3}}})
			return err
		}, map[string]any{"method": "POST", "url": "/groups/" + gid + "/assignLicense",
			"body": map[string]any{"addLicenses": []any{map[string]any{"skuId": simE3, "disabledPlans": []any{}}}, "removeLicenses": []any{}}}},
		{"group read", func() error {
			_, err := c.GroupLicenses(ctx, []string{gid})
			return err
		}, map[string]any{"method": "GET", "url": "/groups/" + gid + "?$select=id,displayName,assignedLicenses"}},
		{"member removal", func() error {
			_, err := c.RemoveGroupMembers(ctx, []extract.MemberRemoval{{GroupID: gid, UserID: uid}})
			return err
		}, map[string]any{"method": "DELETE", "url": "/groups/" + gid + "/members/" + uid + "/$ref"}},
		{"member addition", func() error {
			_, err := c.AddGroupMembers(ctx, []extract.MemberRemoval{{GroupID: gid, UserID: uid}})
			return err
		}, map[string]any{"method": "POST", "url": "/groups/" + gid + "/members/$ref",
			"body": map[string]any{"@odata.id": f.URL() + "/v1.0/directoryObjects/" + uid}}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			items = nil
			if err := tc.call(); err != nil {
				t.Fatalf("call: %v", err)
			}
			if len(items) != 1 {
				t.Fatalf("got %d batch items, want 1", len(items))
			}
			got := items[0]
			for k, v := range tc.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s: got %#v, want %#v", k, got[k], v)
				}
			}
			if _, hasBody := tc.want["body"]; hasBody != (got["headers"] != nil) {
				t.Errorf("headers: got %v, want Content-Type exactly when there is a body", got["headers"])
			}
		})
	}
}
