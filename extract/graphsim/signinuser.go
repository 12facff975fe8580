package graphsim

import (
	"iter"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// signInActivity on users, and the exported views of the sign-in model
// that tests in other packages derive expected answers from.

// Cut-offs of signInActivity (graph-facts.md §1.3): the interactive and
// non-interactive dates go back to April and May 2020, and
// lastSuccessfulSignInDateTime exists from 1 December 2023, not
// back-filled.
var (
	interactiveSince    = time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)
	nonInteractiveSince = time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	successfulSince     = time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
)

// signInFacts is a user's signInActivity: the newest interactive,
// non-interactive and successful events (set false: null).
type signInFacts struct {
	never                         bool // signInActivity itself is null
	last, nonInteractive, success signInEvent
	hasLast, hasNon, hasSuccess   bool
	ids                           [3]string // the request ids of last, nonInteractive, success (userSignIns)
}

// userSignIns is user i's signInActivity as GET /users writes it, request
// ids included.
func (t *Tenant) userSignIns(i int) *signInFacts {
	sp := t.signInProfile(i)
	f := t.signInFacts(i, &sp)
	for k, x := range []struct {
		has bool
		e   *signInEvent
	}{{f.hasLast, &f.last}, {f.hasNon, &f.nonInteractive}, {f.hasSuccess, &f.success}} {
		if x.has {
			f.ids[k] = t.eventID(x.e)
		}
	}
	return &f
}

// signInFacts finds user i's newest events at Now, scanning back day by
// day from their last signed-in day: within a period or two of visits;
// then the newest sign-ins away from Microsoft 365, which run on their
// own days.
func (t *Tenant) signInFacts(i int, sp *signInProf) signInFacts {
	var f signInFacts
	if !sp.signsIn() {
		return signInFacts{never: true}
	}
	if sp.period != 0 {
		now := ticksOf(t.now)
		start := min(dayNumber(t.now), sp.lastDay())
		var buf []signInEvent
		for d := start; d >= max(sp.created, start-120) && !(f.hasLast && f.hasNon && f.hasSuccess); d-- {
			buf = t.dayEvents(buf[:0], i, sp, d, partUsual)
			for k := range buf {
				if e := &buf[k]; e.at <= now {
					f.consider(e)
				}
			}
		}
	}
	if sp.away != awayNone && !t.awayFacts(&f, i, sp) && sp.period == 0 {
		return signInFacts{never: true} // not yet signed in
	}
	f.hasLast = f.hasLast && !timeOf(f.last.at).Before(interactiveSince)
	f.hasNon = f.hasNon && !timeOf(f.nonInteractive.at).Before(nonInteractiveSince)
	f.hasSuccess = f.hasSuccess && !timeOf(f.success.at).Before(successfulSince)
	return f
}

// consider keeps e where it is the newest of its kind so far.
func (f *signInFacts) consider(e *signInEvent) {
	keep := func(has *bool, cur *signInEvent) {
		if !*has || e.newer(cur) {
			*has, *cur = true, *e
		}
	}
	if e.inter {
		keep(&f.hasLast, &f.last)
	} else {
		keep(&f.hasNon, &f.nonInteractive)
	}
	if e.code == 0 {
		keep(&f.hasSuccess, &f.success)
	}
}

// SignInActivity returns user i's signInActivity as GET
// /users?$select=signInActivity serves it at Now, false when it is null
// (the account never signed in). A zero time is a null date: before April
// 2020 (May for non-interactive sign-ins), or a last success before
// December 2023, when Entra began recording it. Each date is the
// createdDateTime of the user's newest event of its kind, to the second;
// the sign-in log (30 days) holds it when recent enough. It panics when
// i is out of range.
func (t *Tenant) SignInActivity(i int) (extract.SignInActivity, bool) {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	sp := t.signInProfile(i)
	f := t.signInFacts(i, &sp)
	if f.never {
		return extract.SignInActivity{}, false
	}
	a := extract.SignInActivity{UserID: userGUID(t.seed, i)}
	if f.hasLast {
		a.LastSignIn = timeOf(f.last.at).Truncate(time.Second)
	}
	if f.hasNon {
		a.LastNonInteractive = timeOf(f.nonInteractive.at).Truncate(time.Second)
	}
	if f.hasSuccess {
		a.LastSuccessful = timeOf(f.success.at).Truncate(time.Second)
	}
	return a, true
}

