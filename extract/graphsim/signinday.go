package graphsim

import "github.com/seatledger/seatledger/extract"

// One user's sign-in events of one day (signin.go explains the model).

// Applications users sign in to.
const (
	appOfficeHome uint8 = iota
	appExchange
	appTeams
	appPowerBI
	appExpenses      // a single sign-on application (signinaway.go)
	appWindowsSignIn // Windows sign-in with Entra ID
	numSignInApps
)

// signInApp is an application of the sign-in logs and the resource it
// asked a token for.
type signInApp struct {
	id, name, resourceID, resource, client string
}

// signInApps: well-known first-party application ids
// (https://learn.microsoft.com/troubleshoot/azure/entra/entra-id/governance/verify-first-party-apps-sign-in).
var signInApps = [numSignInApps]signInApp{
	appOfficeHome: {"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "Browser"},
	appExchange: {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
		"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "Browser"},
	appTeams: {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams",
		"cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services", "Mobile Apps and Desktop clients"},
	appPowerBI:  {extract.PowerBIAppID, "Power BI Service", extract.PowerBIAppID, "Power BI Service", "Browser"},
	appExpenses: {ExpensesAppID, "Contoso Expenses", ExpensesAppID, "Contoso Expenses", "Browser"},
	appWindowsSignIn: {WindowsSignInAppID, "Windows Sign In",
		"00000002-0000-0000-c000-000000000000", "Windows Azure Active Directory", "Mobile Apps and Desktop clients"},
}

// errBadPassword is the status.errorCode of a wrong password.
const errBadPassword = 50126

// signInEvent is one event, without its strings. Events order by at
// (newest first), then user, then seq: a total order, so that a page
// boundary is a key.
type signInEvent struct {
	at    int64 // 100 ns ticks since 1970 (Graph's seven fraction digits)
	user  int32
	seq   uint8
	app   uint8
	inter bool  // isInteractive
	code  int32 // status.errorCode: 0 or errBadPassword
}

// newer reports whether a comes before b in the log.
func (a *signInEvent) newer(b *signInEvent) bool {
	if a.at != b.at {
		return a.at > b.at
	}
	if a.user != b.user {
		return a.user < b.user
	}
	return a.seq < b.seq
}

// Parts of a day's events, so that a read of one application builds only
// what it can match.
const (
	partVisit uint8 = 1 << iota // the interactive sign-in of a visit day
	partToken                   // token refreshes
	partPBI                     // Power BI
	partAway                    // sign-ins away from Microsoft 365
	partUsual = partVisit | partToken | partPBI
	partAll   = partUsual | partAway
)

const ticksPerSecond = 10_000_000

// Event sequence numbers within a user's day.
const (
	seqVisit      = 0 // 1: the retry after a wrong password
	seqToken      = 2 // 2, 3, 4
	seqPBI        = 8 // 9: the retry; 10: a token refresh
	seqPBIRefresh = 10
	seqAway       = 12 // 13: the retry
	seqAwayToken  = 14 // 14, 15
)

// dayEvents appends user i's events of day d (parts of them), in no
// particular order; events of the day the account was created fall after
// its creation. Each part draws from its own per-day stream, so any
// subset of parts builds the same events. Sign-ins away from Microsoft
// 365 never fall on the creation day, nor make a day signed in for Power
// BI.
func (t *Tenant) dayEvents(out []signInEvent, i int, sp *signInProf, d int32, parts uint8) []signInEvent {
	if parts&partAway != 0 && sp.away != awayNone {
		out = t.awayEvents(out, i, sp, d)
	}
	last, ok := sp.lastVisit(d)
	if !ok || d > sp.lastDay() {
		return out
	}
	from := len(out)
	base := int64(d) * 86400
	signedIn := false // successfully, interactively or not
	if last == d {
		out, signedIn = t.visitEvents(out, i, d, parts)
	}
	failedVisit := last == d && !signedIn // a wrong password, given up: no token works that day
	if !failedVisit && d-last <= int32(sp.linger) {
		r := newRNG(t.seed, i, dayStream(streamSignInToken, d))
		if r.chance(0.85) {
			signedIn = true
			if parts&partToken != 0 {
				out = tokenEvents(out, &r, i, base)
			}
		}
	}
	if parts&partPBI != 0 && signedIn && sp.pbi != pbiNone && d >= sp.pbiSince && d <= sp.pbiCut {
		out = t.powerBIEvents(out, i, sp, d)
	}
	if d == sp.created {
		afterCreation(out[from:], int64(sp.createdAt))
	}
	return out
}

// visitEvents appends the interactive sign-in of visit day d (one of
// Office Home, Exchange Online or Teams, in office hours; 4% a wrong
// password first, retried 70% of the time) and says whether it
// succeeded.
func (t *Tenant) visitEvents(out []signInEvent, i int, d int32, parts uint8) ([]signInEvent, bool) {
	r := newRNG(t.seed, i, dayStream(streamSignInVisit, d))
	app := uint8(r.pick(visitAppWeights))
	at := (int64(d)*86400+7*3600+int64(r.intn(11*3600)))*ticksPerSecond + int64(r.intn(ticksPerSecond))
	fail, retry, delay := r.chance(0.04), r.chance(0.7), int64(r.between(40, 300))
	if parts&partVisit == 0 {
		return out, !fail || retry
	}
	code := int32(0)
	if fail {
		code = errBadPassword
	}
	out = append(out, signInEvent{at: at, user: int32(i), seq: seqVisit, app: app, inter: true, code: code})
	if fail && retry {
		out = append(out, signInEvent{at: at + delay*ticksPerSecond, user: int32(i), seq: seqVisit + 1, app: app, inter: true})
	}
	return out, !fail || retry
}

// tokenEvents appends one to three token refreshes at any time of the
// day (Exchange, Teams, Office Home); r has drawn whether there are any.
func tokenEvents(out []signInEvent, r *rng, i int, base int64) []signInEvent {
	n := 1 + r.intn(3)
	for k := range n {
		app := tokenApps[r.pick(tokenAppWeights)]
		at := (base+int64(r.intn(86400)))*ticksPerSecond + int64(r.intn(ticksPerSecond))
		out = append(out, signInEvent{at: at, user: int32(i), seq: seqToken + uint8(k), app: app})
	}
	return out
}

// Applications of visits and token refreshes, and their weights.
var (
	visitAppWeights = []int{50, 25, 25} // appOfficeHome, appExchange, appTeams
	tokenApps       = []uint8{appExchange, appTeams, appOfficeHome}
	tokenAppWeights = []int{50, 40, 10}
)

// powerBIEvents appends the Power BI sign-ins of a signed-in day d, if
// the cadence has one: an interactive sign-in in office hours (5% a
// wrong password first, retried most of the time) and, on 30% of them,
// a token refresh later that day.
func (t *Tenant) powerBIEvents(out []signInEvent, i int, sp *signInProf, d int32) []signInEvent {
	r := newRNG(t.seed, i, dayStream(streamSignInPBI, d))
	x := r.float()
	switch {
	case sp.pbi == pbiDaily && x >= 0.8:
		return out
	case sp.pbi == pbiWeekly && floorMod(int64(d)+int64(sp.pbiPhase), 7) != 0:
		return out
	}
	base := int64(d) * 86400
	at := (base+8*3600+int64(r.intn(9*3600)))*ticksPerSecond + int64(r.intn(ticksPerSecond))
	fail, retry, delay := r.chance(0.05), r.chance(0.6), int64(r.between(30, 180))
	refresh, later := r.chance(0.3), int64(r.intn(4*3600))
	if fail {
		out = append(out, signInEvent{at: at, user: int32(i), seq: seqPBI, app: appPowerBI, inter: true, code: errBadPassword})
		if !retry {
			return out
		}
		at += delay * ticksPerSecond
	}
	out = append(out, signInEvent{at: at, user: int32(i), seq: seqPBI + 1, app: appPowerBI, inter: true})
	if refresh {
		out = append(out, signInEvent{at: at + (60+later)*ticksPerSecond, user: int32(i), seq: seqPBIRefresh, app: appPowerBI})
	}
	return out
}

// afterCreation moves the events of the creation day into the part of the
// day after the creation (second sec of the day, plus a minute), keeping
// their order.
func afterCreation(evs []signInEvent, sec int64) {
	if len(evs) == 0 {
		return
	}
	base := floorDiv(evs[0].at, 86400*ticksPerSecond) * 86400
	start := (sec + 60) * ticksPerSecond
	span := int64(86400)*ticksPerSecond - start
	if span <= 0 {
		start, span = int64(86399)*ticksPerSecond, ticksPerSecond
	}
	for k := range evs {
		off := evs[k].at - base*ticksPerSecond
		evs[k].at = base*ticksPerSecond + start + int64(float64(off)/float64(86400*ticksPerSecond)*float64(span))
	}
}
