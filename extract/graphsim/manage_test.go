package graphsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// More ids of the simulated tenant's catalogue.
const (
	skuFlowFree   = "f30db892-07e9-47e9-837c-80727f46fd3d"
	planSway      = "a23b959c-7ce8-4e57-9140-b90eb88a9e97" // in SPE_E3
	planTeams     = "57ff2da0-773e-42df-b2af-ffb7a2317929" // in SPE_E3
	planExoFound  = "113feb6c-3fe4-4440-bddc-54d774bf0318" // EXCHANGE_S_FOUNDATION, in Power BI Pro and Visio
	planVisioOnly = "663a804f-1c30-4ff0-9915-9db84f0d1cea" // VISIO_CLIENT_SUBSCRIPTION
	unknownID     = "00000000-0000-4000-8000-000000000000"
)

var managePerms = append([]string{"LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "GroupMember.ReadWrite.All"},
	graphsim.DefaultPermissions...)

// groupID returns the id of the licence group with the given name.
func groupID(t *testing.T, tn *graphsim.Tenant, name string) string {
	t.Helper()
	for _, g := range tn.Groups() {
		if g.DisplayName == name {
			return g.ID
		}
	}
	t.Fatalf("no licence group %s", name)
	return ""
}

// groupState returns u's licenseAssignmentState of sku from group gid.
func groupState(u extract.User, sku, gid string) (extract.LicenseAssignmentState, bool) {
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID == sku && s.AssignedByGroup == gid {
			return s, true
		}
	}
	return extract.LicenseAssignmentState{}, false
}

// memberOf: u holds (or failed to get) a licence through group gid.
func memberOf(u extract.User, gid string) bool {
	for _, s := range u.LicenseAssignmentStates {
		if s.AssignedByGroup == gid {
			return true
		}
	}
	return false
}

func disabledOf(u extract.User, sku string) []string {
	for _, l := range u.AssignedLicenses {
		if l.SkuID == sku {
			return l.DisabledPlans
		}
	}
	return nil
}

// checkUnits fails unless every SKU's consumedUnits equals the live users
// holding it.
func checkUnits(t *testing.T, tn *graphsim.Tenant, when string) {
	t.Helper()
	count := map[string]int64{}
	for _, i := range tn.LiveUsers() {
		for _, l := range tn.User(i).AssignedLicenses {
			count[l.SkuID]++
		}
	}
	for _, s := range tn.SKUs() {
		if s.ConsumedUnits != count[s.SkuID] {
			t.Errorf("%s: %s consumedUnits %d, want the %d users holding it", when, s.SkuPartNumber, s.ConsumedUnits, count[s.SkuID])
		}
	}
}

func allConsumed(tn *graphsim.Tenant) map[string]int64 {
	out := map[string]int64{}
	for _, s := range tn.SKUs() {
		out[s.SkuID] = s.ConsumedUnits
	}
	return out
}

func free(tn *graphsim.Tenant, sku string) int64 {
	for _, s := range tn.SKUs() {
		if s.SkuID == sku {
			return s.PrepaidUnits.Enabled + s.PrepaidUnits.Warning - s.ConsumedUnits
		}
	}
	return -1
}

// wantError checks an answer's status and, for an error, its Graph
// error code and message.
func wantError(t *testing.T, resp *http.Response, data []byte, status int, code, msg string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("got %d %s, want %d", resp.StatusCode, data, status)
	}
	if status >= 400 && code != "" && (errorCode(t, data) != code || !strings.Contains(string(data), msg)) {
		t.Errorf("error: got %s, want %s containing %q", data, code, msg)
	}
}

