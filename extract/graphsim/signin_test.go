package graphsim_test

import (
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// auditPerms are the default permissions plus AuditLog.Read.All.
var auditPerms = graphsim.SignInPermissions

// noThrottle lifts the identity-and-access reports' throttle.
var noThrottle = graphsim.ServerOptions{Permissions: auditPerms, SignInThrottle: -1}

// signInTenant is a tenant for the sign-in tests.
func signInTenant(users int) *graphsim.Tenant {
	return graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 42, Now: fixedNow})
}

// wireActivity is a user of GET /users?$select=id,signInActivity.
type wireActivity struct {
	ID             string                      `json:"id"`
	SignInActivity *map[string]json.RawMessage `json:"signInActivity"`
}

// activityPage is one page of users with signInActivity.
type activityPage struct {
	Value []wireActivity `json:"value"`
	Next  string         `json:"@odata.nextLink"`
}

func TestSignInActivityPages(t *testing.T) {
	tenant := signInTenant(1200)
	s := serveTenant(t, tenant, noThrottle)
	tok := s.token()
	cases := []struct {
		name  string
		query string
		pages []int
	}{
		{"default page size 500", "$select=id,signInActivity", []int{500, 500, 200}},
		{"top 500", "$select=signInActivity&$top=500", []int{500, 500, 200}},
		{"top 120", "$select=displayName,signInActivity,id&$top=120", []int{120, 120, 120, 120, 120, 120, 120, 120, 120, 120}},
		{"without signInActivity, default 100", "$select=id,displayName", []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			path := "/v1.0/users?" + c.query
			for path != "" {
				var p activityPage
				decode(t, s.getJSONRaw(path, tok, http.StatusOK), &p)
				got = append(got, len(p.Value))
				for _, u := range p.Value {
					if strings.Contains(c.query, "signInActivity") {
						checkWireActivity(t, tenant, u)
					} else if u.SignInActivity != nil {
						t.Errorf("user %s: got signInActivity without $select", u.ID)
					}
				}
				path = p.Next
			}
			if joinInts(got) != joinInts(c.pages) {
				t.Errorf("page sizes: got %v, want %v", got, c.pages)
			}
		})
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for k, n := range v {
		s[k] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// checkWireActivity compares a served signInActivity with
// Tenant.SignInActivity.
func checkWireActivity(t *testing.T, tenant *graphsim.Tenant, u wireActivity) {
	t.Helper()
	i, ok := tenant.Lookup(u.ID)
	if !ok {
		t.Fatalf("user %s: not in the tenant", u.ID)
	}
	want, has := tenant.SignInActivity(i)
	if u.SignInActivity == nil || *u.SignInActivity == nil {
		if has {
			t.Errorf("user %s: got null signInActivity, want %+v", u.ID, want)
		}
		return
	}
	a := *u.SignInActivity
	if !has || len(a) != 6 {
		t.Fatalf("user %s: got signInActivity %v, want null: %v, six properties", u.ID, a, !has)
	}
	for _, f := range []struct {
		date, id string
		want     time.Time
	}{
		{"lastSignInDateTime", "lastSignInRequestId", want.LastSignIn},
		{"lastNonInteractiveSignInDateTime", "lastNonInteractiveSignInRequestId", want.LastNonInteractive},
		{"lastSuccessfulSignInDateTime", "lastSuccessfulSignInRequestId", want.LastSuccessful},
	} {
		wantDate, wantNull := `"`+f.want.Format("2006-01-02T15:04:05Z")+`"`, f.want.IsZero()
		switch got := string(a[f.date]); {
		case wantNull && (got != "null" || string(a[f.id]) != "null"):
			t.Errorf("user %s: %s %s, %s %s, want both null", u.ID, f.date, got, f.id, a[f.id])
		case !wantNull && (got != wantDate || len(a[f.id]) != 38):
			t.Errorf("user %s: %s %s (id %s), want %s and a request id", u.ID, f.date, got, a[f.id], wantDate)
		}
	}
}

func TestSignInActivityTopAbove500(t *testing.T) {
	s := startSim(t, 50, noThrottle)
	tok := s.token()
	for _, top := range []string{"501", "999"} {
		resp, data := s.do(http.MethodGet, "/v1.0/users?$select=id,signInActivity&$top="+top, tok, nil)
		if resp.StatusCode != http.StatusBadRequest || errorCode(t, data) != "Request_UnsupportedQuery" ||
			!strings.Contains(string(data), "Cannot query data for more than 500 users at a time.") {
			t.Errorf("$top=%s: got %d %s, want 400 Request_UnsupportedQuery, more than 500 users", top, resp.StatusCode, data)
		}
	}
	if resp, data := s.do(http.MethodGet, "/v1.0/users?$select=id&$top=999", tok, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("$top=999 without signInActivity: got %d %s, want 200", resp.StatusCode, data)
	}
}

func TestSignInAccess(t *testing.T) {
	premium := signInTenant(40)
	plain := graphsim.Generate(graphsim.GenOptions{Users: 40, Seed: 42, Now: fixedNow, NoEntraPremium: true})
	if !premium.EntraPremium() || plain.EntraPremium() {
		t.Fatalf("EntraPremium: got %v and %v, want true, then false with NoEntraPremium", premium.EntraPremium(), plain.EntraPremium())
	}
	id := premium.User(3).ID
	upn := premium.User(3).UserPrincipalName
	cases := []struct {
		name   string
		tenant *graphsim.Tenant
		perms  []string
		path   string
		status int
		code   string
	}{
		{"users, no AuditLog.Read.All", premium, graphsim.DefaultPermissions, "/v1.0/users?$select=id,signInActivity", 403, "Authorization_RequestDenied"},
		{"users, no premium", plain, auditPerms, "/v1.0/users?$select=id,signInActivity", 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
		{"users without signInActivity, no premium", plain, graphsim.DefaultPermissions, "/v1.0/users?$select=id", 200, ""},
		{"user by id", premium, auditPerms, "/v1.0/users/" + id + "?$select=signInActivity", 200, ""},
		{"user by id, no premium", plain, auditPerms, "/v1.0/users/" + id + "?$select=signInActivity", 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
		{"user by UPN", premium, auditPerms, "/v1.0/users/" + upn + "?$select=signInActivity", 400, "BadRequest"},
		{"signIns, no AuditLog.Read.All", premium, graphsim.DefaultPermissions, "/v1.0/auditLogs/signIns", 403, "Authorization_RequestDenied"},
		{"signIns, no premium", plain, auditPerms, "/v1.0/auditLogs/signIns", 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
		{"signIns", premium, auditPerms, "/v1.0/auditLogs/signIns?$top=5", 200, ""},
		{"delta has no signInActivity", premium, auditPerms, "/v1.0/users/delta?$select=id,signInActivity", 400, "BadRequest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := serveTenant(t, c.tenant, graphsim.ServerOptions{Permissions: c.perms, SignInThrottle: -1})
			resp, data := s.do(http.MethodGet, c.path, s.token(), nil)
			if resp.StatusCode != c.status {
				t.Fatalf("GET %s: got %d %s, want %d", c.path, resp.StatusCode, data, c.status)
			}
			if c.code != "" {
				if got := errorCode(t, data); got != c.code {
					t.Errorf("GET %s: got code %s, want %s", c.path, got, c.code)
				}
			}
		})
	}
}

// wireSignIn is an event of GET /auditLogs/signIns.
type wireSignIn struct {
	ID              string `json:"id"`
	CreatedDateTime string `json:"createdDateTime"`
	UserID          string `json:"userId"`
	UPN             string `json:"userPrincipalName"`
	AppID           string `json:"appId"`
	AppDisplayName  string `json:"appDisplayName"`
	ResourceID      string `json:"resourceId"`
	IsInteractive   bool   `json:"isInteractive"`
	Status          struct {
		ErrorCode     int     `json:"errorCode"`
		FailureReason *string `json:"failureReason"`
	} `json:"status"`
}

type signInPage struct {
	Context string       `json:"@odata.context"`
	Value   []wireSignIn `json:"value"`
	Next    string       `json:"@odata.nextLink"`
}

func (w wireSignIn) at(t *testing.T) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, w.CreatedDateTime)
	if err != nil || !strings.HasSuffix(w.CreatedDateTime, "Z") || len(w.CreatedDateTime) != len("2026-11-20T10:30:00.0000000Z") {
		t.Fatalf("event %s: createdDateTime %q, want seven fraction digits and Z (%v)", w.ID, w.CreatedDateTime, err)
	}
	return at
}

// readSignIns follows nextLinks from path and returns every event and the
// number of pages.
func (s *sim) readSignIns(path, tok string) ([]wireSignIn, int) {
	s.t.Helper()
	var all []wireSignIn
	pages := 0
	for path != "" {
		var p signInPage
		decode(s.t, s.getJSONRaw(path, tok, http.StatusOK), &p)
		all = append(all, p.Value...)
		pages++
		path = p.Next
	}
	return all, pages
}

// getJSONRaw does a GET that must answer want and returns the body.
func (s *sim) getJSONRaw(path, tok string, want int) []byte {
	s.t.Helper()
	resp, data := s.do(http.MethodGet, path, tok, nil)
	if resp.StatusCode != want {
		s.t.Fatalf("GET %s: got status %d (%s), want %d", path, resp.StatusCode, data, want)
	}
	return data
}

func decode(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %.200s: %v", data, err)
	}
}

func signInsPath(filter string, top int) string {
	v := url.Values{}
	if filter != "" {
		v.Set("$filter", filter)
	}
	if top > 0 {
		v.Set("$top", strconv.Itoa(top))
	}
	return "/v1.0/auditLogs/signIns?" + strings.ReplaceAll(v.Encode(), "+", "%20")
}

func TestSignInsPagingNewestFirst(t *testing.T) {
	tenant := signInTenant(1500)
	s := serveTenant(t, tenant, noThrottle)
	tok := s.token()
	filter := "appId eq '" + extract.PowerBIAppID + "'"
	got, pages := s.readSignIns(signInsPath(filter, 100), tok)
	var want []graphsim.SignInEvent
	for e := range tenant.SignIns(extract.PowerBIAppID, time.Time{}, time.Time{}) {
		want = append(want, e)
	}
	if len(got) != len(want) || len(got) < 300 || pages != (len(want)+99)/100 {
		t.Fatalf("Power BI events: got %d in %d pages, want %d (at least 300) in pages of 100", len(got), pages, len(want))
	}
	start, now := tenant.SignInLogStart(), tenant.Now()
	var prev time.Time
	for k, e := range got {
		at := e.at(t)
		switch {
		case e.ID != want[k].ID || !at.Equal(want[k].CreatedDateTime) || e.UserID != want[k].UserID:
			t.Fatalf("event %d: got %s at %s of %s, want %s at %s of %s", k, e.ID, at, e.UserID, want[k].ID, want[k].CreatedDateTime, want[k].UserID)
		case e.AppID != extract.PowerBIAppID || e.ResourceID != extract.PowerBIAppID || e.AppDisplayName != "Power BI Service":
			t.Errorf("event %s: got app %s (%s), resource %s, want the Power BI service", e.ID, e.AppID, e.AppDisplayName, e.ResourceID)
		case at.Before(start) || at.After(now):
			t.Errorf("event %s: got %s, want between %s and %s", e.ID, at, start, now)
		case k > 0 && at.After(prev):
			t.Errorf("event %d: got %s after %s, want newest first", k, at, prev)
		case e.Status.ErrorCode == 50126 && (e.Status.FailureReason == nil || !strings.Contains(*e.Status.FailureReason, "invalid username or password")):
			t.Errorf("event %s: got failure reason %v for 50126", e.ID, e.Status.FailureReason)
		}
		prev = at
	}
	// The default page is the whole log's first 1,000 events; a nextLink
	// served twice answers the same bytes.
	var first signInPage
	body := s.getJSONRaw("/v1.0/auditLogs/signIns", tok, http.StatusOK)
	decode(t, body, &first)
	if len(first.Value) != 1000 || first.Next == "" || !strings.HasSuffix(first.Context, "/v1.0/$metadata#auditLogs/signIns") {
		t.Fatalf("default page: got %d events, nextLink %q, context %q; want 1000 and a nextLink", len(first.Value), first.Next, first.Context)
	}
	a, b := s.getJSONRaw(first.Next, tok, http.StatusOK), s.getJSONRaw(first.Next, tok, http.StatusOK)
	if string(a) != string(b) {
		t.Errorf("nextLink served twice: got different pages")
	}
	forged := first.Next[:len(first.Next)-4] + "abcd"
	if resp, data := s.do(http.MethodGet, forged, tok, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged skiptoken: got %d %s, want 400", resp.StatusCode, data)
	}
}

func TestSignInFilters(t *testing.T) {
	tenant := signInTenant(600)
	s := serveTenant(t, tenant, noThrottle)
	tok := s.token()
	now := tenant.Now()
	cut := now.Add(-72 * time.Hour).Truncate(time.Second)
	stamp := cut.Format(time.RFC3339)
	user := tenant.User(firstSigner(t, tenant))
	all := countEvents(tenant.SignIns("", time.Time{}, time.Time{}))
	cases := []struct {
		name   string
		filter string
		want   func(e wireSignIn, at time.Time) bool
		count  int // -1: some, -2: any
	}{
		{"appId", "appId eq '" + extract.PowerBIAppID + "'", func(e wireSignIn, _ time.Time) bool { return e.AppID == extract.PowerBIAppID },
			countEvents(tenant.SignIns(extract.PowerBIAppID, time.Time{}, time.Time{}))},
		{"appId upper case", "appId eq '1FEC8E78-BCE4-4AAF-AB1B-5451CC387264'", func(e wireSignIn, _ time.Time) bool { return e.AppDisplayName == "Microsoft Teams" },
			countEvents(tenant.SignIns("1fec8e78-bce4-4aaf-ab1b-5451cc387264", time.Time{}, time.Time{}))},
		{"appId of a single sign-on application", "appId eq '" + graphsim.ExpensesAppID + "'",
			func(e wireSignIn, _ time.Time) bool {
				return e.AppDisplayName == "Contoso Expenses" && e.ResourceID == graphsim.ExpensesAppID && e.IsInteractive
			}, countEvents(tenant.SignIns(graphsim.ExpensesAppID, time.Time{}, time.Time{}))},
		{"ge", "createdDateTime ge " + stamp, func(_ wireSignIn, at time.Time) bool { return !at.Before(cut) },
			countEvents(tenant.SignIns("", cut, time.Time{}))},
		{"gt", "createdDateTime gt " + stamp, func(_ wireSignIn, at time.Time) bool { return at.After(cut) }, -1},
		{"le", "createdDateTime le " + stamp, func(_ wireSignIn, at time.Time) bool { return !at.After(cut) }, -1},
		{"lt", "createdDateTime lt " + stamp, func(_ wireSignIn, at time.Time) bool { return at.Before(cut) },
			countEvents(tenant.SignIns("", time.Time{}, cut))},
		{"date only", "createdDateTime ge " + now.Format(time.DateOnly), func(_ wireSignIn, at time.Time) bool { return at.Format(time.DateOnly) == now.Format(time.DateOnly) }, -1},
		{"userId and app and window", "userId eq '" + user.ID + "' and createdDateTime ge " + stamp + " and appId eq '00000002-0000-0ff1-ce00-000000000000'",
			func(e wireSignIn, at time.Time) bool {
				return e.UserID == user.ID && !at.Before(cut) && e.AppDisplayName == "Office 365 Exchange Online"
			}, -2},
		{"userId", "userId eq '" + user.ID + "'", func(e wireSignIn, _ time.Time) bool { return e.UserID == user.ID && e.UPN == user.UserPrincipalName },
			countEvents(tenant.UserSignIns(firstSigner(t, tenant), time.Time{}, time.Time{}))},
		{"errorCode", "status/errorCode eq 50126", func(e wireSignIn, _ time.Time) bool { return e.Status.ErrorCode == 50126 }, -1},
		{"unknown app", "appId eq '00000000-0000-0000-0000-000000000001'", nil, 0},
		{"two apps", "appId eq '" + extract.PowerBIAppID + "' and appId eq '1fec8e78-bce4-4aaf-ab1b-5451cc387264'", nil, 0},
		{"unknown user", "userId eq '00000000-0000-4000-8000-000000000000'", nil, 0},
		{"no filter", "", func(wireSignIn, time.Time) bool { return true }, all},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := s.readSignIns(signInsPath(c.filter, 0), tok)
			if c.count >= 0 && len(got) != c.count {
				t.Errorf("filter %q: got %d events, want %d", c.filter, len(got), c.count)
			}
			if c.count == -1 && len(got) == 0 {
				t.Errorf("filter %q: got no events, want some", c.filter)
			}
			for _, e := range got {
				if at := e.at(t); !c.want(e, at) {
					t.Fatalf("filter %q: got event %+v at %s", c.filter, e, at)
				}
			}
		})
	}
}

