package graph_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
)

// observer records Observe calls.
type observer struct {
	mu    sync.Mutex
	calls map[string][]int
}

func (o *observer) observe(endpoint string, status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.calls == nil {
		o.calls = map[string][]int{}
	}
	o.calls[endpoint] = append(o.calls[endpoint], status)
}

func (o *observer) get(endpoint string) []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]int(nil), o.calls[endpoint]...)
}

// logBuffer collects log output to check that no secret leaks.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// extractUser shortens callback signatures in tests.
type extractUser = extract.User

// newClientWith builds a client with the right secret; edit adjusts cfg.
func newClientWith(t *testing.T, f *graphtest.Server, obs *observer, edit func(*graph.Config)) *graph.Client {
	t.Helper()
	return newClientEdit(t, f, graphtest.ClientSecret, obs, nil, edit)
}

func newClient(t *testing.T, f *graphtest.Server, secret string, obs *observer, logs *logBuffer) *graph.Client {
	t.Helper()
	return newClientEdit(t, f, secret, obs, logs, nil)
}

func newClientEdit(t *testing.T, f *graphtest.Server, secret string, obs *observer, logs *logBuffer, edit func(*graph.Config)) *graph.Client {
	t.Helper()
	t.Cleanup(graph.SetRetryBase(10 * time.Millisecond))
	cfg := graph.Config{
		TenantID: graphtest.TenantID, ClientID: graphtest.ClientID, Cloud: "custom",
		AuthorityHost: f.URL(), GraphEndpoint: f.URL(),
		Auth:    graph.Auth{Method: graph.AuthClientSecret, ClientSecret: secret},
		RootCAs: f.Roots,
	}
	if obs != nil {
		cfg.Observe = obs.observe
	}
	if logs != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := graph.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func collectUsers(ctx context.Context, c *graph.Client) ([]extract.User, int, error) {
	var all []extract.User
	pages := 0
	err := c.Users(ctx, func(p []extract.User) error {
		pages++
		all = append(all, p...)
		return nil
	})
	return all, pages, err
}

func TestEndToEnd(t *testing.T) {
	f := graphtest.New(t)
	obs := &observer{}
	logs := &logBuffer{}
	c := newClient(t, f, graphtest.ClientSecret, obs, logs)
	ctx := context.Background()

	t.Run("users", func(t *testing.T) {
		users, pages, err := collectUsers(ctx, c)
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		if pages != 2 || len(users) != 3 {
			t.Fatalf("got %d pages and %d users, want 2 non-empty pages and 3 users", pages, len(users))
		}
		u := users[1]
		if u.ID != "00000000-0000-0000-0000-000000000002" || u.CostCenter != "CC2" || u.UsageLocation != "FR" || !u.AccountEnabled {
			t.Errorf("user 2: got %+v", u)
		}
		if got, want := u.CreatedDateTime, time.Date(2021, 3, 2, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("createdDateTime: got %v, want %v", got, want)
		}
		if len(u.LicenseAssignmentStates) != 1 || u.LicenseAssignmentStates[0].AssignedByGroup != "11111111-2222-3333-4444-555555555555" {
			t.Errorf("licenseAssignmentStates: got %+v, want one assigned by the group", u.LicenseAssignmentStates)
		}
		onPrem := func(u extract.User) string {
			if u.OnPremisesSyncEnabled == nil {
				return u.OnPremisesDistinguishedName + "|null"
			}
			return fmt.Sprintf("%s|%t", u.OnPremisesDistinguishedName, *u.OnPremisesSyncEnabled)
		}
		for i, want := range []string{"|null", "CN=User 2,OU=Sales,OU=Users,DC=contoso,DC=com|true", `CN=User\, Three,OU=Users,DC=contoso,DC=com|false`} {
			if got := onPrem(users[i]); got != want {
				t.Errorf("user %d onPremisesDistinguishedName|onPremisesSyncEnabled: got %q, want %q", i+1, got, want)
			}
		}
		if users[0].LicenseAssignmentStates[0].AssignedByGroup != "" || users[0].Mail != "" {
			t.Errorf("user 1: got assignedByGroup %q mail %q, want both empty (null)", users[0].LicenseAssignmentStates[0].AssignedByGroup, users[0].Mail)
		}
		if got, want := fmt.Sprint(obs.get("users")), "[429 200 200 200]"; got != want {
			t.Errorf("Observe(users): got %s, want %s", got, want)
		}
	})

	t.Run("subscribedSkus after a 503", func(t *testing.T) {
		skus, err := c.SubscribedSKUs(ctx)
		if err != nil {
			t.Fatalf("SubscribedSKUs: %v", err)
		}
		if len(skus) != 2 {
			t.Fatalf("got %d SKUs, want 2", len(skus))
		}
		s := skus[1]
		if s.SkuPartNumber != "CRMSTANDARD" || s.PrepaidUnits.Suspended != 25 || s.ConsumedUnits != 14 || s.CapabilityStatus != "Suspended" {
			t.Errorf("SKU 2: got %+v", s)
		}
		if len(s.ServicePlans) != 1 || s.ServicePlans[0].ServicePlanName != "CRMSTANDARD" || s.SubscriptionIDs[0] != "15c301e0-c769-4f12-bab1-1e8519a7a6f1" {
			t.Errorf("SKU 2 plans/subscriptions: got %+v / %v", s.ServicePlans, s.SubscriptionIDs)
		}
		if got, want := fmt.Sprint(obs.get("subscribedSkus")), "[503 200]"; got != want {
			t.Errorf("Observe(subscribedSkus): got %s, want %s", got, want)
		}
	})

	t.Run("subscriptions", func(t *testing.T) {
		subs, err := c.Subscriptions(ctx)
		if err != nil {
			t.Fatalf("Subscriptions: %v", err)
		}
		if len(subs) != 1 {
			t.Fatalf("got %d subscriptions, want 1", len(subs))
		}
		s := subs[0]
		if s.TotalLicenses != 25 || s.Status != "Enabled" || s.IsTrial || s.OwnerType != "User" || len(s.ServiceStatus) != 1 {
			t.Errorf("subscription: got %+v", s)
		}
		if want := time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC); !s.NextLifecycleDateTime.Equal(want) {
			t.Errorf("nextLifecycleDateTime: got %v, want %v", s.NextLifecycleDateTime, want)
		}
	})

	t.Run("reportSettings", func(t *testing.T) {
		rs, err := c.ReportSettings(ctx)
		if err != nil {
			t.Fatalf("ReportSettings: %v", err)
		}
		if !rs.DisplayConcealedNames {
			t.Errorf("displayConcealedNames: got false, want true")
		}
	})

	t.Run("groups", func(t *testing.T) {
		groups, err := c.Groups(ctx)
		if err != nil {
			t.Fatalf("Groups: %v", err)
		}
		if len(groups) != 1 || groups[0].ID != "11111111-2222-3333-4444-555555555555" || len(groups[0].AssignedLicenses[0].DisabledPlans) != 1 {
			t.Errorf("groups: got %+v, want only the licence group", groups)
		}
	})

	t.Run("usage report via 302", func(t *testing.T) {
		var rows []extract.ActivityRow
		err := c.ActivityReport(ctx, "D7", func(r extract.ActivityRow) error {
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			t.Fatalf("ActivityReport: %v", err)
		}
		checkReportRows(t, rows)
		for _, a := range f.DownloadAuth() {
			if a != "" {
				t.Errorf("download got Authorization %q, want none", a)
			}
		}
		if got := obs.get("usageReport"); len(got) != 2 || got[0] != 302 || got[1] != 200 {
			t.Errorf("Observe(usageReport): got %v, want [302 200]", got)
		}
	})

	t.Run("token", func(t *testing.T) {
		info, err := c.Token(ctx)
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		if got, want := strings.Join(info.Roles, ","), "User.Read.All,Reports.Read.All"; got != want {
			t.Errorf("roles: got %s, want %s", got, want)
		}
		if want := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC); !info.ExpiresOn.Equal(want) {
			t.Errorf("expiry: got %v, want %v", info.ExpiresOn, want)
		}
		if len(obs.get("token")) == 0 {
			t.Errorf("Observe(token): got no calls, want at least one")
		}
	})

	if strings.Contains(logs.String(), graphtest.ClientSecret) || strings.Contains(logs.String(), graphtest.JWT()) {
		t.Errorf("logs contain the secret or the token")
	}
	if f.BadTokens() != 0 {
		t.Errorf("Graph saw %d requests without the bearer token, want 0", f.BadTokens())
	}
}

