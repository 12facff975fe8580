package graphsim

// Sign-ins away from Microsoft 365. In real tenants some people use no
// Microsoft 365 workload yet keep signing in: they reach third-party SaaS
// through Entra single sign-on, sign in to Windows with Entra ID, or
// their devices keep refreshing tokens, which non-interactive sign-ins
// may do for up to 90 days of refresh-token inactivity
// (https://learn.microsoft.com/entra/identity-platform/refresh-tokens).
// seatledger's SignIn signal (Entra ID P1/P2, Intune and EMS plans)
// exists to keep their seats from being called idle. So some enabled
// members quiet on the Office 365 report at the origin (last active 30
// days or more before its refresh date, or never) sign in that way. Their
// habits and events draw from streams of their own (streamSignInAway,
// streamSignInAwayDay) and do not count as signed-in days for Power BI,
// so that no other event moves.

// ExpensesAppID is the application id of Contoso Expenses, a made-up
// SaaS enterprise application that members reach through Entra single
// sign-on; no real application has it.
const ExpensesAppID = "bddb69ce-e246-4c72-b2ba-b3e4d784e2a8"

// WindowsSignInAppID is the application id of Windows Sign In: signing in
// to a Windows device joined to Entra ID, and the renewals of its primary
// refresh token
// (https://learn.microsoft.com/troubleshoot/azure/entra/entra-id/governance/verify-first-party-apps-sign-in).
const WindowsSignInAppID = "38aa3b87-a06d-4817-b275-7a316988d93b"

// Kinds of sign-in away from Microsoft 365 (signInProf.away).
const (
	awayNone         uint8 = iota
	awayExpenses           // single sign-on to Contoso Expenses every awayGap days
	awayWindows            // Windows sign-in every awayGap days
	awayTailExchange       // a phone's mail app refreshes tokens for awayGap days after the last visit
	awayTailWindows        // a Windows device renews its primary refresh token, likewise
)

// awayHabit draws whether quiet member i signs in away from Microsoft
// 365: 20% sign in interactively every 2 to 5 days, from the day after
// the account's creation on, to Contoso Expenses (60%) or Windows (40%);
// of the members idle on the report, another 25% keep a device refreshing
// tokens (Exchange Online 60%, Windows 40%) until 14 to 90 days after
// their last visit.
func (t *Tenant) awayHabit(sp *signInProf, i int, p profile, q uint8) {
	r := newRNG(t.seed, i, streamSignInAway)
	x, gap, phase, tail, windows := r.float(), r.between(2, 5), r.intn(5), r.between(14, 90), r.chance(0.4)
	switch {
	case x < 0.2:
		sp.away, sp.awayGap, sp.awayPhase = awayExpenses, uint8(gap), uint8(phase%gap)
		if windows {
			sp.away = awayWindows
		}
	case x < 0.45 && q == quietIdle:
		sp.away, sp.awayGap = awayTailExchange, uint8(tail)
		if windows {
			sp.away = awayTailWindows
		}
	default:
		return
	}
	sec := p.createdAt.Unix() // as visitProfile sets them, for a member who never visits
	sp.created, sp.createdAt = int32(floorDiv(sec, 86400)), int32(floorMod(sec, 86400))
}

// signsIn reports whether the user ever signs in.
func (sp *signInProf) signsIn() bool { return sp.period != 0 || sp.away != awayNone }

// awaySpan returns the first and last day of the sign-ins away from
// Microsoft 365 (from > to: none): single sign-ons from the day after the
// creation on, refreshes from the day after the last visit's linger.
func (sp *signInProf) awaySpan() (from, to int32) {
	switch sp.away {
	case awayExpenses, awayWindows:
		return sp.created + 1, noEnd
	case awayTailExchange, awayTailWindows:
		return sp.end + int32(sp.linger) + 1, sp.end + int32(sp.awayGap)
	}
	return 1, 0
}

// awayEvents appends user i's sign-ins away from Microsoft 365 of day d:
// on nine in ten single sign-on days, an interactive sign-in in office
// hours (3% a wrong password first, retried); on seven in ten refresh
// days, one or two token refreshes at any time of the day.
func (t *Tenant) awayEvents(out []signInEvent, i int, sp *signInProf, d int32) []signInEvent {
	from, to := sp.awaySpan()
	if d < from || d > to {
		return out
	}
	r := newRNG(t.seed, i, dayStream(streamSignInAwayDay, d))
	base := int64(d) * 86400
	switch sp.away {
	case awayExpenses, awayWindows:
		if floorMod(int64(d)+int64(sp.awayPhase), int64(sp.awayGap)) != 0 || !r.chance(0.9) {
			return out
		}
		app := uint8(appExpenses)
		if sp.away == awayWindows {
			app = appWindowsSignIn
		}
		at := (base+7*3600+int64(r.intn(11*3600)))*ticksPerSecond + int64(r.intn(ticksPerSecond))
		if r.chance(0.03) {
			out = append(out, signInEvent{at: at, user: int32(i), seq: seqAway, app: app, inter: true, code: errBadPassword})
			at += int64(r.between(20, 120)) * ticksPerSecond
		}
		return append(out, signInEvent{at: at, user: int32(i), seq: seqAway + 1, app: app, inter: true})
	}
	if !r.chance(0.7) {
		return out
	}
	app := uint8(appExchange)
	if sp.away == awayTailWindows {
		app = appWindowsSignIn
	}
	for k := range 1 + r.intn(2) {
		at := (base+int64(r.intn(86400)))*ticksPerSecond + int64(r.intn(ticksPerSecond))
		out = append(out, signInEvent{at: at, user: int32(i), seq: seqAwayToken + uint8(k), app: app})
	}
	return out
}

// awayFacts lets f consider user i's newest sign-ins away from Microsoft
// 365 up to now, and says whether there was any. A day's are all of one
// kind (interactive or not) and end in a success, so the newest day with
// any holds all that f can take from them.
func (t *Tenant) awayFacts(f *signInFacts, i int, sp *signInProf) bool {
	from, to := sp.awaySpan()
	now := ticksOf(t.now)
	start := min(dayNumber(t.now), to)
	var buf []signInEvent
	for d := start; d >= max(from, start-120); d-- {
		buf = t.awayEvents(buf[:0], i, sp, d)
		found := false
		for k := range buf {
			if e := &buf[k]; e.at <= now {
				f.consider(e)
				found = true
			}
		}
		if found {
			return true
		}
	}
	return false
}
