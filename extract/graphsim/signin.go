package graphsim

import (
	"math"
	"strings"
	"time"
)

// Sign-ins: the Entra sign-in logs (GET /auditLogs/signIns) and users'
// signInActivity come from one model of when each user signs in, so that
// signInActivity is exactly the newest events of the log (older ones
// included: the log keeps 30 days, the property forever). Events are a
// pure function of (seed, user index, UTC day), drawn from streams of
// their own, built on the fly: day D+1 serves the same events as day D
// for every day both can see. shared/research/usage-signals.md §4, §5.1.
//
// A user who signs in has visit days, when they sign in interactively
// (one of Office Home, Exchange Online or Teams; sometimes a wrong
// password first), and on the linger days after each visit their devices
// refresh tokens (non-interactive sign-ins). The visits replay the Office
// 365 report's activity draws (drawRecency): an active user comes back
// every period days on the very days the report's last activity date
// moves to, an idle user stopped on the report's last activity date, a
// user the report never saw active signed in long before (or never), and
// the creation day is a visit too. Holders of a Power BI plan sign in to
// the Power BI service on some of their signed-in days: daily, weekly,
// only long ago, or never; a few unlicensed members use Power BI free.
// Some enabled members quiet on the report still sign in, away from
// Microsoft 365 (signinaway.go): to a single sign-on application every
// few days, or their device refreshes tokens for weeks after their last
// visit.

// Randomness streams of the sign-ins (other streams are in rand.go,
// churn.go, onprem.go and signals.go). Per-day streams key the day in
// their upper bits (dayStream).
const (
	streamSignIn        uint64 = 80 // a user's sign-in habits
	streamSignInVisit   uint64 = 81 // per day: the interactive sign-in of a visit
	streamSignInToken   uint64 = 82 // per day: non-interactive sign-ins
	streamSignInPBI     uint64 = 83 // per day: Power BI sign-ins
	streamSignInID      uint64 = 84 // event ids and correlation ids
	streamSignInAway    uint64 = 85 // a quiet member's sign-ins away from Microsoft 365
	streamSignInAwayDay uint64 = 86 // per day: those sign-ins
)

// Power BI cadences.
const (
	pbiNone uint8 = iota
	pbiDaily
	pbiWeekly
)

// signInProf is how user i signs in: 32 bytes, cached for the whole
// directory when the log is read (signInCache).
type signInProf struct {
	created   int32 // the account's creation day (days since 1970)
	createdAt int32 // and its second within that day
	anchor    int32 // a visit day
	end       int32 // the last visit day; noEnd while the user keeps coming
	pbiSince  int32 // first day of Power BI sign-ins (the plan's assignment)
	pbiCut    int32 // last day of Power BI sign-ins; noEnd when still using it
	period    uint8 // days between visits; 0: never signs in
	linger    uint8 // days of token refreshes after a visit
	pbi       uint8 // Power BI cadence
	pbiPhase  uint8 // weekly Power BI day: (day + pbiPhase) % 7 == 0
	away      uint8 // sign-ins away from Microsoft 365 (awayNone, …; signinaway.go)
	awayGap   uint8 // days between single sign-ons, or of refreshes after the last visit
	awayPhase uint8 // single sign-on days: (day + awayPhase) % awayGap == 0
}

const noEnd = math.MaxInt32

// lastVisit returns the latest visit day on or before d, false when the
// account did not exist yet or never signs in.
func (sp *signInProf) lastVisit(d int32) (int32, bool) {
	if sp.period == 0 || d < sp.created {
		return 0, false
	}
	e := min(d, sp.end)
	m := (e - sp.anchor) % int32(sp.period)
	if m < 0 {
		m += int32(sp.period)
	}
	return max(e-m, sp.created), true // the creation day is a visit
}

// lastDay is the last day the user can sign in at all.
func (sp *signInProf) lastDay() int32 {
	if sp.end == noEnd {
		return noEnd
	}
	return sp.end + int32(sp.linger)
}

// signInDraws are a user's draws of streamSignIn, in their fixed order.
type signInDraws struct {
	never, pbi            float64
	monthlyLinger, linger int
	ancient               uint64
	pbiPhase, pbiCutAgo   int
	free                  bool
}

func drawSignIn(r *rng) signInDraws {
	var d signInDraws
	d.never, d.monthlyLinger, d.linger, d.ancient = r.float(), r.between(2, 12), r.between(0, 3), r.next()
	d.pbi, d.pbiPhase, d.pbiCutAgo, d.free = r.float(), r.intn(7), r.between(29, 200), r.chance(0.01)
	return d
}

// signInProfile draws user i's sign-in habits: the visits, which replay
// Activity's draws (streamActivity, the licensed path), the rest drawn
// from streamSignIn, then for an enabled member quiet on the report the
// sign-ins away from Microsoft 365 (signinaway.go, streamSignInAway).
func (t *Tenant) signInProfile(i int) signInProf {
	p := t.profile(i)
	sp, q := t.visitProfile(i, p)
	if q != quietNo && p.kind == kindMember && p.enabled {
		t.awayHabit(&sp, i, p, q)
	}
	return sp
}

