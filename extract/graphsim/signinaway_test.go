package graphsim_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// exchangeAppID is Office 365 Exchange Online's application id.
const exchangeAppID = "00000002-0000-0ff1-ce00-000000000000"

// latestActivity is the newest last activity date of user i's row of the
// Office 365 report, and whether the row holds a licence; false when the
// user is missing from the report.
func latestActivity(tenant *graphsim.Tenant, i int) (latest time.Time, licensed, ok bool) {
	row, ok := tenant.Activity(i)
	for k, d := range row.LastActivityDate {
		latest = later(latest, d)
		licensed = licensed || row.HasLicense[k]
	}
	return latest, licensed, ok
}

// newestSignIn is the newest date of a signInActivity.
func newestSignIn(a extract.SignInActivity) time.Time {
	return later(later(a.LastSignIn, a.LastNonInteractive), a.LastSuccessful)
}

// awayApp reports whether e is a sign-in away from Microsoft 365: an
// interactive one to Contoso Expenses or Windows, or a token refresh of
// Windows or of Exchange Online (a device's mail app).
func awayApp(e graphsim.SignInEvent) bool {
	switch e.AppID {
	case graphsim.ExpensesAppID, graphsim.WindowsSignInAppID:
		return true
	case exchangeAppID:
		return !e.Interactive
	}
	return false
}

// TestQuietMembersSignInAway: some enabled members idle 30 days or more
// on the six workloads of the report (or never active there, though
// licensed) still have a signInActivity within 30 days of the report's
// date, from sign-ins in the log to a single sign-on application, to
// Windows, or from a device refreshing tokens; none of those comes after
// their last report activity plus the few days tokens linger after a
// visit (three) to any Microsoft 365 application.
func TestQuietMembersSignInAway(t *testing.T) {
	tenant := signInTenant(3000)
	ref := tenant.ReportRefreshDate()
	quiet, rescued := 0, 0
	apps := map[string]int{} // app display name (+ " refresh") -> rescued users whose newest sign-in it is
	for i := range tenant.UserCount() {
		u := tenant.User(i)
		latest, licensed, ok := latestActivity(tenant, i)
		idle := !latest.IsZero() && ref.Sub(latest) >= 30*24*time.Hour
		never := latest.IsZero() && licensed && u.CreatedDateTime.Before(ref) // created before the report
		if !ok || u.UserType != "Member" || !u.AccountEnabled || !idle && !never {
			continue
		}
		quiet++
		a, signed := tenant.SignInActivity(i)
		newest := newestSignIn(a)
		if !signed || ref.Sub(newest) >= 30*24*time.Hour {
			continue
		}
		rescued++
		found := false
		for e := range tenant.UserSignIns(i, time.Time{}, time.Time{}) {
			if !e.CreatedDateTime.Before(latest.AddDate(0, 0, 4)) && !awayApp(e) {
				t.Errorf("user %d, last active %s: got a sign-in to %s (interactive %v) at %s, want only sign-ins away from Microsoft 365",
					i, latest.Format(time.DateOnly), e.AppDisplayName, e.Interactive, e.CreatedDateTime)
			}
			if e.CreatedDateTime.Truncate(time.Second).Equal(newest) && !found {
				found = true
				apps[e.AppDisplayName+map[bool]string{true: "", false: " refresh"}[e.Interactive]]++
			}
		}
		if !found && !newest.Before(tenant.SignInLogStart()) {
			t.Errorf("user %d: newest sign-in %s of %+v is not in the log", i, newest, a)
		}
	}
	t.Logf("%d quiet members, %d signed in within 30 days: %v", quiet, rescued, apps)
	if rescued*10 < quiet || rescued*3 > quiet {
		t.Errorf("got %d of %d quiet members signed in within 30 days, want 10%% to 33%%", rescued, quiet)
	}
	for _, app := range []string{"Contoso Expenses", "Windows Sign In", "Windows Sign In refresh", "Office 365 Exchange Online refresh"} {
		if apps[app] == 0 {
			t.Errorf("got no quiet member whose newest sign-in is %s, want some (%v)", app, apps)
		}
	}
}

// TestAwayAppsFilter: the log read for one application (Contoso
// Expenses, Windows Sign In, Exchange Online) is the whole log's events
// of it, and the applications' ids and resources are Graph's.
func TestAwayAppsFilter(t *testing.T) {
	tenant := signInTenant(1500)
	want := map[string][]string{}
	for e := range tenant.SignIns("", time.Time{}, time.Time{}) {
		want[e.AppID] = append(want[e.AppID], e.ID)
	}
	cases := []struct {
		name, appID, display, resource string
	}{
		{"Contoso Expenses", graphsim.ExpensesAppID, "Contoso Expenses", graphsim.ExpensesAppID},
		{"Windows Sign In", "38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Sign In", "00000002-0000-0000-c000-000000000000"},
		{"Exchange Online", exchangeAppID, "Office 365 Exchange Online", exchangeAppID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for e := range tenant.SignIns(c.appID, time.Time{}, time.Time{}) {
				got = append(got, e.ID)
				if e.AppDisplayName != c.display || e.ResourceID != c.resource {
					t.Fatalf("event %s: got %s, resource %s; want %s, resource %s", e.ID, e.AppDisplayName, e.ResourceID, c.display, c.resource)
				}
			}
			if len(got) < 20 || !slices.Equal(got, want[c.appID]) {
				t.Errorf("got %d events, want the log's %d (at least 20)", len(got), len(want[c.appID]))
			}
		})
	}
}