func TestSignInBadQueries(t *testing.T) {
	s := startSim(t, 30, noThrottle)
	tok := s.token()
	cases := []struct {
		name, filter, code string
		top                int
	}{
		{"quoted date", "createdDateTime ge '2026-11-01T00:00:00Z'", "BadRequest", 0},
		{"not a date", "createdDateTime ge yesterday", "BadRequest", 0},
		{"unquoted appId", "appId eq " + extract.PowerBIAppID, "BadRequest", 0},
		{"ne", "appId ne '" + extract.PowerBIAppID + "'", "BadRequest", 0},
		{"or", "appId eq '" + extract.PowerBIAppID + "' or userId eq 'x'", "BadRequest", 0},
		{"unsupported property", "resourceId eq '" + extract.PowerBIAppID + "'", "BadRequest", 0},
		{"a function", "startsWith(appDisplayName,'Power')", "BadRequest", 0},
		{"dangling and", "appId eq '" + extract.PowerBIAppID + "' and", "BadRequest", 0},
		{"open quote", "appId eq '" + extract.PowerBIAppID, "BadRequest", 0},
		{"top above 1000", "", "Request_UnsupportedQuery", 1001},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, data := s.do(http.MethodGet, signInsPath(c.filter, c.top), tok, nil)
			if resp.StatusCode != http.StatusBadRequest || errorCode(t, data) != c.code {
				t.Errorf("filter %q, top %d: got %d %s, want 400 %s", c.filter, c.top, resp.StatusCode, data, c.code)
			}
			if c.code == "BadRequest" && !strings.Contains(string(data), "Invalid filter clause") {
				t.Errorf("filter %q: got %s, want Invalid filter clause", c.filter, data)
			}
		})
	}
}

