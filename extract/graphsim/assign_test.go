package graphsim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// Well-known SKU ids of the simulated tenant.
const (
	skuE3      = "05e9a617-0261-4cee-bb44-138d3ef5d965"
	skuExoP2   = "19ec0d23-8335-4cbd-94ac-6050e30712fa"
	skuVisio   = "c5928f49-12ba-48f7-ada3-0d743a3601d5"
	skuPowerBI = "f8a1db68-be16-40ed-86d5-cb42ce701560"
)

// findUser returns the first user matching pred.
func findUser(t *testing.T, tn *graphsim.Tenant, what string, pred func(extract.User) bool) extract.User {
	t.Helper()
	for i := 0; i < tn.UserCount(); i++ {
		if u := tn.User(i); pred(u) {
			return u
		}
	}
	t.Fatalf("no user who %s", what)
	return extract.User{}
}

func holds(u extract.User, sku string) bool {
	for _, l := range u.AssignedLicenses {
		if l.SkuID == sku {
			return true
		}
	}
	return false
}

func direct(u extract.User, sku string) bool {
	for _, s := range u.LicenseAssignmentStates {
		if s.SkuID == sku && s.AssignedByGroup == "" {
			return true
		}
	}
	return false
}

func consumed(tn *graphsim.Tenant, sku string) int64 {
	for _, s := range tn.SKUs() {
		if s.SkuID == sku {
			return s.ConsumedUnits
		}
	}
	return -1
}

type licenceChange struct {
	Add    []map[string]any `json:"addLicenses"`
	Remove []string         `json:"removeLicenses"`
}

func addSKU(sku string) licenceChange {
	return licenceChange{Add: []map[string]any{{"skuId": sku, "disabledPlans": []string{}}}, Remove: []string{}}
}

func removeSKU(sku string) licenceChange {
	return licenceChange{Add: []map[string]any{}, Remove: []string{sku}}
}

func TestAssignLicense(t *testing.T) {
	perms := append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)
	s := startSim(t, 1500, graphsim.ServerOptions{Permissions: perms})
	tok := s.token()
	tn := s.tenant
	located := func(u extract.User) bool { return u.UsageLocation != "" }
	noE3 := findUser(t, tn, "has a usage location and no E3", func(u extract.User) bool { return located(u) && !holds(u, skuE3) })
	directE3 := findUser(t, tn, "holds E3 directly only", func(u extract.User) bool {
		return direct(u, skuE3) && len(u.LicenseAssignmentStates) == 1
	})
	groupOnly := findUser(t, tn, "holds Power BI through a group only", func(u extract.User) bool { return holds(u, skuPowerBI) && !direct(u, skuPowerBI) })
	noLoc := findUser(t, tn, "has no usage location", func(u extract.User) bool { return u.UsageLocation == "" })
	noExo := findUser(t, tn, "has no Exchange Plan 2", func(u extract.User) bool { return located(u) && !holds(u, skuExoP2) })

	tests := []struct {
		name   string
		user   string
		change licenceChange
		status int
		code   string
		msg    string
		sku    string
		delta  int64
	}{
		{"add E3", noE3.ID, addSKU(skuE3), 200, "", "", skuE3, 1},
		{"add E3 again changes nothing", noE3.ID, addSKU(skuE3), 200, "", "", skuE3, 0},
		{"remove direct E3", directE3.UserPrincipalName, removeSKU(skuE3), 200, "", "", skuE3, -1},
		{"remove E3 not held", directE3.ID, removeSKU(skuE3), 400, "Request_BadRequest", "does not have a corresponding license", skuE3, 0},
		{"remove group-only licence", groupOnly.ID, removeSKU(skuPowerBI), 400, "Request_BadRequest", "inherited from a group membership", skuPowerBI, 0},
		{"no usage location", noLoc.ID, addSKU(skuE3), 400, "Request_BadRequest", "invalid usage location", skuE3, 0},
		{"unknown SKU", noE3.ID, addSKU("99999999-9999-4999-8999-999999999999"), 400, "Request_BadRequest", "does not correspond to a valid company License", skuE3, 0},
		{"no free units", noExo.ID, addSKU(skuExoP2), 400, "Request_BadRequest", "does not have any available licenses", skuExoP2, 0},
		{"unknown user", "00000000-0000-4000-8000-000000000000", addSKU(skuE3), 404, "Request_ResourceNotFound", "", skuE3, 0},
		{"removeLicenses missing", noE3.ID, licenceChange{Add: []map[string]any{}}, 400, "Request_BadRequest", "'removeLicenses'", skuE3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := consumed(tn, tc.sku)
			resp, data := s.do(http.MethodPost, "/v1.0/users/"+tc.user+"/assignLicense", tok, tc.change)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, data, tc.status)
			}
			if tc.code != "" && (errorCode(t, data) != tc.code || !strings.Contains(string(data), tc.msg)) {
				t.Errorf("error: got %s, want %s containing %q", data, tc.code, tc.msg)
			}
			if got := consumed(tn, tc.sku) - before; got != tc.delta {
				t.Errorf("consumedUnits moved by %d, want %d", got, tc.delta)
			}
		})
	}
	if u := tn.User(mustLookup(t, tn, noE3.ID)); !holds(u, skuE3) || !direct(u, skuE3) {
		t.Errorf("after add: user %s got %+v, want a direct E3", u.ID, u.AssignedLicenses)
	}
}

