package graphsim

import (
	"strings"
	"sync"
	"time"
)

// The usage-signal reports (extract/signals.go): Microsoft 365 Copilot
// usage (copilot.go), Microsoft 365 Apps usage and Office activations
// (apps.go) and mailbox usage (mailbox.go). Like the Office 365 report,
// each row is a pure function of (seed, user index, day) and of the
// licences as the daily report snapshot saw them, built on the fly; each
// report draws from streams of its own, so that no existing user, licence
// or report value moves.

// Randomness streams of the usage-signal reports (other streams are in
// rand.go, churn.go and onprem.go).
const (
	streamCopilot        uint64 = 70 // whether and since when a member holds Copilot
	streamCopilotUse     uint64 = 71 // Copilot activity
	streamApps           uint64 = 72 // Microsoft 365 Apps use and activation
	streamActivation     uint64 = 73 // Project and Visio client activation
	streamMailbox        uint64 = 74 // mailbox type, size and archive
	streamMailboxDeleted uint64 = 75 // mailboxes of deleted users
	streamReportCase     uint64 = 76 // how the signal reports spell a UPN
)

// Service plans by name (stable across Microsoft's versioned plan ids).
const (
	planApps    = "OFFICESUBSCRIPTION"          // Microsoft 365 Apps for enterprise
	planProject = "PROJECT_CLIENT_SUBSCRIPTION" // Project desktop client
	planVisio   = "VISIO_CLIENT_SUBSCRIPTION"   // Visio desktop client
	planExoP2   = "EXCHANGE_S_ENTERPRISE"       // 100 GB mailbox, archive
	planCopilot = "M365_COPILOT_"               // prefix of every Microsoft 365 Copilot plan
	planPowerBI = "BI_AZURE_P"                  // prefix of the Power BI plans (Pro is BI_AZURE_P2)
)

// reportedLicences sets *s, the zero set, to user i's licences as the
// daily report snapshot saw them (see Activity): later AssignLicense and
// Churn changes do not show.
func (t *Tenant) reportedLicences(s *licenceSet, i int, p profile) {
	if r := t.reported[i]; r != nil {
		*s = *r
		return
	}
	t.generateLicences(s, i, p)
}

// planClass is a kind of service plan the signal reports look for.
type planClass int

const (
	classApps     planClass = iota // Microsoft 365 Apps for enterprise
	classProject                   // Project desktop client
	classVisio                     // Visio desktop client
	classExoP2                     // Exchange Online Plan 2 (100 GB, archive)
	classExchange                  // any plan licensing a mailbox
	classCopilot                   // any Microsoft 365 Copilot plan
	classPowerBI                   // any Power BI plan (BI_AZURE_P0, P1, P2, P3...)
	numPlanClasses
)

// classPlans lists, per class and SKU, the ids of the SKU's plans of
// that class: resolved once, so that a report row tests ids, not names.
var classPlans = sync.OnceValue(func() *[numPlanClasses][numSKUs][]string {
	match := [numPlanClasses]func(string) bool{
		classApps: planIs(planApps), classProject: planIs(planProject), classVisio: planIs(planVisio),
		classExoP2: planIs(planExoP2), classExchange: isExchangePlan, classCopilot: isCopilotPlan,
		classPowerBI: isPowerBIPlan,
	}
	var out [numPlanClasses][numSKUs][]string
	for c, m := range match {
		for k := range skuCatalog() {
			for _, p := range skuCatalog()[k].plans {
				if m(p.name) {
					out[c][k] = append(out[c][k], p.id)
				}
			}
		}
	}
	return &out
})

// heldPlan reports whether s assigns a SKU with an enabled service plan
// of class c, and the day of the earliest such assignment.
func (t *Tenant) heldPlan(s *licenceSet, c planClass) (time.Time, bool) {
	plans := &classPlans()[c]
	var since time.Time
	found := false
	for k := 0; k < s.n; k++ {
		h := &s.h[k]
		if !h.assigned() || !skuHasPlan(h, t.groupDis, plans[h.sku]) {
			continue
		}
		if at := day(earliestAssignment(*h)); !found || at.Before(since) {
			since = at
		}
		found = true
	}
	return since, found
}

// skuHasPlan reports whether one of the plans ids of h's SKU is enabled:
// not disabled by every source of h (effectiveDisabled, without building
// it).
func skuHasPlan(h *hold, dis [][numSKUs][]string, ids []string) bool {
	for _, id := range ids {
		if !disabledEverywhere(h, dis, id) {
			return true
		}
	}
	return false
}

// disabledEverywhere reports whether effectiveDisabled(h, dis) holds id:
// whether h has a source and every source disables id.
func disabledEverywhere(h *hold, dis [][numSKUs][]string, id string) bool {
	sources := false
	if h.direct {
		if !containsFold(h.disabled, id) {
			return false
		}
		sources = true
	}
	for g := range licenceGroups {
		if h.groups&(1<<g) != 0 {
			if !containsFold(dis[g][h.sku], id) {
				return false
			}
			sources = true
		}
	}
	return sources
}

func planIs(name string) func(string) bool { return func(n string) bool { return n == name } }

func isCopilotPlan(name string) bool { return strings.HasPrefix(name, planCopilot) }

func isPowerBIPlan(name string) bool { return strings.HasPrefix(name, planPowerBI) }

func isExchangePlan(name string) bool { return planWorkloads(name)&wlExchange != 0 }

// reportNamesOf returns user i's user principal name and display name
// (names drawn as d) as the signal reports spell them: sometimes in
// another case than the directory (the same in all four reports),
// concealed when the report settings say so. One allocation.
func (t *Tenant) reportNamesOf(i int, d nameDraw) (upn, display string) {
	var buf [192]byte
	b, n := t.appendReportNames(buf[:0], i, d)
	if t.ReportSettings().DisplayConcealedNames {
		var c [64]byte
		both := string(appendConcealed(appendConcealed(c[:0], b[n:]), b[:n]))
		return both[:32], both[32:]
	}
	both := string(b)
	return both[n:], both[:n]
}

// recency is when a user last used something, in activity.go's scheme:
// an active user comes back every period days, so their last use stays
// recent and never moves backwards; an idle user (period 0) last used it
// idle days before the origin's report, where it stays.
type recency struct{ idle, period int }

// last returns the day of last use for a report refreshed on refresh (a
// date that moves on with the tenant's Day), never before floor.
func (t *Tenant) last(rc recency, refresh, floor time.Time) time.Time {
	if rc.period > 0 {
		return later(addDays(refresh, -((rc.idle+t.day)%rc.period)), floor)
	}
	return later(addDays(refresh, -t.day-rc.idle), floor)
}

// maxFastDays bounds the day counts addDays adds without AddDate (a
// time.Duration holds about 106,000 days).
const maxFastDays = 100_000

// addDays is t.AddDate(0, 0, n), the same value, without its calendar
// arithmetic when t is in UTC (whose days all last 24 hours).
func addDays(t time.Time, n int) time.Time {
	if t.Location() != time.UTC || n > maxFastDays || n < -maxFastDays {
		return t.AddDate(0, 0, n)
	}
	return t.Add(time.Duration(n) * 24 * time.Hour).Round(0) // AddDate drops the monotonic reading
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// reportPeriodDays is the Report Period column for a period parameter:
// "7" for D7.
func reportPeriodDays(period string) string { return strings.TrimPrefix(period, "D") }