func TestSetUsageLocation(t *testing.T) {
	s := startSim(t, 400, graphsim.ServerOptions{Permissions: managePerms})
	tok, tn := s.token(), s.tenant
	noLoc := findUser(t, tn, "has no usage location and no Visio", func(u extract.User) bool { return u.UsageLocation == "" && !holds(u, skuVisio) })
	located := findUser(t, tn, "has a usage location and no Visio", func(u extract.User) bool { return u.UsageLocation != "" && !holds(u, skuVisio) })
	latest := s.deltaRound("/v1.0/users/delta?$deltatoken=latest&$select=id,usageLocation,licenseAssignmentStates", tok, 0)[0].DeltaLink
	tests := []struct {
		name   string
		user   string
		body   any
		status int
		code   string
		msg    string
		want   string // the user's usageLocation after
	}{
		{"set DE", noLoc.ID, map[string]any{"usageLocation": "DE"}, 204, "", "", "DE"},
		{"not a country", noLoc.ID, map[string]any{"usageLocation": "XX"}, 400, "Request_BadRequest", "'usageLocation'", "DE"},
		{"lower case", noLoc.ID, map[string]any{"usageLocation": "de"}, 400, "Request_BadRequest", "'usageLocation'", "DE"},
		{"three letters", noLoc.ID, map[string]any{"usageLocation": "DEU"}, 400, "Request_BadRequest", "'usageLocation'", "DE"},
		{"empty", noLoc.ID, map[string]any{"usageLocation": ""}, 400, "Request_BadRequest", "'usageLocation'", "DE"},
		{"not a string", noLoc.ID, map[string]any{"usageLocation": 49}, 400, "Request_BadRequest", "'usageLocation'", "DE"},
		{"another property", noLoc.ID, map[string]any{"usageLocation": "FR", "department": "Sales"}, 400, "Request_BadRequest", "only 'usageLocation'", "DE"},
		{"by user principal name", noLoc.UserPrincipalName, map[string]any{"usageLocation": "FR"}, 204, "", "", "FR"},
		{"null clears", located.ID, map[string]any{"usageLocation": nil}, 204, "", "", ""},
		{"unknown user", unknownID, map[string]any{"usageLocation": "DE"}, 404, "Request_ResourceNotFound", unknownID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := s.do(http.MethodPatch, "/v1.0/users/"+tc.user, tok, tc.body)
			wantError(t, resp, data, tc.status, tc.code, tc.msg)
			if tc.status == 404 {
				return
			}
			got := s.getJSON("/v1.0/users/"+tc.user+"?$select=usageLocation", tok, http.StatusOK)["usageLocation"]
			if (tc.want == "" && got != nil) || (tc.want != "" && got != tc.want) {
				t.Errorf("usageLocation after: got %v, want %q", got, tc.want)
			}
		})
	}
	// The usage location counts for assignLicense, both ways.
	for _, c := range []struct {
		user   string
		status int
	}{{noLoc.ID, 200}, {located.ID, 400}} {
		resp, data := s.do(http.MethodPost, "/v1.0/users/"+c.user+"/assignLicense", tok, addSKU(skuFlowFree))
		if resp.StatusCode != c.status {
			t.Errorf("assignLicense for %s after PATCH: got %d %s, want %d", c.user, resp.StatusCode, data, c.status)
		}
	}
	// Pages and users/delta show it.
	ids, _, _ := listAll(t, s, tok, "/v1.0/users?$top=999&$select=id,usageLocation")
	if len(ids) != tn.UserCount() || tn.User(mustLookup(t, tn, noLoc.ID)).UsageLocation != "FR" {
		t.Errorf("users after PATCH: got %d users, %s located %q; want %d, FR", len(ids), noLoc.ID, tn.User(mustLookup(t, tn, noLoc.ID)).UsageLocation, tn.UserCount())
	}
	changed, _ := roundItems(t, s.deltaRound(latest, tok, 0))
	want := []string{noLoc.ID, located.ID}
	sort.Strings(want)
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("users/delta after PATCH: got %v, want %v", changed, want)
	}
}