func checkReportRows(t *testing.T, rows []extract.ActivityRow) {
	t.Helper()
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	r := rows[0]
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	if r.UserPrincipalName != "77E5979DD60BA6EAA53E814DBEEEFA5F" || !r.ReportRefreshDate.Equal(day("2022-10-23")) {
		t.Errorf("row 1: got upn %q refresh %v", r.UserPrincipalName, r.ReportRefreshDate)
	}
	if r.IsDeleted || !r.HasLicense[5] || !r.LastActivityDate[1].Equal(day("2022-09-12")) || !r.LicenseAssignDate[5].Equal(day("2021-01-10")) {
		t.Errorf("row 1: got %+v", r)
	}
	if r.AssignedProducts != "MICROSOFT 365 E5 DEVELOPER (WITHOUT WINDOWS AND AUDIO CONFERENCING)" {
		t.Errorf("row 1 products: got %q", r.AssignedProducts)
	}
	r = rows[1]
	if !r.IsDeleted || !r.DeletedDate.Equal(day("2022-10-01")) || r.HasLicense[0] || !r.LastActivityDate[0].IsZero() {
		t.Errorf("row 2: got %+v", r)
	}
}

func TestQuirks(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *graphtest.Server)
		run   func(ctx context.Context, c *graph.Client) error
		want  error
		text  string
	}{
		{
			name:  "nextLink loop",
			setup: func(f *graphtest.Server) { f.Loop = true },
			run:   func(ctx context.Context, c *graph.Client) error { _, _, err := collectUsers(ctx, c); return err },
			want:  graph.ErrPagingLoop, text: "page 2",
		},
		{
			name: "malformed CSV row",
			setup: func(f *graphtest.Server) {
				f.CSV = strings.Replace(f.CSV, "True,2022-10-01", "Maybe,2022-10-01", 1)
			},
			run: func(ctx context.Context, c *graph.Client) error {
				return c.ActivityReport(ctx, "D7", func(extract.ActivityRow) error { return nil })
			},
			want: graph.ErrBadReport, text: "line 3",
		},
		{
			name:  "report redirect on the same host",
			setup: func(f *graphtest.Server) { f.SameDL = true },
			run: func(ctx context.Context, c *graph.Client) error {
				return c.ActivityReport(ctx, "D7", func(extract.ActivityRow) error { return nil })
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graphtest.New(t)
			tt.setup(f)
			c := newClient(t, f, graphtest.ClientSecret, nil, nil)
			err := tt.run(context.Background(), c)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
			} else if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("got error %v, want %v mentioning %q", err, tt.want, tt.text)
			}
			for _, a := range f.DownloadAuth() {
				if a != "" {
					t.Errorf("download got Authorization %q, want none", a)
				}
			}
		})
	}
}

func TestWrongSecret(t *testing.T) {
	f := graphtest.New(t)
	obs := &observer{}
	c := newClient(t, f, "wrong-secret", obs, nil)
	_, err := c.SubscribedSKUs(context.Background())
	if !errors.Is(err, graph.ErrUnauthorized) {
		t.Fatalf("got %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("error %q contains the secret", err)
	}
	if !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Errorf("error %q does not say why (AADSTS7000215)", err)
	}
	if got := obs.get("subscribedSkus"); len(got) != 0 {
		t.Errorf("Observe(subscribedSkus): got %v, want no Graph call without a token", got)
	}
	t.Logf("error text: %v", err)
}