// How quiet a user is on the Office 365 report at the origin, for the
// sign-ins away from Microsoft 365.
const (
	quietNo    uint8 = iota // active within 30 days, or not there at the origin
	quietIdle               // last active 30 days or more before: sp.end
	quietNever              // never active
)

// visitProfile draws user i's visits and Power BI habit, and says how
// quiet the user is on the report.
func (t *Tenant) visitProfile(i int, p profile) (signInProf, uint8) {
	a := newRNG(t.seed, i, streamActivity)
	a.chance(0.03) // missing from the report
	a.float()      // reportCase
	rc, active := drawRecency(&a, p)
	r := newRNG(t.seed, i, streamSignIn)
	d := drawSignIn(&r)
	sec := p.createdAt.Unix()
	sp := signInProf{created: int32(floorDiv(sec, 86400)), createdAt: int32(floorMod(sec, 86400)),
		end: noEnd, pbiCut: noEnd, period: 7, linger: uint8(d.linger)}
	created, r0 := sp.created, dayNumber(t.origin)-2 // r0: the origin's report refresh date
	q := quietNo
	switch {
	case p.kind == kindService && d.never < 0.7: // rooms and shared mailboxes do not sign in
		return signInProf{}, quietNo
	case active && rc.period > 0: // back every period days
		sp.anchor, sp.period, sp.linger = r0-int32(rc.idle), uint8(rc.period), 7
		if rc.period > 7 {
			sp.linger = uint8(d.monthlyLinger)
		}
	case active && created <= r0: // idle: stopped on the report's last activity date
		sp.anchor = r0 - min(int32(rc.idle), r0-created)
		sp.end = sp.anchor
		if r0-sp.end >= 30 {
			q = quietIdle
		}
	case !active && d.never >= either(p.enabled, 0.5, 0.3) && created <= r0-401: // signed in long before
		sp.anchor = created + int32(d.ancient%uint64(r0-401-created+1))
		sp.end, q = sp.anchor, quietNever
	case !active && created <= r0:
		return signInProf{}, quietNever
	default:
		return signInProf{}, quietNo
	}
	if d.pbi < 0.8 || d.free {
		t.powerBIHabit(&sp, i, p, d, r0)
	}
	return sp, q
}

// powerBIHabit sets how user i uses Power BI: of the holders of a Power
// BI plan, 30% daily, 35% weekly, 15% weekly but only until a month or
// more before the origin, 20% never; 1% of the members without one use
// Power BI free, weekly.
func (t *Tenant) powerBIHabit(sp *signInProf, i int, p profile, d signInDraws, r0 int32) {
	since, licensed := t.powerBISince(i, p)
	switch {
	case licensed && d.pbi < 0.3:
		sp.pbi, sp.pbiSince = pbiDaily, dayNumber(since)
	case licensed && d.pbi < 0.8:
		sp.pbi, sp.pbiSince = pbiWeekly, dayNumber(since)
		if d.pbi >= 0.65 {
			sp.pbiCut = r0 - int32(d.pbiCutAgo) // used Power BI only long ago
		}
	case !licensed && d.free && p.kind == kindMember:
		sp.pbi, sp.pbiSince = pbiWeekly, sp.created
	}
	sp.pbiPhase = uint8(d.pbiPhase)
}

// EntraPremium reports whether the tenant has Microsoft Entra ID P1 or
// P2, which signInActivity and the sign-in logs need: a bought SKU with
// an AAD_PREMIUM plan that is not suspended, unless
// GenOptions.NoEntraPremium.
func (t *Tenant) EntraPremium() bool { return t.premium }

// holdsEntraPremium reports whether a bought SKU that is not suspended
// carries AAD_PREMIUM or AAD_PREMIUM_P2.
func (t *Tenant) holdsEntraPremium() bool {
	for k := range t.skus {
		for _, p := range skuCatalog()[k].plans {
			if strings.HasPrefix(p.name, "AAD_PREMIUM") && t.status[k] != "Suspended" {
				return true
			}
		}
	}
	return false
}

// powerBISince returns the day user i got a Power BI plan, as the daily
// report snapshot sees the licences, false without one.
func (t *Tenant) powerBISince(i int, p profile) (time.Time, bool) {
	var s licenceSet
	t.reportedLicences(&s, i, p)
	return t.heldPlan(&s, classPowerBI)
}

// dayNumber is t's day: days since 1970-01-01 UTC.
func dayNumber(t time.Time) int32 { return int32(floorDiv(t.Unix(), 86400)) }

// dayStream is a per-day stream: stream in the upper bits, day below.
func dayStream(stream uint64, d int32) uint64 { return stream<<32 | uint64(uint32(d)) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
