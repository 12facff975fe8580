package graphsim

import (
	"crypto/md5"
	"iter"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// Activity returns user i's row of the Office 365 active-user-detail
// report, false when the user is missing from the report (unlicensed
// users mostly are, and a few licensed ones too). The report is the daily
// snapshot taken at ReportRefreshDate: licence changes made later through
// AssignLicense or Churn do not show (those of Generate's daily churn up
// to the refresh date do). Names are concealed when the report settings
// say so. It panics when i is out of range.
func (t *Tenant) Activity(i int) (extract.ActivityRow, bool) {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	p := t.profile(i)
	var s licenceSet
	t.reportedLicences(&s, i, p)
	r := newRNG(t.seed, i, streamActivity)
	licensed := false
	for _, h := range s.holds() {
		licensed = licensed || h.assigned()
	}
	switch {
	case licensed && r.chance(0.03):
		return extract.ActivityRow{}, false // licensed, yet missing from the report
	case !licensed && (p.kind != kindMember || r.chance(0.5)):
		return extract.ActivityRow{}, false
	}
	_, _, display, upn, _ := t.names(i, p)
	row := extract.ActivityRow{ReportRefreshDate: t.refresh, UserPrincipalName: reportCase(&r, upn), DisplayName: display}
	var products []string
	for _, h := range s.holds() {
		if !h.assigned() {
			continue
		}
		products = append(products, reportProduct(h.sku))
		w := workloadsOf(h.sku, effectiveDisabled(h, t.groupDis)) // the groups as the report saw them
		at := day(earliestAssignment(h))
		for k := range extract.Workloads {
			if w&(1<<k) != 0 {
				row.HasLicense[k] = true
				if row.LicenseAssignDate[k].IsZero() || at.Before(row.LicenseAssignDate[k]) {
					row.LicenseAssignDate[k] = at
				}
			}
		}
	}
	row.AssignedProducts = strings.Join(products, "+")
	t.activityDates(&r, p, &row)
	return t.conceal(row), true
}

// reportProduct is SKU k's name in Assigned Products: its upper-cased
// display name, except Copilot's, which the report calls by its new name
// (MICROSOFT 365 COPILOT, not the catalogue's "Microsoft Copilot for
// Microsoft 365"; shared/research/graph-facts.md §4.1 and §11): report
// names need not match the licensing CSV.
func reportProduct(k int) string {
	if k == skuCopilot {
		return "MICROSOFT 365 COPILOT"
	}
	return strings.ToUpper(skuCatalog()[k].productName)
}

// Share of licensed users who use each workload at all.
var workloadUse = [6]float64{0.97, 0.75, 0.6, 0.15, 0.25, 0.85}

// activityDates fills the last-activity dates: most users active within
// days, a tail idle 30 to 400 days, some never active; only for licensed
// workloads, never after the refresh date or before the account existed.
//
// Day after day (Tenant.Day), an active user comes back every period
// days (weekly, or monthly for the 7-to-29-day tail), so their last
// activity stays recent and never moves backwards; an idle user's last
// activity stays where the origin's report had it, so their idle days
// grow by one a day. Users added later start with none.
func (t *Tenant) activityDates(r *rng, p profile, row *extract.ActivityRow) {
	ref, idle, age, ok := t.activitySpan(r, p)
	if !ok {
		return
	}
	first := true
	for k := range extract.Workloads {
		if !row.HasLicense[k] || (!first && !r.chance(workloadUse[k])) {
			continue
		}
		extra := 0
		if !first {
			extra = min(r.intn(20), age-idle)
		}
		row.LastActivityDate[k] = addDays(ref, -(idle + extra))
		first = false
	}
}

// activitySpan draws how recently a user in the report was active: idle
// days before ref, their account age days old on ref; false when never
// active (or created after the report was taken).
func (t *Tenant) activitySpan(r *rng, p profile) (ref time.Time, idle, age int, ok bool) {
	rc, ok := drawRecency(r, p)
	if !ok {
		return ref, 0, 0, false // never active
	}
	// ref: the origin's report, unless the user keeps coming back.
	idle, period := rc.idle, rc.period // period 0: idle since a day before the origin
	ref = addDays(t.refresh, -t.day)
	if period > 0 {
		ref, idle = t.refresh, (idle+t.day)%period
	}
	age = int(ref.Sub(day(p.createdAt)).Hours() / 24)
	if age < 0 {
		return ref, 0, 0, false
	}
	return ref, min(idle, age), age, true
}

// drawRecency draws how a user in the report uses Office: never (false),
// back every period days (weekly, or monthly for the 7-to-29-day tail),
// or idle since idle days before the origin's report (period 0). Disabled
// accounts are never active or idle. The sign-in logs (signin.go) replay
// these draws, so that sign-ins agree with the report.
func drawRecency(r *rng, p profile) (recency, bool) {
	var rc recency
	switch x := r.float(); {
	case !p.enabled && x < 0.4, x < 0.05:
		return rc, false
	case !p.enabled:
		rc.idle = r.between(30, 400)
	case x < 0.75:
		rc = recency{idle: r.intn(7), period: 7}
	case x < 0.86:
		rc = recency{idle: r.between(7, 29), period: 30}
	default:
		rc.idle = r.between(30, 400)
	}
	return rc, true
}

// exchangeLastActivity is Activity(i).LastActivityDate[0], the Exchange
// date (zero when the user is missing from the report), for a user whose
// reported licences include an enabled Exchange plan (so licensed for
// Exchange, the first workload): the same draws of streamActivity,
// without building the row.
func (t *Tenant) exchangeLastActivity(i int, p profile) time.Time {
	r := newRNG(t.seed, i, streamActivity)
	if r.chance(0.03) {
		return time.Time{} // licensed, yet missing from the report
	}
	r.float() // reportCase's draw
	ref, idle, _, ok := t.activitySpan(&r, p)
	if !ok {
		return time.Time{}
	}
	return addDays(ref, -idle)
}

// reportCase: the report sometimes spells a UPN in another case than the
// directory does.
func reportCase(r *rng, upn string) string {
	switch x := r.float(); {
	case x < 0.08:
		return strings.ToLower(upn)
	case x < 0.1:
		return strings.ToUpper(upn[:1]) + upn[1:]
	}
	return upn
}

func earliestAssignment(h hold) time.Time {
	at := h.directAt
	if h.groups != 0 && (at.IsZero() || h.groupAt.Before(at)) {
		at = h.groupAt
	}
	return at
}

// day is t's midnight UTC: t.UTC().Truncate(24 * time.Hour), the same
// value, computed on Unix seconds (days since the zero time and since
// 1970 start at the same instants).
func day(t time.Time) time.Time {
	s := t.Unix()
	r := s % 86400
	if r < 0 {
		r += 86400
	}
	return time.Unix(s-r, 0).UTC()
}

// deletedIndex is the user index of the first deleted user of the report:
// beyond the directory however much Churn grows it, so that a deleted
// user's name never changes nor becomes a live user's.
const deletedIndex = 1_000_000_000

// DeletedCount is the number of deleted users that still appear in the
// usage report (Is Deleted True) after the directory users.
func (t *Tenant) DeletedCount() int { return t.deleted }

// DeletedActivity returns the report row of deleted user j
// (0 <= j < DeletedCount()). It panics when j is out of range.
func (t *Tenant) DeletedActivity(j int) extract.ActivityRow {
	if j < 0 || j >= t.deleted {
		panic("graphsim: deleted user index out of range")
	}
	r := newRNG(t.seed, j, streamDeleted)
	p := profile{kind: kindMember}
	_, _, display, upn, _ := t.names(deletedIndex+j, p) // past any directory index: never found
	row := extract.ActivityRow{ReportRefreshDate: t.refresh, UserPrincipalName: upn, DisplayName: display, IsDeleted: true}
	row.DeletedDate = t.refresh.AddDate(0, 0, -t.day-r.intn(30)) // deleted before the origin
	if r.chance(0.7) {
		row.LastActivityDate[0] = row.DeletedDate.AddDate(0, 0, -r.between(1, 60))
	}
	return t.conceal(row)
}

// ReportRows yields the whole usage report in download order: directory
// users present in the report, then deleted users.
func (t *Tenant) ReportRows() iter.Seq[extract.ActivityRow] {
	return func(yield func(extract.ActivityRow) bool) {
		for i := 0; i < t.users; i++ {
			if row, ok := t.Activity(i); ok && !yield(row) {
				return
			}
		}
		for j := 0; j < t.deleted; j++ {
			if !yield(t.DeletedActivity(j)) {
				return
			}
		}
	}
}

func (t *Tenant) conceal(row extract.ActivityRow) extract.ActivityRow {
	if t.ReportSettings().DisplayConcealedNames {
		row.UserPrincipalName, row.DisplayName = ConcealName(row.UserPrincipalName), ConcealName(row.DisplayName)
	}
	return row
}

// ConcealName is how the simulated report hides a name when the tenant
// conceals user details: 32 upper-case hex characters (an MD5 of the
// name), the shape Microsoft's concealed reports show.
func ConcealName(s string) string {
	var buf [32]byte
	return string(appendConcealed(buf[:0], []byte(s)))
}

// appendConcealed appends ConcealName of name.
func appendConcealed(b, name []byte) []byte {
	const digits = "0123456789ABCDEF"
	sum := md5.Sum(name)
	for _, c := range sum {
		b = append(b, digits[c>>4], digits[c&15])
	}
	return b
}
