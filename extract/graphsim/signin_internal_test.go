package graphsim

import (
	"testing"
	"time"
)

// TestVisitsAgreeWithActivity: a user's last interactive visit on or
// before the report refresh date is the Office 365 report's latest last
// activity date, day after day. Rooms and shared mailboxes, most of
// which never sign in, are left out: their mailboxes are used without.
func TestVisitsAgreeWithActivity(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	for _, day := range []int{0, 1, 6} {
		tn := Generate(GenOptions{Users: 1500, Seed: 4, Now: now.AddDate(0, 0, day), Day: day})
		ref := dayNumber(tn.ReportRefreshDate())
		checked := 0
		for i := range tn.UserCount() {
			row, ok := tn.Activity(i)
			if !ok {
				continue
			}
			var newest time.Time
			for _, d := range row.LastActivityDate {
				newest = later(newest, d)
			}
			if newest.IsZero() || tn.profile(i).kind == kindService {
				continue
			}
			sp := tn.signInProfile(i)
			v, ok := sp.lastVisit(ref)
			if !ok || v != dayNumber(newest) {
				t.Errorf("day %d, user %d: got last visit %d (%v), want the report's %s (%d)", day, i, v, ok, newest.Format(time.DateOnly), dayNumber(newest))
			}
			checked++
		}
		if checked < 1000 {
			t.Errorf("day %d: checked %d users, want most of 1500", day, checked)
		}
	}
}

// BenchmarkPowerBISignIns reads the last 30 days of Power BI sign-ins of
// a 100,000-user tenant, every page of 1,000 rendered as JSON: the
// simulator's cost of a filtered read, without TLS or a client (the
// directory's sign-in habits are cached on the first read, as a server
// would after its first request).
func BenchmarkPowerBISignIns(b *testing.B) {
	tn := Generate(GenOptions{Users: 100_000, Seed: 1, Now: time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)})
	s, err := NewServer(tn, ServerOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatalf("NewServer: %v", err)
	}
	f := anyEvent()
	f.app, f.lo = int(appPowerBI), ticksOf(tn.SignInLogStart())
	read := func() (events, bytes int) {
		var after *signInEvent
		buf := make([]byte, 0, 1<<20)
		for {
			page := tn.logPage(f, after, signInsTop)
			buf = buf[:0]
			for k := range page {
				buf = s.appendSignIn(buf, &page[k])
			}
			events, bytes = events+len(page), bytes+len(buf)
			if len(page) < signInsTop {
				return events, bytes
			}
			after = &page[len(page)-1]
		}
	}
	events, size := read()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		read()
	}
	b.ReportMetric(float64(events), "events/op")
}

// BenchmarkSignInHabits builds the sign-in habits of a 100,000-user
// tenant (the cache every read of the log starts from), and computes
// every user's signInActivity (what listing users with it costs, without
// the JSON).
func BenchmarkSignInHabits(b *testing.B) {
	tn := Generate(GenOptions{Users: 100_000, Seed: 1, Now: time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)})
	b.Run("habits", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tn.signInMu.Lock()
			tn.signIns = nil
			tn.signInMu.Unlock()
			tn.signInHabits()
		}
	})
	b.Run("signInActivity", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range tn.UserCount() {
				tn.SignInActivity(i)
			}
		}
	})
}