// TestDisabledAccountsStopSigningIn: the simulator does not date when an
// account was disabled, only that it was by the origin, after its last
// visit: a disabled account signs in no later than its last report
// activity plus the three days tokens linger after a visit, never away
// from Microsoft 365, and twenty days on it has signed in no more.
func TestDisabledAccountsStopSigningIn(t *testing.T) {
	gen := graphsim.GenOptions{Users: 3000, Seed: 42, Now: fixedNow}
	a := graphsim.Generate(gen)
	gen.Day, gen.Now = 20, fixedNow.AddDate(0, 0, 20)
	b := graphsim.Generate(gen)
	disabled, signed := 0, 0
	for i := range a.UserCount() {
		if a.User(i).AccountEnabled {
			continue
		}
		disabled++
		x, okA := a.SignInActivity(i)
		y, okB := b.SignInActivity(i)
		if okA != okB || !sameActivity(x, y) {
			t.Errorf("user %d: got signInActivity %+v (%v) 20 days on, want %+v (%v) as when disabled", i, y, okB, x, okA)
		}
		if !okA {
			continue
		}
		signed++
		latest, _, _ := latestActivity(a, i)
		if newest := newestSignIn(x); !latest.IsZero() && newest.After(latest.AddDate(0, 0, 4)) {
			t.Errorf("user %d: got a sign-in at %s, want none after the last report activity %s and its lingering tokens",
				i, newest, latest.Format(time.DateOnly))
		}
		for _, tn := range []*graphsim.Tenant{a, b} {
			for e := range tn.UserSignIns(i, time.Time{}, time.Time{}) {
				if e.AppID == graphsim.ExpensesAppID || e.AppID == graphsim.WindowsSignInAppID || e.CreatedDateTime.After(a.Now()) {
					t.Errorf("user %d, day %d: got a sign-in to %s at %s, want none away from Microsoft 365 nor after day 0",
						i, tn.Day(), e.AppDisplayName, e.CreatedDateTime)
				}
			}
		}
	}
	if disabled < 50 || signed == 0 {
		t.Errorf("got %d disabled accounts, %d of them ever signed in; want some of each", disabled, signed)
	}
}

// sameActivity reports whether a and b hold the same dates.
func sameActivity(a, b extract.SignInActivity) bool {
	return a.UserID == b.UserID && a.LastSignIn.Equal(b.LastSignIn) &&
		a.LastNonInteractive.Equal(b.LastNonInteractive) && a.LastSuccessful.Equal(b.LastSuccessful)
}

// TestAwaySignInsDayAfter: day D+1 serves the same sign-ins away from
// Microsoft 365 as day D for the hours both see, members who sign in to
// an application every few days are still at it, and no signInActivity
// date of a quiet member moves back.
func TestAwaySignInsDayAfter(t *testing.T) {
	for _, day := range []int{0, 6} {
		t.Run(fmt.Sprintf("day %d to %d", day, day+1), func(t *testing.T) { checkAwayDayAfter(t, day) })
	}
}

// checkAwayDayAfter compares days day and day+1: the events of both
// sign-on applications in the hours both see, some since, and the
// signInActivity of the members idle on the report.
func checkAwayDayAfter(t *testing.T, day int) {
	gen := func(d int) *graphsim.Tenant {
		return graphsim.Generate(graphsim.GenOptions{Users: 2000, Seed: 5, Now: fixedNow.AddDate(0, 0, d), Day: d})
	}
	a, b := gen(day), gen(day+1)
	from, to := b.SignInLogStart(), a.Now().Add(time.Second)
	for _, app := range []string{graphsim.ExpensesAppID, graphsim.WindowsSignInAppID} {
		var got, want []string
		for e := range a.SignIns(app, from, to) {
			want = append(want, e.ID+e.CreatedDateTime.String())
		}
		for e := range b.SignIns(app, from, to) {
			got = append(got, e.ID+e.CreatedDateTime.String())
		}
		if len(want) < 50 || !slices.Equal(got, want) {
			t.Errorf("%s: got %d events of the shared hours on day %d, want the %d of day %d (at least 50)", app, len(got), day+1, len(want), day)
		}
		if countEvents(b.SignIns(app, a.Now(), time.Time{})) == 0 {
			t.Errorf("%s: got no event since day %d's now, want members still signing in", app, day)
		}
	}
	moved := 0
	for i := range a.UserCount() {
		latest, _, _ := latestActivity(a, i)
		if latest.IsZero() || a.ReportRefreshDate().Sub(latest) < 30*24*time.Hour {
			continue
		}
		x, _ := a.SignInActivity(i)
		y, _ := b.SignInActivity(i)
		for k, pair := range [][2]time.Time{{x.LastSignIn, y.LastSignIn}, {x.LastNonInteractive, y.LastNonInteractive}, {x.LastSuccessful, y.LastSuccessful}} {
			if pair[1].Before(pair[0]) || (!pair[1].After(a.Now()) && !pair[1].Equal(pair[0])) {
				t.Errorf("user %d date %d: got %s on day %d, %s the day before", i, k, pair[1], day+1, pair[0])
			}
		}
		if y.LastSignIn.After(x.LastSignIn) {
			moved++
		}
	}
	if moved == 0 {
		t.Errorf("day %d: no idle member's lastSignInDateTime moved on, want some", day+1)
	}
}
