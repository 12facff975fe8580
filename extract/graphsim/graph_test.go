package graphsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestBearerRequired(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{})
	tests := []struct{ name, auth string }{
		{"no token", ""},
		{"garbage", "not-a-jwt"},
		{"forged signature", strings.Join(strings.Split(s.token(), ".")[:2], ".") + ".AAAA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, "/v1.0/users", tc.auth, nil)
			if resp.StatusCode != http.StatusUnauthorized || errorCode(t, data) != "InvalidAuthenticationToken" {
				t.Errorf("got %d %s, want 401 InvalidAuthenticationToken", resp.StatusCode, data)
			}
			if resp.Header.Get("request-id") == "" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("headers: got %v, want request-id and WWW-Authenticate", resp.Header)
			}
		})
	}
}

func TestExpiredToken(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{TokenLifetime: time.Second})
	tok := s.token()
	time.Sleep(1100 * time.Millisecond)
	resp, data := s.do(http.MethodGet, "/v1.0/users", tok, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(data), "expired") {
		t.Errorf("got %d %s, want 401 token expired", resp.StatusCode, data)
	}
}

// listAll follows @odata.nextLink and returns the user ids in order.
func listAll(t *testing.T, s *sim, tok, first string) (ids []string, pages int, nextFirst bool) {
	t.Helper()
	next := first
	for next != "" {
		resp, data := s.do(http.MethodGet, next, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d %s", next, resp.StatusCode, data)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json;odata.metadata=minimal") {
			t.Fatalf("Content-Type: got %q, want application/json;odata.metadata=minimal...", ct)
		}
		var page struct {
			Next  string `json:"@odata.nextLink"`
			Value []struct {
				ID string `json:"id"`
			} `json:"value"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("decode page: %v", err)
		}
		if page.Next != "" && strings.Index(string(data), `"@odata.nextLink"`) < strings.Index(string(data), `"value"`) {
			nextFirst = true
		}
		for _, v := range page.Value {
			ids = append(ids, v.ID)
		}
		pages++
		next = page.Next
	}
	return ids, pages, nextFirst
}

func TestUserPaging(t *testing.T) {
	s := startSim(t, 2500, graphsim.ServerOptions{})
	tok := s.token()
	tests := []struct {
		name      string
		path      string
		wantPages int
	}{
		{"top 999", "/v1.0/users?$top=999&$select=id,displayName", 3},
		{"default page size", "/v1.0/users", 25},
		{"url-encoded options", "/v1.0/users?%24top=500&%24select=id", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, pages, nextFirst := listAll(t, s, tok, tc.path)
			if pages != tc.wantPages || len(ids) != 2500 {
				t.Fatalf("got %d users in %d pages, want 2500 in %d", len(ids), pages, tc.wantPages)
			}
			for i, id := range ids {
				if want := s.tenant.User(i).ID; id != want {
					t.Fatalf("user %d: got id %s, want %s", i, id, want)
				}
			}
			if pages > 2 && !nextFirst {
				t.Errorf("no page put @odata.nextLink before value; want some")
			}
		})
	}
}

func TestUserQueryErrors(t *testing.T) {
	s := startSim(t, 20, graphsim.ServerOptions{})
	tok := s.token()
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/v1.0/users?$top=1000", 400, "Request_UnsupportedQuery"},
		{"/v1.0/users?$top=0", 400, "Request_UnsupportedQuery"},
		{"/v1.0/users?$select=id,shoeSize", 400, "BadRequest"},
		{"/v1.0/users?$skiptoken=forged", 400, "Directory_ExpiredPageToken"},
		{"/v1.0/users?$filter=startswith(displayName,'a')", 400, "Request_UnsupportedQuery"},
		{"/v1.0/users/00000000-0000-4000-8000-000000000000", 404, "Request_ResourceNotFound"},
		{"/v1.0/nothing", 400, "BadRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, tc.path, tok, nil)
			if resp.StatusCode != tc.status || errorCode(t, data) != tc.code {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, data, tc.status, tc.code)
			}
		})
	}
}

func TestUserSelect(t *testing.T) {
	s := startSim(t, 50, graphsim.ServerOptions{})
	tok := s.token()
	sel := strings.Join(extract.UserSelect, ",")
	page := s.getJSON("/v1.0/users?$top=50&$select="+sel, tok, http.StatusOK)
	if got, want := page["@odata.context"], s.srv.URL()+"/v1.0/$metadata#users("+sel+")"; got != want {
		t.Errorf("@odata.context: got %v, want %v", got, want)
	}
	users := page["value"].([]any)
	for i, v := range users {
		u := v.(map[string]any)
		if len(u) != len(extract.UserSelect) {
			t.Errorf("user %d: got %d properties, want %d", i, len(u), len(extract.UserSelect))
		}
		want := s.tenant.User(i)
		if u["userPrincipalName"] != want.UserPrincipalName || u["accountEnabled"] != want.AccountEnabled {
			t.Errorf("user %d: got %v, want %+v", i, u, want)
		}
		if want.UsageLocation == "" && u["usageLocation"] != nil {
			t.Errorf("user %d: usageLocation got %v, want null", i, u["usageLocation"])
		}
		for _, st := range u["licenseAssignmentStates"].([]any) {
			if _, ok := st.(map[string]any)["assignedByGroup"]; !ok {
				t.Errorf("user %d: licenseAssignmentStates entry lacks assignedByGroup", i)
			}
		}
	}
	def := s.getJSON("/v1.0/users?$top=1", tok, http.StatusOK)["value"].([]any)[0].(map[string]any)
	for _, p := range []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"} {
		if _, ok := def[p]; !ok {
			t.Errorf("default properties: %s missing", p)
		}
	}
	if _, ok := def["assignedLicenses"]; ok {
		t.Errorf("default properties: got assignedLicenses, want only Graph's default set")
	}
	one := s.getJSON("/v1.0/users/"+s.tenant.User(7).UserPrincipalName+"?$select=id,department", tok, http.StatusOK)
	if one["id"] != s.tenant.User(7).ID || len(one) != 3 {
		t.Errorf("GET /users/{upn}: got %v, want id, department and @odata.context", one)
	}
}

func TestSmallCollections(t *testing.T) {
	s := startSim(t, 300, graphsim.ServerOptions{})
	tok := s.token()
	skus := s.getJSON("/v1.0/subscribedSkus", tok, http.StatusOK)["value"].([]any)
	if len(skus) != len(s.tenant.SKUs()) {
		t.Fatalf("subscribedSkus: got %d, want %d", len(skus), len(s.tenant.SKUs()))
	}
	first := skus[0].(map[string]any)
	for _, k := range []string{"accountName", "accountId", "appliesTo", "capabilityStatus", "consumedUnits", "id", "prepaidUnits", "servicePlans", "skuId", "skuPartNumber", "subscriptionIds"} {
		if _, ok := first[k]; !ok {
			t.Errorf("subscribedSku: %s missing", k)
		}
	}
	subs := s.getJSON("/v1.0/directory/subscriptions", tok, http.StatusOK)["value"].([]any)
	if len(subs) != len(s.tenant.Subscriptions()) {
		t.Errorf("subscriptions: got %d, want %d", len(subs), len(s.tenant.Subscriptions()))
	}
	groups := s.getJSON("/v1.0/groups?$select=id,displayName,assignedLicenses", tok, http.StatusOK)["value"].([]any)
	if len(groups) != len(s.tenant.Groups()) || len(groups[0].(map[string]any)) != 3 {
		t.Errorf("groups: got %v, want %d groups with 3 properties", groups, len(s.tenant.Groups()))
	}
	settings := s.getJSON("/v1.0/admin/reportSettings", tok, http.StatusOK)
	if settings["displayConcealedNames"] != false {
		t.Errorf("reportSettings: got %v, want displayConcealedNames false", settings)
	}
}

func TestPermissions(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{Permissions: []string{"User.Read.All"}})
	tok := s.token()
	for _, path := range []string{"/v1.0/subscribedSkus", "/v1.0/groups", "/v1.0/admin/reportSettings", "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')"} {
		resp, data := s.do(http.MethodGet, path, tok, nil)
		if resp.StatusCode != http.StatusForbidden || errorCode(t, data) != "Authorization_RequestDenied" {
			t.Errorf("GET %s: got %d %s, want 403 Authorization_RequestDenied", path, resp.StatusCode, data)
		}
	}
	if resp, data := s.do(http.MethodGet, "/v1.0/users", tok, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /users: got %d %s, want 200", resp.StatusCode, data)
	}
}

func TestReportSettingsPatch(t *testing.T) {
	s := startSim(t, 10, graphsim.ServerOptions{Permissions: append([]string{"ReportSettings.ReadWrite.All"}, graphsim.DefaultPermissions...)})
	tok := s.token()
	resp, data := s.do(http.MethodPatch, "/v1.0/admin/reportSettings", tok, map[string]bool{"displayConcealedNames": true})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: got %d %s, want 204", resp.StatusCode, data)
	}
	if got := s.getJSON("/v1.0/admin/reportSettings", tok, http.StatusOK)["displayConcealedNames"]; got != true {
		t.Errorf("after PATCH: got %v, want true", got)
	}
}

func TestGroupPagingAndReportByDate(t *testing.T) {
	s := startSim(t, 20, graphsim.ServerOptions{})
	tok := s.token()
	ids, pages, _ := listAll(t, s, tok, "/v1.0/groups?$top=2&$select=id,assignedLicenses")
	if len(ids) != len(s.tenant.Groups()) || pages != (len(ids)+1)/2 {
		t.Errorf("groups: got %d in %d pages, want %d in pages of 2", len(ids), pages, len(s.tenant.Groups()))
	}
	day := s.tenant.ReportRefreshDate().AddDate(0, 0, -3).Format("2006-01-02")
	if resp, data := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(date="+day+")", tok, nil); resp.StatusCode != http.StatusFound {
		t.Errorf("report by date %s: got %d %s, want 302", day, resp.StatusCode, data)
	}
}