func TestSetUsageLocationBatchAndPermission(t *testing.T) {
	s := startSim(t, 100, graphsim.ServerOptions{Permissions: managePerms})
	u := findUser(t, s.tenant, "has no usage location", func(u extract.User) bool { return u.UsageLocation == "" })
	body := map[string]any{"requests": []map[string]any{{"id": "1", "method": "PATCH", "url": "/users/" + u.ID,
		"headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]string{"usageLocation": "NL"}}}}
	resp, data := s.do(http.MethodPost, "/v1.0/$batch", s.token(), body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(data), `"status":204`) {
		t.Fatalf("batch PATCH: got %d %s, want 200 with an item status 204", resp.StatusCode, data)
	}
	if got := s.tenant.User(mustLookup(t, s.tenant, u.ID)).UsageLocation; got != "NL" {
		t.Errorf("usageLocation after batch PATCH: got %q, want NL", got)
	}
	ro := startSim(t, 20, graphsim.ServerOptions{})
	resp, data = ro.do(http.MethodPatch, "/v1.0/users/"+ro.tenant.User(0).ID, ro.token(), map[string]string{"usageLocation": "DE"})
	wantError(t, resp, data, http.StatusForbidden, "Authorization_RequestDenied", "")
}

// TestUserLicencePlans: adding a held SKU again replaces the direct
// assignment's disabled plans without moving units; Exchange Foundation
// cannot be disabled.
func TestUserLicencePlans(t *testing.T) {
	s := startSim(t, 800, graphsim.ServerOptions{Permissions: managePerms})
	tok, tn := s.token(), s.tenant
	u := findUser(t, tn, "holds E3 directly only", func(u extract.User) bool {
		return direct(u, skuE3) && len(u.LicenseAssignmentStates) == 1 && u.UsageLocation != ""
	})
	with := func(sku string, plans ...string) licenceChange {
		return licenceChange{Add: []map[string]any{{"skuId": sku, "disabledPlans": plans}}, Remove: []string{}}
	}
	tests := []struct {
		name   string
		change licenceChange
		status int
		msg    string
		want   []string // E3's disabled plans after
	}{
		{"disable Teams", with(skuE3, planTeams), 200, "", []string{planTeams}},
		{"replace by Sway", with(skuE3, planSway), 200, "", []string{planSway}},
		{"enable all", with(skuE3), 200, "", []string{}},
		{"plan of another SKU", with(skuE3, planVisioOnly), 400, "is not part of license", []string{}},
		{"Exchange Foundation", with(skuPowerBI, planExoFound), 400, "cannot be disabled", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := allConsumed(tn)
			resp, data := s.do(http.MethodPost, "/v1.0/users/"+u.ID+"/assignLicense", tok, tc.change)
			wantError(t, resp, data, tc.status, "Request_BadRequest", tc.msg)
			after := tn.User(mustLookup(t, tn, u.ID))
			if got := disabledOf(after, skuE3); !reflect.DeepEqual(got, tc.want) || len(after.LicenseAssignmentStates) != 1 {
				t.Errorf("E3 disabled plans: got %v in %+v, want %v on the one direct state", got, after.LicenseAssignmentStates, tc.want)
			}
			if got := allConsumed(tn); !reflect.DeepEqual(got, before) {
				t.Errorf("consumed units: got %v, want %v", got, before)
			}
		})
	}
}

func TestGroupAssignLicenseErrors(t *testing.T) {
	s := startSim(t, 500, graphsim.ServerOptions{Permissions: managePerms})
	tok, tn := s.token(), s.tenant
	gid := groupID(t, tn, "SG-LIC-Visio")
	with := func(sku string, plans ...string) licenceChange {
		return licenceChange{Add: []map[string]any{{"skuId": sku, "disabledPlans": plans}}, Remove: []string{}}
	}
	both := licenceChange{Add: []map[string]any{{"skuId": skuFlowFree, "disabledPlans": []string{}}}, Remove: []string{skuFlowFree}}
	tests := []struct {
		name, method, group string
		change              any
		status              int
		code, msg           string
	}{
		{"unknown group", http.MethodPost, unknownID, addSKU(skuFlowFree), 404, "Request_ResourceNotFound", unknownID},
		{"unknown SKU", http.MethodPost, gid, addSKU(unknownID), 400, "Request_BadRequest", "does not correspond to a valid company License"},
		{"plan not in the SKU", http.MethodPost, gid, with(skuVisio, planSway), 400, "Request_BadRequest", "resource 'Group'"},
		{"Exchange Foundation", http.MethodPost, gid, with(skuVisio, planExoFound), 400, "Request_BadRequest", "cannot be disabled"},
		{"remove a SKU the group lacks", http.MethodPost, gid, removeSKU(skuE3), 400, "Request_BadRequest", "does not have a corresponding license"},
		{"remove an unknown SKU", http.MethodPost, gid, removeSKU(unknownID), 400, "Request_BadRequest", "does not correspond to a valid company License"},
		{"added and removed", http.MethodPost, gid, both, 400, "Request_BadRequest", "both added and removed"},
		{"removeLicenses missing", http.MethodPost, gid, licenceChange{Add: []map[string]any{}}, 400, "Request_BadRequest", "'removeLicenses'"},
		{"GET", http.MethodGet, gid, nil, 405, "Request_BadRequest", "not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, groups := allConsumed(tn), tn.Groups()
			resp, data := s.do(tc.method, "/v1.0/groups/"+tc.group+"/assignLicense", tok, tc.change)
			wantError(t, resp, data, tc.status, tc.code, tc.msg)
			if got := allConsumed(tn); !reflect.DeepEqual(got, before) {
				t.Errorf("consumed units: got %v, want %v", got, before)
			}
			if got := tn.Groups(); !reflect.DeepEqual(got, groups) {
				t.Errorf("groups changed: got %v, want %v", got, groups)
			}
		})
	}
	ro := startSim(t, 20, graphsim.ServerOptions{})
	resp, data := ro.do(http.MethodPost, "/v1.0/groups/"+ro.tenant.Groups()[0].ID+"/assignLicense", ro.token(), addSKU(skuFlowFree))
	wantError(t, resp, data, http.StatusForbidden, "Authorization_RequestDenied", "")
}

// snapshot is every live user, by index.
func snapshot(tn *graphsim.Tenant) map[int]extract.User {
	out := map[int]extract.User{}
	for _, i := range tn.LiveUsers() {
		out[i] = tn.User(i)
	}
	return out
}

// TestGroupLicenceAdd adds a SKU to a group: every member gets it, as far
// as free units go (Visio has 2 free units: the rest fail with
// CountViolation, the later members by index), or all of them (Power
// Automate Free has thousands). Removing the SKU again restores units and
// leaves those holding it otherwise alone.
func TestGroupLicenceAdd(t *testing.T) {
	tests := []struct{ group, sku string }{
		{"SG-LIC-M365-E3", skuVisio},
		{"SG-LIC-Visio", skuFlowFree},
	}
	for _, tc := range tests {
		t.Run(tc.group, func(t *testing.T) {
			s := startSim(t, 2000, graphsim.ServerOptions{Permissions: managePerms})
			tok, tn := s.token(), s.tenant
			gid := groupID(t, tn, tc.group)
			before, units, spare := snapshot(tn), consumed(tn, tc.sku), free(tn, tc.sku)
			var needing []int
			for i, u := range before {
				if memberOf(u, gid) && !holds(u, tc.sku) {
					needing = append(needing, i)
				}
			}
			sort.Ints(needing)
			granted := min(int64(len(needing)), spare)
			if len(needing) < 5 {
				t.Fatalf("group %s: %d members need %s, want a few", tc.group, len(needing), tc.sku)
			}
			t.Logf("%d members need %s, %d units free", len(needing), tc.sku, spare)
			resp, data := s.do(http.MethodPost, "/v1.0/groups/"+gid+"/assignLicense", tok, addSKU(tc.sku))
			if resp.StatusCode != http.StatusAccepted || !strings.Contains(string(data), tc.sku) || resp.Header.Get("Location") == "" {
				t.Fatalf("group assignLicense: got %d %s, want 202 with the group holding %s and a Location", resp.StatusCode, data, tc.sku)
			}
			if got := consumed(tn, tc.sku) - units; got != granted {
				t.Errorf("consumed %s moved by %d, want %d (%d members need it, %d free)", tc.sku, got, granted, len(needing), spare)
			}
			for n, i := range needing {
				st, ok := groupState(tn.User(i), tc.sku, gid)
				want := "Active"
				if int64(n) >= granted {
					want = "Error"
				}
				if !ok || st.State != want || (want == "Error") != (st.Error == "CountViolation") {
					t.Errorf("member %d (%d of %d needing): got state %+v, want %s", i, n+1, len(needing), st, want)
				}
			}
			for i, u := range before {
				if !memberOf(u, gid) && !reflect.DeepEqual(tn.User(i).AssignedLicenses, u.AssignedLicenses) {
					t.Errorf("non-member %d: licences changed from %v to %v", i, u.AssignedLicenses, tn.User(i).AssignedLicenses)
				}
			}
			checkUnits(t, tn, "after the add")
			g := s.getJSON("/v1.0/groups/"+gid+"?$select=id,assignedLicenses", tok, http.StatusOK)
			if !strings.Contains(fmt.Sprint(g["assignedLicenses"]), tc.sku) {
				t.Errorf("GET group: got %v, want %s among its licences", g, tc.sku)
			}

			resp, data = s.do(http.MethodPost, "/v1.0/groups/"+gid+"/assignLicense", tok, removeSKU(tc.sku))
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("group remove: got %d %s, want 202", resp.StatusCode, data)
			}
			if got := consumed(tn, tc.sku); got != units {
				t.Errorf("consumed %s after the removal: got %d, want %d", tc.sku, got, units)
			}
			for i, u := range before {
				if got := tn.User(i); holds(got, tc.sku) != holds(u, tc.sku) {
					t.Errorf("user %d after add and remove: holds %s %t, want %t", i, tc.sku, holds(got, tc.sku), holds(u, tc.sku))
				}
			}
			checkUnits(t, tn, "after the removal")
		})
	}
}

