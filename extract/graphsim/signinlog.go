package graphsim

import (
	"sort"
	"time"
)

// The sign-in log, newest first, a page at a time: each page rebuilds the
// days it reaches from the cached habits of the directory (36 bytes a
// user) and keeps only the events it returns, so that memory stays flat
// however many events the 30 days hold.

// signInRetention is how long the log keeps events with Entra ID P1 or P2
// (ENTRA reference-reports-data-retention).
const signInRetention = 30 * 24 * time.Hour

// signInCache is the directory's sign-in habits at one tenant version.
type signInCache struct {
	version uint64
	users   int
	profs   []signInProf
	signers []int32 // live users who ever sign in
	powerBI []int32 // those of them with a Power BI cadence
	away    []int32 // those of them who sign in away from Microsoft 365
}

// signInHabits returns the cache, built on first use and again after a
// Churn (which adds and deletes users). Licences changed since Generate
// do not matter: the habits read the licences as the daily report
// snapshot saw them.
func (t *Tenant) signInHabits() *signInCache {
	v := t.Version()
	t.signInMu.Lock()
	defer t.signInMu.Unlock()
	if c := t.signIns; c != nil && c.version == v && c.users == t.users {
		return c
	}
	c := &signInCache{version: v, users: t.users, profs: make([]signInProf, t.users)}
	for _, i := range t.LiveUsers() {
		sp := t.signInProfile(i)
		c.profs[i] = sp
		if !sp.signsIn() {
			continue
		}
		c.signers = append(c.signers, int32(i))
		if sp.pbi != pbiNone {
			c.powerBI = append(c.powerBI, int32(i))
		}
		if sp.away != awayNone {
			c.away = append(c.away, int32(i))
		}
	}
	t.signIns = c
	return c
}

// logFilter is a parsed $filter of the sign-in log: every condition must
// hold.
type logFilter struct {
	app     int   // an app index, -1 any, numSignInApps: an app no event has
	user    int   // a user index, -1 any, -2 a user no event has
	lo, hi  int64 // createdDateTime bounds in ticks, inclusive
	code    int32 // status/errorCode, -1 any
	hasCode bool
}

func anyEvent() logFilter {
	return logFilter{app: -1, user: -1, lo: minTicks, hi: maxTicks, code: -1}
}

const (
	minTicks = -1 << 62
	maxTicks = 1<<62 - 1
)

func (f *logFilter) match(e *signInEvent) bool {
	return e.at >= f.lo && e.at <= f.hi && (f.app < 0 || int(e.app) == f.app) && (!f.hasCode || e.code == f.code)
}

// parts are the parts of a day that can match f.
func (f *logFilter) parts() uint8 {
	switch {
	case f.app == int(appPowerBI):
		return partPBI
	case f.app == int(appExpenses) || f.app == int(appWindowsSignIn):
		return partAway
	case f.app == int(appExchange): // and devices refreshing tokens away
		return partVisit | partToken | partAway
	case f.app >= 0:
		return partVisit | partToken
	}
	return partAll
}

// ticksOf converts a time to ticks.
func ticksOf(t time.Time) int64 { return t.Unix()*ticksPerSecond + int64(t.Nanosecond()/100) }

// timeOf converts ticks to a UTC time.
func timeOf(ticks int64) time.Time {
	return time.Unix(floorDiv(ticks, ticksPerSecond), floorMod(ticks, ticksPerSecond)*100).UTC()
}

// logStart is the oldest instant the log still holds.
func (t *Tenant) logStart() int64 { return ticksOf(t.now.Add(-signInRetention)) }

// logPage returns up to n events matching f that come after the event
// after (all when after is nil), newest first, within the retention and
// never after Now.
func (t *Tenant) logPage(f logFilter, after *signInEvent, n int) []signInEvent {
	lo, hi := max(f.lo, t.logStart()), min(f.hi, ticksOf(t.now))
	if after != nil {
		hi = min(hi, after.at)
	}
	if f.app == int(numSignInApps) || f.user == -2 || lo > hi || n <= 0 {
		return nil
	}
	c := t.signInHabits()
	users := c.signers
	switch {
	case f.user >= 0:
		if f.user >= len(c.profs) || !c.profs[f.user].signsIn() {
			return nil
		}
		users = []int32{int32(f.user)}
	case f.app == int(appPowerBI):
		users = c.powerBI
	case f.app == int(appExpenses) || f.app == int(appWindowsSignIn):
		users = c.away
	}
	out := make([]signInEvent, 0, n)
	var h newestHeap
	var buf []signInEvent
	parts := f.parts()
	for d := int32(floorDiv(hi, 86400*ticksPerSecond)); d >= int32(floorDiv(lo, 86400*ticksPerSecond)) && len(out) < n; d-- {
		h.reset(n - len(out))
		for _, i := range users {
			buf = t.dayEvents(buf[:0], int(i), &c.profs[i], d, parts)
			for k := range buf {
				e := &buf[k]
				if e.at >= lo && e.at <= hi && f.match(e) && (after == nil || after.newer(e)) {
					h.offer(*e)
				}
			}
		}
		out = append(out, h.newestFirst()...)
	}
	return out
}

// newestHeap keeps the limit newest events offered: a heap whose root is
// the oldest kept.
type newestHeap struct {
	evs   []signInEvent
	limit int
}

func (h *newestHeap) reset(limit int) { h.evs, h.limit = h.evs[:0], limit }

func (h *newestHeap) offer(e signInEvent) {
	if len(h.evs) < h.limit {
		h.evs = append(h.evs, e)
		for k := len(h.evs) - 1; k > 0; {
			p := (k - 1) / 2
			if !h.evs[p].newer(&h.evs[k]) {
				break
			}
			h.evs[p], h.evs[k] = h.evs[k], h.evs[p]
			k = p
		}
		return
	}
	if len(h.evs) == 0 || !e.newer(&h.evs[0]) {
		return
	}
	h.evs[0] = e
	for k := 0; ; {
		l, m := 2*k+1, k
		if l < len(h.evs) && h.evs[m].newer(&h.evs[l]) {
			m = l
		}
		if l+1 < len(h.evs) && h.evs[m].newer(&h.evs[l+1]) {
			m = l + 1
		}
		if m == k {
			return
		}
		h.evs[k], h.evs[m] = h.evs[m], h.evs[k]
		k = m
	}
}

// newestFirst returns the kept events, newest first.
func (h *newestHeap) newestFirst() []signInEvent {
	sort.Slice(h.evs, func(a, b int) bool { return h.evs[a].newer(&h.evs[b]) })
	return h.evs
}