// SignInEvent is one event of the simulated sign-in log
// (GET /auditLogs/signIns).
type SignInEvent struct {
	extract.SignIn        // UserID, CreatedDateTime (100 ns precision), AppID, ResourceID, ErrorCode
	ID             string // the event's id (a signInActivity …RequestId when newest)
	UserIndex      int
	AppDisplayName string
	Interactive    bool
}

// SignInLogStart is the oldest instant the sign-in log holds: Now minus
// the 30 days Entra ID P1/P2 keeps.
func (t *Tenant) SignInLogStart() time.Time { return t.now.Add(-signInRetention) }

// SignIns yields the sign-in log as GET /auditLogs/signIns serves it:
// the events of application appID ("" for all) created in [from, to)
// (a zero time: no bound), newest first, within the retention (from SignInLogStart) and never
// after Now. Deleted users' events are gone.
func (t *Tenant) SignIns(appID string, from, to time.Time) iter.Seq[SignInEvent] {
	f := anyEvent()
	if appID != "" {
		f.app = appIndex(appID)
	}
	return t.signInSeq(f, from, to)
}

// UserSignIns yields user i's events of the log created in [from, to),
// newest first, like SignIns.
func (t *Tenant) UserSignIns(i int, from, to time.Time) iter.Seq[SignInEvent] {
	f := anyEvent()
	f.user = i
	return t.signInSeq(f, from, to)
}

// LastSignIn returns user i's newest successful sign-in to application
// appID created in [from, to) that the log holds (the newest Power BI
// use for extract.PowerBIAppID), false when there is none.
func (t *Tenant) LastSignIn(i int, appID string, from, to time.Time) (SignInEvent, bool) {
	f := anyEvent()
	f.user, f.app, f.code, f.hasCode = i, appIndex(appID), 0, true
	for e := range t.signInSeq(f, from, to) {
		return e, true
	}
	return SignInEvent{}, false
}

// signInSeq yields the events of f in [from, to) (a zero time: no
// bound), a page at a time.
func (t *Tenant) signInSeq(f logFilter, from, to time.Time) iter.Seq[SignInEvent] {
	if !from.IsZero() {
		f.lo = ticksOf(from)
	}
	if !to.IsZero() {
		f.hi = ticksOf(to) - 1
	}
	return func(yield func(SignInEvent) bool) {
		var after *signInEvent
		for {
			page := t.logPage(f, after, 1000)
			for k := range page {
				if !yield(t.exportEvent(&page[k])) {
					return
				}
			}
			if len(page) < 1000 {
				return
			}
			after = &page[len(page)-1]
		}
	}
}

// exportEvent fills a SignInEvent.
func (t *Tenant) exportEvent(e *signInEvent) SignInEvent {
	app := &signInApps[e.app]
	return SignInEvent{
		SignIn: extract.SignIn{UserID: userGUID(t.seed, int(e.user)), CreatedDateTime: timeOf(e.at),
			AppID: app.id, ResourceID: app.resourceID, ErrorCode: int(e.code)},
		ID: t.eventID(e), UserIndex: int(e.user), AppDisplayName: app.name, Interactive: e.inter,
	}
}

// appIndex is the index of application id (case-insensitive),
// numSignInApps when no event has it.
func appIndex(id string) int {
	for k := range signInApps {
		if strings.EqualFold(signInApps[k].id, id) {
			return k
		}
	}
	return int(numSignInApps)
}

// eventID and correlationID are GUIDs drawn from the event's key.
func (t *Tenant) eventID(e *signInEvent) string {
	g := t.eventIDBits(e)
	return guidFrom(g[0], g[1])
}

func (t *Tenant) eventIDBits(e *signInEvent) [2]uint64 {
	return [2]uint64{hash3(t.seed, uint64(e.at), streamSignInID<<8|uint64(e.seq)), hash3(t.seed, uint64(e.user), uint64(e.at))}
}

func (t *Tenant) correlationIDBits(e *signInEvent) [2]uint64 {
	return [2]uint64{hash3(t.seed, uint64(e.at), streamSignInID<<9|uint64(e.seq)), hash3(t.seed, uint64(e.user)+1<<40, uint64(e.at))}
}