func mustLookup(t *testing.T, tn *graphsim.Tenant, key string) int {
	t.Helper()
	i, ok := tn.Lookup(key)
	if !ok {
		t.Fatalf("Lookup(%s): not found", key)
	}
	return i
}

func TestAssignLicenseNeedsPermission(t *testing.T) {
	s := startSim(t, 20, graphsim.ServerOptions{})
	resp, data := s.do(http.MethodPost, "/v1.0/users/"+s.tenant.User(0).ID+"/assignLicense", s.token(), addSKU(skuVisio))
	if resp.StatusCode != http.StatusForbidden || errorCode(t, data) != "Authorization_RequestDenied" {
		t.Errorf("got %d %s, want 403 Authorization_RequestDenied", resp.StatusCode, data)
	}
}

func TestAssignLicenseInBatch(t *testing.T) {
	perms := append([]string{"LicenseAssignment.ReadWrite.All"}, graphsim.DefaultPermissions...)
	s := startSim(t, 300, graphsim.ServerOptions{Permissions: perms})
	u := findUser(t, s.tenant, "holds E3 directly only", func(u extract.User) bool {
		return direct(u, skuE3) && len(u.LicenseAssignmentStates) == 1
	})
	before := consumed(s.tenant, skuE3)
	body := map[string]any{"requests": []map[string]any{{"id": "1", "method": "POST", "url": "/users/" + u.ID + "/assignLicense",
		"headers": map[string]string{"Content-Type": "application/json"}, "body": removeSKU(skuE3)}}}
	resp, data := s.do(http.MethodPost, "/v1.0/$batch", s.token(), body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(data), `"status":200`) {
		t.Fatalf("batch assignLicense: got %d %s, want 200 with an item status 200", resp.StatusCode, data)
	}
	if after := consumed(s.tenant, skuE3); after != before-1 {
		t.Errorf("consumed E3: got %d, want %d", after, before-1)
	}
	if holds(s.tenant.User(mustLookup(t, s.tenant, u.ID)), skuE3) {
		t.Errorf("user %s still holds E3 after removal in a batch", u.ID)
	}
}

// TestAssignLicenseConcurrent changes many users at once; consumed units
// must still equal the users holding each SKU.
func TestAssignLicenseConcurrent(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 400, Seed: 42, Now: fixedNow})
	done := make(chan error)
	for w := 0; w < 8; w++ {
		go func(w int) {
			var err error
			for i := w; i < tn.UserCount(); i += 8 {
				u := tn.User(i)
				switch {
				case u.UsageLocation != "" && !holds(u, skuVisio):
					_, err = tn.AssignLicense(u.ID, []extract.AssignedLicense{{SkuID: skuVisio}}, []string{})
				case direct(u, skuE3):
					_, err = tn.AssignLicense(u.UserPrincipalName, nil, []string{skuE3})
				}
				if err != nil && !strings.Contains(err.Error(), "available licenses") && !strings.Contains(err.Error(), "inherited") {
					break
				}
				err = nil
			}
			done <- err
		}(w)
	}
	for w := 0; w < 8; w++ {
		if err := <-done; err != nil {
			t.Errorf("AssignLicense: %v", err)
		}
	}
	count := map[string]int64{}
	for i := 0; i < tn.UserCount(); i++ {
		for _, l := range tn.User(i).AssignedLicenses {
			count[l.SkuID]++
		}
	}
	for _, s := range tn.SKUs() {
		if s.ConsumedUnits != count[s.SkuID] {
			t.Errorf("%s: consumedUnits %d, want %d users holding it", s.SkuPartNumber, s.ConsumedUnits, count[s.SkuID])
		}
		if s.CapabilityStatus == "Enabled" && s.ConsumedUnits > s.PrepaidUnits.Enabled {
			t.Errorf("%s: consumed %d over enabled %d", s.SkuPartNumber, s.ConsumedUnits, s.PrepaidUnits.Enabled)
		}
	}
}