func TestSignInRetention(t *testing.T) {
	tenant := signInTenant(300)
	s := serveTenant(t, tenant, noThrottle)
	tok := s.token()
	old := tenant.Now().AddDate(0, 0, -90).Format(time.RFC3339)
	got, _ := s.readSignIns(signInsPath("createdDateTime ge "+old, 0), tok)
	if len(got) == 0 {
		t.Fatal("got no events in 90 days, want 30 days of them")
	}
	oldest := got[len(got)-1].at(t)
	if oldest.Before(tenant.SignInLogStart()) || oldest.After(tenant.SignInLogStart().Add(24*time.Hour)) {
		t.Errorf("oldest event: got %s, want within a day after %s", oldest, tenant.SignInLogStart())
	}
	older, _ := s.readSignIns(signInsPath("createdDateTime lt "+tenant.SignInLogStart().Format(time.RFC3339Nano), 0), tok)
	if len(older) != 0 {
		t.Errorf("events before the retention: got %d, want none", len(older))
	}
}

func TestSignInThrottle(t *testing.T) {
	cases := []struct {
		name     string
		limit    int
		window   time.Duration
		requests int
		admitted int
	}{
		{"Graph's 5 per 10 s", 0, 0, 7, 5},
		{"2 per 3 s", 2, 3 * time.Second, 4, 2},
		{"no limit", -1, 0, 12, 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startSim(t, 20, graphsim.ServerOptions{Permissions: auditPerms, SignInThrottle: c.limit, SignInThrottleWindow: c.window})
			tok := s.token()
			ok := 0
			for n := range c.requests {
				path := "/v1.0/auditLogs/signIns?$top=1"
				if n%2 == 1 {
					path = "/v1.0/users?$select=id,signInActivity&$top=5"
				}
				resp, data := s.do(http.MethodGet, path, tok, nil)
				switch resp.StatusCode {
				case http.StatusOK:
					ok++
				case http.StatusTooManyRequests:
					retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
					window := c.window
					if window == 0 {
						window = 10 * time.Second
					}
					if err != nil || retry < 1 || time.Duration(retry)*time.Second > window+time.Second || errorCode(t, data) != "TooManyRequests" {
						t.Errorf("request %d: got Retry-After %q, body %s; want 1 to %s and TooManyRequests", n, resp.Header.Get("Retry-After"), data, window)
					}
				default:
					t.Fatalf("request %d: got %d %s", n, resp.StatusCode, data)
				}
			}
			if ok != c.admitted || s.srv.FaultCounts().ReportThrottled != int64(c.requests-c.admitted) {
				t.Errorf("admitted %d of %d, throttled %d; want %d admitted", ok, c.requests, s.srv.FaultCounts().ReportThrottled, c.admitted)
			}
			if resp, _ := s.do(http.MethodGet, "/v1.0/users?$select=id", tok, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("users without signInActivity: got %d, want 200 whatever the throttle", resp.StatusCode)
			}
		})
	}
}