// TestGroupLicencePlans: adding a SKU the group has replaces its disabled
// plans, for every member, without moving units.
func TestGroupLicencePlans(t *testing.T) {
	s := startSim(t, 1500, graphsim.ServerOptions{Permissions: managePerms})
	tok, tn := s.token(), s.tenant
	gid := groupID(t, tn, "SG-LIC-M365-E3")
	only := findUser(t, tn, "holds E3 through SG-LIC-M365-E3 only", func(u extract.User) bool {
		st, ok := groupState(u, skuE3, gid)
		return ok && st.State == "Active" && !direct(u, skuE3) && len(u.LicenseAssignmentStates) == 1
	})
	also := findUser(t, tn, "holds E3 directly and through SG-LIC-M365-E3", func(u extract.User) bool {
		_, ok := groupState(u, skuE3, gid)
		return ok && direct(u, skuE3) && len(disabledOf(u, skuE3)) == 0
	})
	before := allConsumed(tn)
	change := licenceChange{Add: []map[string]any{{"skuId": skuE3, "disabledPlans": []string{planSway}}}, Remove: []string{}}
	if resp, data := s.do(http.MethodPost, "/v1.0/groups/"+gid+"/assignLicense", tok, change); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("group assignLicense: got %d %s, want 202", resp.StatusCode, data)
	}
	if got := allConsumed(tn); !reflect.DeepEqual(got, before) {
		t.Errorf("consumed units: got %v, want %v", got, before)
	}
	g, _ := tn.Group(gid)
	if want := []extract.AssignedLicense{{SkuID: skuE3, DisabledPlans: []string{planSway}}}; !reflect.DeepEqual(g.AssignedLicenses, want) {
		t.Errorf("group licences: got %v, want %v", g.AssignedLicenses, want)
	}
	u := tn.User(mustLookup(t, tn, only.ID))
	if st, _ := groupState(u, skuE3, gid); !reflect.DeepEqual(st.DisabledPlans, []string{planSway}) || !reflect.DeepEqual(disabledOf(u, skuE3), []string{planSway}) {
		t.Errorf("group-only member: got state %+v, licences %v; want Sway disabled", st, u.AssignedLicenses)
	}
	if got := disabledOf(tn.User(mustLookup(t, tn, also.ID)), skuE3); len(got) != 0 {
		t.Errorf("member also holding E3 directly: got %v disabled, want none (the direct assignment enables all)", got)
	}
}

