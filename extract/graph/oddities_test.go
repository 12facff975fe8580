package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract/graph"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
)

// TestUserOddities feeds user pages with what real tenants send now and
// then: unknown fields, nulls where arrays or objects are expected,
// non-ASCII names, a null accountEnabled, mixed-case UPNs, a page of 999
// users, and a malformed date that must be named.
func TestUserOddities(t *testing.T) {
	big := make([]string, 999)
	for i := range big {
		big[i] = fmt.Sprintf(`{"id":"%08d-0000-4000-8000-000000000000","userPrincipalName":"U%d@Contoso.COM","displayName":"%s","accountEnabled":true,"assignedLicenses":[]}`,
			i, i, strings.Repeat("Ü", 200))
	}
	cases := []struct {
		name    string
		page    string
		users   int
		check   func(t *testing.T, users []map[string]any)
		wantErr string
	}{
		{name: "unknown fields and nulls", users: 1, page: `{"value":[{"id":"a1","userPrincipalName":"Zoë.Ångström@contoso.com",
			"displayName":"Zoë Ångström 山田","futureField":{"nested":[1,2]},"accountEnabled":null,"employeeOrgData":null,
			"assignedLicenses":null,"licenseAssignmentStates":null,"createdDateTime":null,"mail":null}],"@odata.futureAnnotation":true}`,
			check: func(t *testing.T, users []map[string]any) {
				u := users[0]
				if u["upn"] != "Zoë.Ångström@contoso.com" || u["name"] != "Zoë Ångström 山田" {
					t.Errorf("names: got %v", u)
				}
				if u["enabled"] != true {
					t.Errorf("accountEnabled null: got %v, want true (unknown is never disabled)", u["enabled"])
				}
				if u["licences"] != 0 || u["states"] != 0 {
					t.Errorf("null arrays: got %v licences, %v states, want 0", u["licences"], u["states"])
				}
			}},
		{name: "a full page of 999", users: 999, page: `{"value":[` + strings.Join(big, ",") + `]}`,
			check: func(t *testing.T, users []map[string]any) {
				if users[998]["upn"] != "U998@Contoso.COM" {
					t.Errorf("UPN case must be kept as sent: got %v", users[998]["upn"])
				}
			}},
		{name: "malformed date", page: `{"value":[{"id":"b2","createdDateTime":"yesterday"}]}`, wantErr: "user b2 createdDateTime"},
		{name: "not JSON", page: `{"value":[{"id":`, wantErr: "users"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := graphtest.New(t)
			f.Hook = func(path string, n int, w http.ResponseWriter, r *http.Request) bool {
				if path != "/users" {
					return false
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.page)
				return true
			}
			c := newClient(t, f, graphtest.ClientSecret, nil, nil)
			got, _, err := collectUsers(context.Background(), c)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			if len(got) != tc.users {
				t.Fatalf("got %d users, want %d", len(got), tc.users)
			}
			var flat []map[string]any
			for _, u := range got {
				flat = append(flat, map[string]any{"upn": u.UserPrincipalName, "name": u.DisplayName,
					"enabled": u.AccountEnabled, "licences": len(u.AssignedLicenses), "states": len(u.LicenseAssignmentStates)})
			}
			tc.check(t, flat)
		})
	}
}

// TestTransportErrorWithoutURL: when a page's connection keeps dropping,
// the error returned (and so the run journal) does not quote the page URL
// with its $skiptoken.
func TestTransportErrorWithoutURL(t *testing.T) {
	f := graphtest.New(t)
	f.Hook = func(path string, n int, w http.ResponseWriter, r *http.Request) bool {
		if path != "/users" || r.URL.Query().Get("$skiptoken") == "" {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the connection drops before any answer
		}
		return true
	}
	c := newClientWith(t, f, nil, func(cfg *graph.Config) { cfg.MaxRetries = 1 })
	_, _, err := collectUsers(context.Background(), c)
	if err == nil {
		t.Fatal("got no error, want the dropped connection")
	}
	if strings.Contains(err.Error(), "skiptoken") || strings.Contains(err.Error(), f.URL()) {
		t.Errorf("error quotes the request URL: %v", err)
	}
}