func TestSignInThrottleWindowMoves(t *testing.T) {
	s := startSim(t, 5, graphsim.ServerOptions{Permissions: auditPerms, SignInThrottle: 1, SignInThrottleWindow: time.Second})
	tok := s.token()
	if resp, _ := s.do(http.MethodGet, "/v1.0/auditLogs/signIns", tok, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("first request: got %d, want 200", resp.StatusCode)
	}
	if resp, _ := s.do(http.MethodGet, "/v1.0/auditLogs/signIns", tok, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second request: got %d, want 429", resp.StatusCode)
	}
	time.Sleep(1100 * time.Millisecond)
	if resp, _ := s.do(http.MethodGet, "/v1.0/auditLogs/signIns", tok, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the window: got %d, want 200", resp.StatusCode)
	}
	if got := s.srv.Stats().Count("signIns", http.StatusTooManyRequests); got != 1 {
		t.Errorf("signIns 429s in Stats: got %d, want 1", got)
	}
}

func TestRegisterSignInFlags(t *testing.T) {
	o := graphsim.DefaultOptions()
	if o.SignInThrottle != 5 || o.SignInThrottleWindow != 10*time.Second {
		t.Errorf("defaults: got %d per %s, want 5 per 10s", o.SignInThrottle, o.SignInThrottleWindow)
	}
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	if err := fs.Parse([]string{"--no-entra-premium", "--signin-throttle", "-1", "--signin-throttle-window", "2s"}); err != nil {
		t.Fatalf("parse: %v", err)
	}
	so, gen := o.ServerOptions(), o.GenOptions()
	if !gen.NoEntraPremium || so.SignInThrottle != -1 || so.SignInThrottleWindow != 2*time.Second {
		t.Errorf("got NoEntraPremium %v, throttle %d per %s; want true, -1 per 2s", gen.NoEntraPremium, so.SignInThrottle, so.SignInThrottleWindow)
	}
}