func memberRef(id string) map[string]string {
	return map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + id}
}

// TestGroupMembers removes and adds members of licence groups.
func TestGroupMembers(t *testing.T) {
	s := startSim(t, 1500, graphsim.ServerOptions{Permissions: managePerms})
	tok, tn := s.token(), s.tenant
	e3, exo := groupID(t, tn, "SG-LIC-M365-E3"), groupID(t, tn, "SG-LIC-Exchange-P2")
	only := findUser(t, tn, "holds E3 through SG-LIC-M365-E3 only", func(u extract.User) bool {
		st, ok := groupState(u, skuE3, e3)
		return ok && st.State == "Active" && !direct(u, skuE3) && len(u.LicenseAssignmentStates) == 1
	})
	also := findUser(t, tn, "holds E3 directly and through SG-LIC-M365-E3", func(u extract.User) bool {
		_, ok := groupState(u, skuE3, e3)
		return ok && direct(u, skuE3)
	})
	outsider := findUser(t, tn, "holds no Exchange Plan 2", func(u extract.User) bool { return !holds(u, skuExoP2) && !memberOf(u, exo) })
	type req struct {
		method, path string
		body         any
	}
	del := func(g, u string) req {
		return req{http.MethodDelete, "/v1.0/groups/" + g + "/members/" + u + "/$ref", nil}
	}
	add := func(g string, body any) req { return req{http.MethodPost, "/v1.0/groups/" + g + "/members/$ref", body} }
	tests := []struct {
		name      string
		req       req
		status    int
		code, msg string
		user, sku string
		delta     int64
		holds     bool   // user holds sku after
		state     string // user's state of sku from the group after ("" none)
	}{
		{"remove a group-only member", del(e3, only.ID), 204, "", "", only.ID, skuE3, -1, false, ""},
		{"remove a non-member", del(e3, only.ID), 404, "Request_ResourceNotFound", e3, only.ID, skuE3, 0, false, ""},
		{"add back", add(e3, memberRef(only.ID)), 204, "", "", only.ID, skuE3, 1, true, "Active"},
		{"add a member", add(e3, memberRef(only.ID)), 400, "Request_BadRequest", "already exist", only.ID, skuE3, 0, true, "Active"},
		{"remove a member holding it directly too", del(e3, also.ID), 204, "", "", also.ID, skuE3, 0, true, ""},
		{"add with no free unit", add(exo, memberRef(outsider.ID)), 204, "", "", outsider.ID, skuExoP2, 0, false, "Error"},
		{"remove the failed member", del(exo, outsider.ID), 204, "", "", outsider.ID, skuExoP2, 0, false, ""},
		{"add by users reference", add(e3, map[string]string{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + also.ID}),
			204, "", "", also.ID, skuE3, 0, true, "Active"},
		{"bad reference", add(e3, map[string]string{"@odata.id": "not-a-url"}), 400, "Request_BadRequest", "Invalid object identifier", only.ID, skuE3, 0, true, "Active"},
		{"add an unknown user", add(e3, memberRef(unknownID)), 404, "Request_ResourceNotFound", unknownID, only.ID, skuE3, 0, true, "Active"},
		{"remove from an unknown group", del(unknownID, only.ID), 404, "Request_ResourceNotFound", unknownID, only.ID, skuE3, 0, true, "Active"},
		{"GET a member reference", req{http.MethodGet, "/v1.0/groups/" + e3 + "/members/" + only.ID + "/$ref", nil},
			405, "Request_BadRequest", "not allowed", only.ID, skuE3, 0, true, "Active"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := consumed(tn, tc.sku)
			resp, data := s.do(tc.req.method, tc.req.path, tok, tc.req.body)
			wantError(t, resp, data, tc.status, tc.code, tc.msg)
			if got := consumed(tn, tc.sku) - before; got != tc.delta {
				t.Errorf("consumed units moved by %d, want %d", got, tc.delta)
			}
			u := tn.User(mustLookup(t, tn, tc.user))
			gid := e3
			if tc.sku == skuExoP2 {
				gid = exo
			}
			st, _ := groupState(u, tc.sku, gid)
			if holds(u, tc.sku) != tc.holds || st.State != tc.state {
				t.Errorf("user %s: holds %t with group state %q, want %t and %q", u.ID, holds(u, tc.sku), st.State, tc.holds, tc.state)
			}
		})
	}
	checkUnits(t, tn, "after the membership changes")
}

