package graphsim

import (
	"crypto/md5"
	"encoding/hex"
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
	s, ok := t.reported[i]
	if !ok {
		s = t.baseLicences(i, p)
	}
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
		products = append(products, strings.ToUpper(skuCatalog()[h.sku].productName))
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
	var idle, period int // period 0: idle since a day before the origin
	switch x := r.float(); {
	case !p.enabled && x < 0.4, x < 0.05:
		return // never active
	case !p.enabled:
		idle = r.between(30, 400)
	case x < 0.75:
		idle, period = r.intn(7), 7
	case x < 0.86:
		idle, period = r.between(7, 29), 30
	default:
		idle = r.between(30, 400)
	}
	ref := t.refresh.AddDate(0, 0, -t.day) // the origin's report
	if period > 0 {
		ref, idle = t.refresh, (idle+t.day)%period
	}
	age := int(ref.Sub(day(p.createdAt)).Hours() / 24)
	if age < 0 {
		return // created after the report was taken
	}
	idle = min(idle, age)
	first := true
	for k := range extract.Workloads {
		if !row.HasLicense[k] || (!first && !r.chance(workloadUse[k])) {
			continue
		}
		extra := 0
		if !first {
			extra = min(r.intn(20), age-idle)
		}
		row.LastActivityDate[k] = ref.AddDate(0, 0, -(idle + extra))
		first = false
	}
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

func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

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
	sum := md5.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
