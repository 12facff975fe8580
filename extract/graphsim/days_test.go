package graphsim_test

import (
	"encoding/json"
	"flag"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// dayOf is day d of a tenant whose day 0 is fixedNow: Now moves on with
// the day, the origin stays.
func dayOf(users, d int, churn float64) *graphsim.Tenant {
	return graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 42, Now: fixedNow.AddDate(0, 0, d), Day: d, DailyChurn: churn})
}

// everyUserProperty selects all that the simulator knows of a user.
const everyUserProperty = "id,userPrincipalName,displayName,mail,department,employeeOrgData,companyName,country," +
	"usageLocation,userType,accountEnabled,createdDateTime,assignedLicenses,licenseAssignmentStates,businessPhones," +
	"givenName,surname,jobTitle,mobilePhone,officeLocation,preferredLanguage,mailNickname," +
	"onPremisesDistinguishedName,onPremisesSyncEnabled"

// listUsers pages through GET /users and returns each user's JSON, as
// sent, by object id.
func listUsers(t *testing.T, s *sim, tok string) map[string]string {
	t.Helper()
	out := map[string]string{}
	path := "/v1.0/users?$top=999&$select=" + everyUserProperty
	for path != "" {
		resp, data := s.do(http.MethodGet, path, tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d %s, want 200", path, resp.StatusCode, data)
		}
		var page struct {
			Value []json.RawMessage `json:"value"`
			Next  string            `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("GET %s: decode: %v", path, err)
		}
		for _, raw := range page.Value {
			var u struct{ ID string }
			if err := json.Unmarshal(raw, &u); err != nil || u.ID == "" {
				t.Fatalf("user %s: no id (%v)", raw, err)
			}
			out[u.ID] = string(raw)
		}
		path = page.Next
	}
	return out
}

// deltaRound follows one users/delta round from path on s and returns the
// ids it lists (changed, added or removed) and its deltaLink.
func deltaRound(t *testing.T, s *sim, tok, path string) (map[string]bool, string) {
	t.Helper()
	ids := map[string]bool{}
	for {
		body := s.getJSON(path, tok, http.StatusOK)
		for _, v := range body["value"].([]any) {
			ids[v.(map[string]any)["id"].(string)] = true
		}
		if next, ok := body["@odata.nextLink"].(string); ok {
			path = next
			continue
		}
		return ids, body["@odata.deltaLink"].(string)
	}
}

// onServer moves a link another day's server issued onto s (a script
// keeps --addr fixed; tests take a free port each).
func onServer(s *sim, link string) string {
	return s.srv.URL() + link[strings.Index(link, "/v1.0/"):]
}

func TestNextDayIsOneMoreChurn(t *testing.T) {
	const users, day, churn = 1500, 4, 0.02
	prev := serveTenant(t, dayOf(users, day, churn), graphsim.ServerOptions{})
	next := serveTenant(t, dayOf(users, day+1, churn), graphsim.ServerOptions{})
	if p, n := prev.tenant.Version(), next.tenant.Version(); p != day || n != day+1 {
		t.Fatalf("versions: got %d on day %d and %d on day %d, want one churn a day", p, day, n, day+1)
	}
	ptok, ntok := prev.token(), next.token()
	// The delta link a night's run keeps, followed the next night, lists
	// exactly that day's churn (the links survive the restart: same secret).
	_, link := deltaRound(t, prev, ptok, "/v1.0/users/delta?$deltatoken=latest")
	churned, _ := deltaRound(t, next, ntok, onServer(next, link))
	if len(churned) == 0 || len(churned) > 2*churn*users {
		t.Fatalf("day %d's churn: got %d users in the delta round, want about %g", day+1, len(churned), churn*users)
	}
	before, after := listUsers(t, prev, ptok), listUsers(t, next, ntok)
	same, changed := 0, 0
	for id, js := range before {
		got, ok := after[id]
		switch {
		case churned[id]:
			if ok && got != js {
				changed++
			}
		case !ok:
			t.Errorf("user %s: gone on day %d without being in its churn", id, day+1)
		case got != js:
			t.Errorf("user %s, untouched by day %d's churn: got\n%s\nwant\n%s", id, day+1, got, js)
		default:
			same++
		}
	}
	for id := range after {
		if _, ok := before[id]; !ok && !churned[id] {
			t.Errorf("user %s: new on day %d without being in its churn", id, day+1)
		}
	}
	if changed == 0 || same < users*9/10 {
		t.Errorf("got %d churned users changed and %d untouched the same, want some and most", changed, same)
	}
}

func TestSameDaySameTenant(t *testing.T) {
	gen := graphsim.GenOptions{Users: 800, Seed: 42, Now: fixedNow, Day: 6, DailyChurn: 0.03}
	a := serveTenant(t, graphsim.Generate(gen), graphsim.ServerOptions{})
	gen.Now = fixedNow.Truncate(24 * time.Hour).Add(23*time.Hour + 59*time.Minute) // later the same day
	b := serveTenant(t, graphsim.Generate(gen), graphsim.ServerOptions{})
	atok, btok := a.token(), b.token()
	if !reflect.DeepEqual(listUsers(t, a, atok), listUsers(t, b, btok)) {
		t.Errorf("GET /users: got two directories for the same seed, day and churn")
	}
	if ra, rb := downloadReport(t, a, atok, "D7"), downloadReport(t, b, btok, "D7"); string(ra) != string(rb) {
		t.Errorf("usage report: got two reports for the same seed, day and churn")
	}
	if !reflect.DeepEqual(a.tenant.SKUs(), b.tenant.SKUs()) || !reflect.DeepEqual(a.tenant.Subscriptions(), b.tenant.Subscriptions()) {
		t.Errorf("SKUs or subscriptions differ for the same seed, day and churn")
	}
}

// idleDays is the days from a report row's last activity on workload k
// to its refresh date; -1 without activity.
func idleDays(row extract.ActivityRow, k int) int {
	if row.LastActivityDate[k].IsZero() {
		return -1
	}
	return int(row.ReportRefreshDate.Sub(row.LastActivityDate[k]).Hours() / 24)
}

// userIdleDays is the days since a row's latest activity, on any
// workload; -1 without activity.
func userIdleDays(row extract.ActivityRow) int {
	least := -1
	for k := range extract.Workloads {
		if n := idleDays(row, k); n >= 0 && (least < 0 || n < least) {
			least = n
		}
	}
	return least
}

func TestActivityMovesOnDayByDay(t *testing.T) {
	const users, days, churn = 1500, 6, 0.01
	first := dayOf(users, 0, churn)
	refresh0 := fixedNow.Truncate(24*time.Hour).AddDate(0, 0, -2)
	if got := first.ReportRefreshDate(); !got.Equal(refresh0) {
		t.Fatalf("day 0 refresh date: got %s, want %s (Now's date minus two days)", got, refresh0)
	}
	prev := first
	for d := 1; d <= days; d++ {
		tn := dayOf(users, d, churn)
		if got, want := tn.ReportRefreshDate(), refresh0.AddDate(0, 0, d); !got.Equal(want) {
			t.Errorf("day %d refresh date: got %s, want %s", d, got, want)
		}
		var grew, recent, stayedRecent, forward int
		for i := range users {
			if !reflect.DeepEqual(first.User(i), tn.User(i)) {
				continue // churned since: its licences, and so its report row, may differ
			}
			r0, ok0 := first.Activity(i)
			rd, okd := tn.Activity(i)
			if ok0 != okd {
				t.Fatalf("user %d: in the report on day 0 %v, on day %d %v", i, ok0, d, okd)
			}
			idle := userIdleDays(r0) // 30 or more: an idle user, whose dates stay
			for k := range extract.Workloads {
				i0, id := idleDays(r0, k), idleDays(rd, k)
				switch {
				case i0 < 0:
				case rd.LastActivityDate[k].Before(r0.LastActivityDate[k]):
					t.Errorf("user %d workload %d: last activity moved back from %s to %s", i, k, r0.LastActivityDate[k], rd.LastActivityDate[k])
				case idle >= 30 && id != i0+d:
					t.Errorf("idle user %d workload %d: got %d idle days on day %d, want %d", i, k, id, d, i0+d)
				case rd.LastActivityDate[k].After(r0.LastActivityDate[k]):
					forward++
				}
			}
			switch {
			case idle >= 30:
				grew++
			case idle >= 0 && idle < 7:
				recent++
				if userIdleDays(rd) < 7 {
					stayedRecent++
				}
			}
		}
		if grew == 0 || forward == 0 || stayedRecent < recent*95/100 {
			t.Errorf("day %d: got %d idle users, %d dates moved forward, %d of %d recent users still recent; want some, some, nearly all",
				d, grew, forward, stayedRecent, recent)
		}
		for i := prev.UserCount(); i < tn.UserCount(); i++ { // added today
			if row, ok := tn.Activity(i); ok && row.LastActivityDate != [6]time.Time{} {
				t.Errorf("user %d, added on day %d: got activity %v, want none", i, d, row.LastActivityDate)
			}
		}
		prev = tn
	}
}

func TestIDsAndSecretStableAcrossDays(t *testing.T) {
	d0 := serveTenant(t, dayOf(300, 0, 0.05), graphsim.ServerOptions{})
	d30 := serveTenant(t, dayOf(300, 30, 0.05), graphsim.ServerOptions{})
	for _, c := range []struct{ name, day0, day30 string }{
		{"tenant id", d0.srv.TenantID(), d30.srv.TenantID()},
		{"client id", d0.srv.ClientID(), d30.srv.ClientID()},
		{"client secret", d0.srv.ClientSecret(), d30.srv.ClientSecret()},
	} {
		if c.day0 != c.day30 || c.day0 == "" {
			t.Errorf("%s: got %q on day 0 and %q on day 30, want the same", c.name, c.day0, c.day30)
		}
	}
	for _, i := range d30.tenant.LiveUsers() {
		if i < 300 && d0.tenant.User(i).ID != d30.tenant.User(i).ID {
			t.Errorf("user %d: got id %s on day 0 and %s on day 30", i, d0.tenant.User(i).ID, d30.tenant.User(i).ID)
		}
	}
	other := serveTenant(t, graphsim.Generate(graphsim.GenOptions{Users: 300, Seed: 43, Now: fixedNow}), graphsim.ServerOptions{})
	if other.srv.ClientSecret() == d0.srv.ClientSecret() {
		t.Errorf("seeds 42 and 43: got the same client secret")
	}
}

func TestDayFlags(t *testing.T) {
	o := graphsim.DefaultOptions()
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	if err := fs.Parse([]string{"--day", "90", "--daily-churn", "0.01", "--ca-dir", "/tmp/ca"}); err != nil {
		t.Fatalf("parse: %v", err)
	}
	o.Now = fixedNow
	if g := o.GenOptions(); g.Day != 90 || g.DailyChurn != 0.01 || !g.Now.Equal(fixedNow) {
		t.Errorf("GenOptions: got %+v, want day 90, churn 0.01, Now %s", g, fixedNow)
	}
	if so := o.ServerOptions(); so.CADir != "/tmp/ca" {
		t.Errorf("ServerOptions.CADir: got %q, want /tmp/ca", so.CADir)
	}
}