func TestGroupMembersInBatch(t *testing.T) {
	s := startSim(t, 600, graphsim.ServerOptions{Permissions: managePerms})
	gid := groupID(t, s.tenant, "SG-LIC-M365-E3")
	u := findUser(t, s.tenant, "is a member of SG-LIC-M365-E3", func(u extract.User) bool { return memberOf(u, gid) })
	body := map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "DELETE", "url": "/groups/" + gid + "/members/" + u.ID + "/$ref"},
		{"id": "2", "method": "POST", "url": "/groups/" + gid + "/members/$ref", "headers": map[string]string{"Content-Type": "application/json"}, "body": memberRef(u.ID)},
		{"id": "3", "method": "GET", "url": "/groups/" + gid + "?$select=id,displayName,assignedLicenses"},
		{"id": "4", "method": "GET", "url": "/groups/" + unknownID},
	}}
	resp, data := s.do(http.MethodPost, "/v1.0/$batch", s.token(), body)
	var out struct {
		Responses []struct {
			ID     string         `json:"id"`
			Status int            `json:"status"`
			Body   map[string]any `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(data, &out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("batch: got %d %s (%v), want 200", resp.StatusCode, data, err)
	}
	want := map[string]int{"1": 204, "2": 204, "3": 200, "4": 404}
	for _, r := range out.Responses {
		if r.Status != want[r.ID] {
			t.Errorf("item %s: got %d %v, want %d", r.ID, r.Status, r.Body, want[r.ID])
		}
		if r.ID == "3" && (r.Body["displayName"] != "SG-LIC-M365-E3" || len(r.Body) != 4) {
			t.Errorf("GET group: got %v, want context, id, displayName, assignedLicenses", r.Body)
		}
	}
	if !memberOf(s.tenant.User(mustLookup(t, s.tenant, u.ID)), gid) {
		t.Errorf("user %s: not a member after remove and add", u.ID)
	}
}

// TestGroupChangesKeepUnits runs group, membership, direct and churn
// changes in turn, with readers running alongside (go test -race), and
// checks after each that consumed units equal the users holding each SKU.
func TestGroupChangesKeepUnits(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 3000, Seed: 9, Now: fixedNow})
	e3, visio := groupID(t, tn, "SG-LIC-M365-E3"), groupID(t, tn, "SG-LIC-Visio")
	var visioMembers []int
	for _, i := range tn.LiveUsers() {
		if memberOf(tn.User(i), visio) {
			visioMembers = append(visioMembers, i)
		}
	}
	stop := readAlong(tn)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		checkUnits(t, tn, "after "+what)
	}
	group := func(id string, add []extract.AssignedLicense, remove []string) error {
		_, err := tn.AssignGroupLicense(id, add, remove)
		return err
	}
	must("adding Visio to the E3 group", group(e3, []extract.AssignedLicense{{SkuID: skuVisio}}, []string{}))
	member := findUser(t, tn, "is an E3 group member holding Visio through it", func(u extract.User) bool {
		st, ok := groupState(u, skuVisio, e3)
		return ok && st.State == "Active" && u.UsageLocation != ""
	})
	must("removing a member", tn.RemoveGroupMember(e3, member.ID))
	must("adding a direct licence", func() error {
		_, err := tn.AssignLicense(member.ID, []extract.AssignedLicense{{SkuID: skuFlowFree}}, []string{})
		return err
	}())
	must("adding the member back", tn.AddGroupMember(e3, member.ID))
	must("removing Visio from its own group", group(visio, nil, []string{skuVisio}))
	must("adding Power Automate Free to the Visio group", group(visio, []extract.AssignedLicense{{SkuID: skuFlowFree}}, []string{}))
	must("removing Power Automate Free from it", group(visio, nil, []string{skuFlowFree}))
	must("adding Visio back", group(visio, []extract.AssignedLicense{{SkuID: skuVisio, DisabledPlans: []string{planVisioOnly}}}, []string{}))
	for _, i := range visioMembers { // members stay members while their group assigns nothing
		if !memberOf(tn.User(i), visio) {
			t.Errorf("user %d: no longer in the Visio group after its SKU left and came back", i)
		}
	}
	must("adding Power Automate Free to the E3 group", group(e3, []extract.AssignedLicense{{SkuID: skuFlowFree}}, []string{}))
	stop() // Churn must not run alongside readers
	tn.Churn(0.05, 11)
	checkUnits(t, tn, "after churn")
	stop = readAlong(tn)
	must("removing E3 from the E3 group", group(e3, nil, []string{skuE3}))
	stop()
}

// readAlong reads users in two goroutines until the returned stop is
// called.
func readAlong(tn *graphsim.Tenant) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	n := tn.UserCount()
	for w := range 2 {
		wg.Go(func() {
			for i := w; ; i = (i + 7) % n {
				select {
				case <-done:
					return
				default:
					_ = tn.User(i)
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

// TestGroupChangeShowsInDelta: members whose assignedLicenses a group
// change touches are in the next users/delta round; members refused a
// unit, whose assignedLicenses did not change, are not.
func TestGroupChangeShowsInDelta(t *testing.T) {
	s := startSim(t, 1000, graphsim.ServerOptions{})
	tok, tn := s.token(), s.tenant
	gid := groupID(t, tn, "SG-LIC-M365-E5-Security")
	latest := s.deltaRound("/v1.0/users/delta?$deltatoken=latest&$select=id,assignedLicenses,licenseAssignmentStates", tok, 0)[0].DeltaLink
	if _, err := tn.AssignGroupLicense(gid, []extract.AssignedLicense{{SkuID: skuVisio}}, nil); err != nil {
		t.Fatalf("AssignGroupLicense: %v", err)
	}
	var want []string
	for _, i := range tn.LiveUsers() {
		if u := tn.User(i); memberOf(u, gid) && holds(u, skuVisio) {
			want = append(want, u.ID)
		}
	}
	sort.Strings(want)
	pages := s.deltaRound(latest, tok, 0)
	changed, _ := roundItems(t, pages)
	if len(want) == 0 || !reflect.DeepEqual(changed, want) {
		t.Errorf("users/delta after the group change: got %d users, want the %d members holding Visio", len(changed), len(want))
	}
	// Taking Visio away again touches the same members: those who lose it
	// and those who keep it directly.
	if _, err := tn.AssignGroupLicense(gid, nil, []string{skuVisio}); err != nil {
		t.Fatalf("AssignGroupLicense: %v", err)
	}
	changed, _ = roundItems(t, s.deltaRound(pages[len(pages)-1].DeltaLink, tok, 0))
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("users/delta after the removal: got %d users, want the %d members who held Visio", len(changed), len(want))
	}
}

// BenchmarkGroupChange1M adds a SKU to the biggest licence group of a
// million-user tenant and takes it away again: two passes over every user
// under the tenant lock.
func BenchmarkGroupChange1M(b *testing.B) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1_000_000, Seed: 1, Now: fixedNow})
	gid := tn.Groups()[0].ID
	add := []extract.AssignedLicense{{SkuID: skuFlowFree}}
	for b.Loop() {
		if _, err := tn.AssignGroupLicense(gid, add, []string{}); err != nil {
			b.Fatal(err)
		}
		if _, err := tn.AssignGroupLicense(gid, nil, []string{skuFlowFree}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkUserAfterGroupChanges is BenchmarkUser once four group changes
// are logged: every read of a generated user applies them.
func BenchmarkUserAfterGroupChanges(b *testing.B) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1_000_000, Seed: 1, Now: fixedNow})
	for _, g := range tn.Groups()[:2] {
		if _, err := tn.AssignGroupLicense(g.ID, []extract.AssignedLicense{{SkuID: skuVisio}}, []string{}); err != nil {
			b.Fatal(err)
		}
		if _, err := tn.AssignGroupLicense(g.ID, nil, []string{skuVisio}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = tn.User(i % 1_000_000)
		i += 7919
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}
