package graphsim

import (
	"iter"
	"sync"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// Microsoft 365 Copilot: GenOptions.CopilotSeats assigns the
// Microsoft_365_Copilot SKU directly to a share of the members holding a
// suite, and GET /v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail
// reports their use. The report covers "all users who were licensed for
// Microsoft 365 Copilot at any point over the past 180 days" and its data
// arrives "within 72 hours of the end of that day"
// (https://learn.microsoft.com/microsoft-365/admin/activity-reports/microsoft-365-copilot-usage).

// copilotLaunch is when Microsoft 365 Copilot became available.
var copilotLaunch = time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)

// copilotPrereqs are the suites a Copilot holder has: Copilot is an add-on.
var copilotPrereqs = [...]int{skuE3, skuE5, skuO365E3, skuO365E1}

// addCopilot assigns Copilot directly to member i (profile p, suite
// licences s) with probability CopilotSeats, at least a week before the
// origin: after its creation, never before Copilot's launch (November
// 2023). It draws from streamCopilot only, and nothing when the tenant
// has no Copilot.
func (t *Tenant) addCopilot(s *licenceSet, i int, p profile) {
	if t.copilot <= 0 || p.kind != kindMember {
		return
	}
	suite := false
	for _, k := range copilotPrereqs {
		suite = suite || s.heldSKU(k)
	}
	r := newRNG(t.seed, i, streamCopilot)
	if !suite || !r.chance(t.copilot) {
		return
	}
	oldest := min(int(t.origin.Sub(copilotLaunch).Hours()/24), p.ageDays)
	if oldest < 8 {
		return // too new an account (or a tenant before Copilot)
	}
	at := addDays(t.origin, -r.between(7, oldest-1)).Add(time.Duration(r.intn(86400)) * time.Second)
	h := s.get(skuCopilot)
	h.direct, h.directAt = true, later(at, p.createdAt.Add(time.Hour))
}

// mayHoldCopilot reports whether user i's generated licences may hold a
// Copilot plan: false when addCopilot, their only source of the Copilot
// SKU, does not draw it (its first draw), and no other SKU has a Copilot
// plan. The Copilot report asks it first: most users need no licences
// generated.
func (t *Tenant) mayHoldCopilot(i int, p profile) bool {
	if !copilotPlansOnlyInCopilotSKU() {
		return true
	}
	r := newRNG(t.seed, i, streamCopilot)
	return t.copilot > 0 && p.kind == kindMember && r.chance(t.copilot)
}

// copilotPlansOnlyInCopilotSKU reports whether Microsoft_365_Copilot is
// the only SKU of the catalogue with Copilot plans.
var copilotPlansOnlyInCopilotSKU = sync.OnceValue(func() bool {
	for k, ids := range classPlans()[classCopilot] {
		if k != skuCopilot && len(ids) > 0 {
			return false
		}
	}
	return true
})

// CopilotReportRefreshDate is the Copilot usage report's "Report Refresh
// Date": a day behind the other reports (Now minus three days, midnight
// UTC), as Copilot activity arrives up to 72 hours after the day ends.
func (t *Tenant) CopilotReportRefreshDate() time.Time { return addDays(t.refresh, -1) }

// Share of active Copilot holders who use each app of extract.CopilotApps
// (beside their main one), and the weights of each app being the main one.
var (
	copilotAppUse  = [8]float64{0.8, 0.65, 0.45, 0.3, 0.3, 0.5, 0.1, 0.05}
	copilotPrimary = []int{45, 30, 8, 4, 3, 9, 1, 0}
)

// copilotPeriods are the periods period='ALL' reports, one row each.
var copilotPeriods = []string{"D7", "D30", "D90", "D180"}

// CopilotUsage returns user i's row of the Microsoft 365 Copilot usage
// report for period (D7, D30, D90 or D180; the dates are all-time
// whatever the period), false when the user held no Copilot licence in
// the report's scope: held as the report snapshot saw it, or at the
// origin when that is within 180 days. About 60% of holders used Copilot
// within the last week (and keep doing so day after day), 15% last used
// it 30 to 120 days before the origin, 25% never did (empty dates). The
// Last Activity Date is the latest app date; no date is after
// CopilotReportRefreshDate or before the licence. Names are concealed
// when the report settings say so. It panics when i is out of range.
func (t *Tenant) CopilotUsage(i int, period string) (extract.CopilotUsageRow, bool) {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	row, d, ok := t.copilotUsage(i, period)
	if ok {
		row.UserPrincipalName, row.DisplayName = t.reportNamesOf(i, d)
	}
	return row, ok
}

// copilotUsage is CopilotUsage without the names: the row, and the
// draws to spell them from.
func (t *Tenant) copilotUsage(i int, period string) (extract.CopilotUsageRow, nameDraw, bool) {
	if t.skus <= skuCopilot {
		return extract.CopilotUsageRow{}, nameDraw{}, false
	}
	p := t.profile(i)
	since, ok := t.copilotSince(i, p)
	if !ok {
		return extract.CopilotUsageRow{}, nameDraw{}, false
	}
	row := extract.CopilotUsageRow{ReportRefreshDate: t.CopilotReportRefreshDate(), ReportPeriod: reportPeriodDays(period)}
	t.copilotDates(i, since, &row)
	return row, t.drawName(i, p), true
}

// copilotSince returns the day user i got Copilot, false when outside
// the report's scope.
func (t *Tenant) copilotSince(i int, p profile) (time.Time, bool) {
	changed := t.reported[i] != nil
	if !changed && !t.mayHoldCopilot(i, p) {
		return time.Time{}, false
	}
	var s licenceSet
	t.reportedLicences(&s, i, p)
	since, ok := t.heldPlan(&s, classCopilot)
	if !ok && changed && t.day <= 180 && t.mayHoldCopilot(i, p) { // removed since the origin
		s = licenceSet{}
		t.generateLicences(&s, i, p)
		since, ok = t.heldPlan(&s, classCopilot)
	}
	return since, ok && !since.After(t.CopilotReportRefreshDate())
}

// copilotDates fills the last activity dates of a holder since since.
func (t *Tenant) copilotDates(i int, since time.Time, row *extract.CopilotUsageRow) {
	r := newRNG(t.seed, i, streamCopilotUse)
	var rc recency
	switch x := r.float(); {
	case x < 0.25:
		return // never used it
	case x < 0.40:
		rc = recency{idle: r.between(30, 120)}
	default:
		rc = recency{idle: r.intn(7), period: 7}
	}
	last := t.last(rc, t.CopilotReportRefreshDate(), since)
	main := r.pick(copilotPrimary)
	for k := range row.AppLastActivity {
		used, extra := r.chance(copilotAppUse[k]), r.intn(45)
		switch {
		case k == main:
			row.AppLastActivity[k] = last
		case used:
			row.AppLastActivity[k] = later(addDays(last, -extra), since)
		}
	}
	row.LastActivityDate = last
}

// CopilotUsageRows yields the Copilot usage report for period in
// download order: the holders by user index; period ALL yields each
// holder's row for D7, D30, D90 and D180 in turn.
func (t *Tenant) CopilotUsageRows(period string) iter.Seq[extract.CopilotUsageRow] {
	periods := []string{period}
	if period == "ALL" {
		periods = copilotPeriods
	}
	return func(yield func(extract.CopilotUsageRow) bool) {
		for i := 0; i < t.users; i++ {
			row, ok := t.CopilotUsage(i, periods[0])
			for n := 0; ok && n < len(periods); n++ {
				row.ReportPeriod = reportPeriodDays(periods[n])
				if !yield(row) {
					return
				}
			}
		}
	}
}