// firstSigner is the first user with events in the log.
func firstSigner(t *testing.T, tenant *graphsim.Tenant) int {
	t.Helper()
	for e := range tenant.SignIns("", time.Time{}, time.Time{}) {
		return e.UserIndex
	}
	t.Fatal("no events in the log")
	return 0
}

func countEvents(seq func(func(graphsim.SignInEvent) bool)) int {
	n := 0
	for range seq {
		n++
	}
	return n
}

// TestSignInActivityAgreesWithLog: each signInActivity date is the
// newest event of its kind, in the log when recent enough.
func TestSignInActivityAgreesWithLog(t *testing.T) {
	tenant := signInTenant(1500)
	start := tenant.SignInLogStart()
	var never, ancient, notBackFilled, failedLast int
	for i := range tenant.UserCount() {
		a, ok := tenant.SignInActivity(i)
		if !ok {
			never++
			if n := countEvents(tenant.UserSignIns(i, time.Time{}, time.Time{})); n != 0 {
				t.Errorf("user %d: got %d events, want none: never signed in", i, n)
			}
			continue
		}
		if a.UserID != tenant.User(i).ID {
			t.Fatalf("user %d: got id %s, want %s", i, a.UserID, tenant.User(i).ID)
		}
		var newest [3]time.Time // interactive, non-interactive, successful
		for e := range tenant.UserSignIns(i, time.Time{}, time.Time{}) {
			at := e.CreatedDateTime.Truncate(time.Second)
			k := 1
			if e.Interactive {
				k = 0
			}
			newest[k] = later(newest[k], at)
			if e.ErrorCode == 0 {
				newest[2] = later(newest[2], at)
			}
		}
		for k, got := range []time.Time{a.LastSignIn, a.LastNonInteractive, a.LastSuccessful} {
			want := newest[k]
			if got.Before(start) { // older than the log: the log has nothing newer
				want = time.Time{}
				got = time.Time{}
			}
			if !got.Equal(want) {
				t.Errorf("user %d: date %d of signInActivity %+v is not the log's newest %s", i, k, a, newest[k])
			}
		}
		switch {
		case a.LastSignIn.Before(start) && a.LastSignIn.Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)):
			ancient++
			if !a.LastSignIn.IsZero() && a.LastSuccessful.IsZero() {
				notBackFilled++
			}
		case !a.LastSuccessful.IsZero() && a.LastSuccessful.Before(a.LastSignIn):
			failedLast++
		}
	}
	if never == 0 || ancient == 0 || notBackFilled == 0 || failedLast == 0 {
		t.Errorf("got %d never signed in, %d long ago (%d without lastSuccessful), %d whose last attempt failed; want some of each",
			never, ancient, notBackFilled, failedLast)
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestPowerBISignInsFromHolders: Power BI sign-ins come from users
// holding a Power BI plan (Power BI Pro, or SPE_E5's BI_AZURE_P2) and a
// few free users; some holders sign in daily, some weekly, some not in
// 30 days (only long ago, or never); a few attempts fail.
func TestPowerBISignInsFromHolders(t *testing.T) {
	tenant := signInTenant(3000)
	holds := map[string]bool{}
	for _, k := range tenant.SKUs() {
		for _, p := range k.ServicePlans {
			if strings.HasPrefix(p.ServicePlanName, "BI_AZURE_P") {
				holds[k.SkuID] = true
			}
		}
	}
	days := map[int]map[string]bool{}
	failed := 0
	for e := range tenant.SignIns(extract.PowerBIAppID, time.Time{}, time.Time{}) {
		if days[e.UserIndex] == nil {
			days[e.UserIndex] = map[string]bool{}
		}
		days[e.UserIndex][e.CreatedDateTime.Format(time.DateOnly)] = true
		if e.ErrorCode == 50126 {
			failed++
		}
	}
	holders, free, daily, weekly := 0, 0, 0, 0
	for i := range tenant.UserCount() {
		u := tenant.User(i)
		holder := false
		for _, l := range u.AssignedLicenses {
			holder = holder || holds[l.SkuID]
		}
		n := len(days[i])
		switch {
		case holder:
			holders++
		case n > 0:
			free++
		}
		if n > 0 && (!u.AccountEnabled || u.UserType != "Member" && !holder) {
			t.Errorf("user %d (enabled %v, %s): got Power BI sign-ins on %d days", i, u.AccountEnabled, u.UserType, n)
		}
		switch {
		case n >= 15:
			daily++
		case n >= 2 && n <= 5:
			weekly++
		}
	}
	signedIn := len(days)
	if free == 0 || free*20 > signedIn || (signedIn-free)*3 < holders || signedIn-free >= holders || daily == 0 || weekly == 0 || failed == 0 {
		t.Errorf("got %d Power BI users of %d holders (%d free), %d daily, %d weekly, %d failed attempts; want a third to all but some holders, a few free, some daily, some weekly, some failures",
			signedIn, holders, free, daily, weekly, failed)
	}
	// LastSignIn is the newest successful Power BI event.
	for i := range days {
		e, ok := tenant.LastSignIn(i, extract.PowerBIAppID, time.Time{}, time.Time{})
		if !ok || e.ErrorCode != 0 || e.AppID != extract.PowerBIAppID || e.UserIndex != i {
			t.Fatalf("LastSignIn(%d): got %+v, %v; want a successful Power BI sign-in", i, e, ok)
		}
		for x := range tenant.UserSignIns(i, e.CreatedDateTime.Add(100*time.Nanosecond), time.Time{}) {
			if x.AppID == extract.PowerBIAppID && x.ErrorCode == 0 {
				t.Errorf("LastSignIn(%d) at %s: got a newer success at %s", i, e.CreatedDateTime, x.CreatedDateTime)
			}
		}
	}
}

// TestSignInsDayAfter: day D+1 serves the same events as day D for the
// hours both see, and no signInActivity date moves back; with churn, the
// users both days list keep their non-Power BI events.
func TestSignInsDayAfter(t *testing.T) {
	cases := []struct {
		name  string
		churn float64
		day   int
	}{
		{"no churn, day 0 to 1", 0, 0},
		{"2% churn, day 3 to 4", 0.02, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gen := func(day int) *graphsim.Tenant {
				return graphsim.Generate(graphsim.GenOptions{Users: 700, Seed: 9, Now: fixedNow.AddDate(0, 0, day), Day: day, DailyChurn: c.churn})
			}
			a, b := gen(c.day), gen(c.day+1)
			live := map[string]bool{}
			for _, i := range b.LiveUsers() {
				live[b.User(i).ID] = true
			}
			keep := func(e graphsim.SignInEvent) bool {
				return c.churn == 0 || live[e.UserID] && e.AppID != extract.PowerBIAppID
			}
			from, to := b.SignInLogStart(), a.Now().Add(time.Second)
			var got, want []string
			for e := range a.SignIns("", from, to) {
				if keep(e) {
					want = append(want, e.ID+e.CreatedDateTime.String())
				}
			}
			for e := range b.SignIns("", from, to) {
				if keep(e) {
					got = append(got, e.ID+e.CreatedDateTime.String())
				}
			}
			if len(want) < 1000 || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("events of the shared hours: got %d on day %d, want the %d of day %d", len(got), c.day+1, len(want), c.day)
			}
			if c.churn > 0 {
				return
			}
			for i := range a.UserCount() {
				x, _ := a.SignInActivity(i)
				y, _ := b.SignInActivity(i)
				for k, pair := range [][2]time.Time{{x.LastSignIn, y.LastSignIn}, {x.LastNonInteractive, y.LastNonInteractive}, {x.LastSuccessful, y.LastSuccessful}} {
					if pair[1].Before(pair[0]) || (!pair[1].After(a.Now()) && !pair[1].Equal(pair[0])) {
						t.Errorf("user %d date %d: got %s on day %d, %s the day before", i, k, pair[1], c.day+1, pair[0])
					}
				}
			}
		})
	}
}
