package graphsim

import (
	"iter"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// Microsoft 365 Apps: GET /reports/getM365AppUserDetail covers each user
// "licensed to use Microsoft 365 Apps" (here: holding a SKU with the
// OFFICESUBSCRIPTION plan, SPE_E3, SPE_E5 or ENTERPRISEPACK; the
// catalogue has no business variant), and
// GET /reports/getOffice365ActivationsUserDetail lists one row per user and
// product type for Microsoft 365 Apps for enterprise, Project and Visio
// desktop clients
// (https://learn.microsoft.com/microsoft-365/admin/activity-reports/microsoft-office-activations-ww).
// Both reports read one model of the user's Office use (appsUse), so that
// the usage report's Last Activation Date is the activations report's.

// Product types of the activations report.
const (
	productApps    = "MICROSOFT 365 APPS FOR ENTERPRISE"
	productProject = "PROJECT CLIENT"
	productVisio   = "VISIO CLIENT"
)

// Platforms and apps, indexed like extract.OfficePlatforms and
// extract.OfficeApps.
const (
	platWindows = iota
	platMac
	platMobile
	platWeb
)

// officeAppUse is the share of a platform's users who use each app there.
var officeAppUse = [4][6]float64{
	platWindows: {0.9, 0.85, 0.75, 0.5, 0.25, 0.8},
	platMac:     {0.85, 0.8, 0.7, 0.55, 0.2, 0.75},
	platMobile:  {0.6, 0.1, 0.08, 0.05, 0.1, 0.6},
	platWeb:     {0.5, 0.4, 0.35, 0.2, 0.1, 0.3},
}

// appsUse is how one Apps licensee uses Office.
type appsUse struct {
	activated time.Time       // last activation of the Apps; zero: never
	counts    [5]int64        // activated devices: Windows, Mac, Windows 10 Mobile, iOS, Android
	shared    bool            // activated on a shared computer
	last      [6][4]time.Time // last use of each app on each platform; zero: never
}

// appsUse models user i's Office use: about 60% use the desktop apps
// (48% Windows only, 7% Mac only, 5% both; most also web or mobile),
// 22% only the web or mobile apps, 18% nothing at all (a third of whom
// activated a desktop long ago). Users of disabled accounts mostly use
// nothing, and the rest are idle. Uses are never before since (the
// licence) nor after the refresh date.
func (t *Tenant) appsUse(i int, p profile, since time.Time) appsUse {
	r := newRNG(t.seed, i, streamApps)
	var u appsUse
	var desktop [2]bool
	var mobile, web bool
	switch x := r.float(); {
	case !p.enabled && r.chance(0.7), x >= 0.82:
		t.staleActivation(&r, &u, since)
		return u
	case x < 0.48:
		desktop[platWindows] = true
	case x < 0.55:
		desktop[platMac] = true
	case x < 0.60:
		desktop = [2]bool{true, true}
	default: // web or mobile only
		web = r.chance(0.75)
		mobile = !web || r.chance(0.5)
	}
	if desktop[platWindows] || desktop[platMac] {
		web, mobile = r.chance(0.45), r.chance(0.55)
	}
	t.activate(&r, &u, since, desktop, mobile)
	rc := recency{idle: r.between(30, 300)}
	switch x := r.float(); {
	case !p.enabled:
	case x < 0.7:
		rc = recency{idle: r.intn(7), period: 7}
	case x < 0.85:
		rc = recency{idle: r.between(7, 29), period: 30}
	}
	last := t.last(rc, t.refresh, since)
	used := [4]bool{desktop[platWindows], desktop[platMac], mobile, web}
	first := true
	for pl, on := range used {
		if on {
			t.useApps(&r, &u, pl, last, since, &first)
		}
	}
	return u
}

// useApps draws which apps the user uses on platform pl (Outlook at
// least) and when: the user's first use of all on last, others up to 40
// days earlier.
func (t *Tenant) useApps(r *rng, u *appsUse, pl int, last, since time.Time, first *bool) {
	var use [6]bool
	var extra [6]int
	some := false
	for a := range use {
		use[a], extra[a] = r.chance(officeAppUse[pl][a]), r.intn(40)
		some = some || use[a]
	}
	use[0] = use[0] || !some
	for a := range use {
		if !use[a] {
			continue
		}
		if *first {
			extra[a], *first = 0, false
		}
		u.last[a][pl] = later(addDays(last, -extra[a]), since)
	}
}

// activate draws the Apps activations of a user of the desktop apps
// and of the mobile apps.
func (t *Tenant) activate(r *rng, u *appsUse, since time.Time, desktop [2]bool, mobile bool) {
	if desktop[platWindows] {
		u.counts[0] = int64(r.between(1, 3))
		u.shared = r.chance(0.04) // a VDI or shared PC as well
	}
	if desktop[platMac] {
		u.counts[1] = int64(r.between(1, 2))
	}
	if mobile {
		u.counts[3+r.intn(2)] = int64(r.between(1, 2)) // iOS or Android
	}
	if u.counts != [5]int64{} {
		u.activated = t.beforeOrigin(r.between(0, 600), since)
	}
}

// staleActivation: a user who uses nothing may still have activated a
// desktop long ago.
func (t *Tenant) staleActivation(r *rng, u *appsUse, since time.Time) {
	if r.chance(0.35) {
		u.counts[0] = 1
		u.activated = t.beforeOrigin(r.between(120, 900), since)
	}
}

// beforeOrigin is the day ago days before the origin's report, where it
// stays day after day, never before since.
func (t *Tenant) beforeOrigin(ago int, since time.Time) time.Time {
	return later(addDays(t.refresh, -t.day-ago), since)
}

// appsSince returns the day user i got a Microsoft 365 Apps licence, as
// the report snapshot saw it; false when unlicensed then (or licensed
// after the refresh date).
func (t *Tenant) appsSince(s *licenceSet) (time.Time, bool) {
	since, ok := t.heldPlan(s, classApps)
	return since, ok && !since.After(t.refresh)
}

// AppsUsage returns user i's row of the Microsoft 365 Apps usage report
// for period (D7, D30, D90 or D180), false when the user holds no Apps
// licence. A flag is Yes when the user used that app on that platform
// within the period's days up to the refresh date; Last Activity Date is
// the latest use ever, Last Activation Date the Apps row's Last Activated
// Date of the activations report. The user principal name is concealed
// when the report settings say so. It panics when i is out of range.
func (t *Tenant) AppsUsage(i int, period string) (extract.AppsUsageRow, bool) {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	row, d, ok := t.appsUsage(i, period)
	if ok {
		row.UserPrincipalName, _ = t.reportNamesOf(i, d)
	}
	return row, ok
}

// appsUsage is AppsUsage without the user principal name: the row, and
// the draws to spell it from.
func (t *Tenant) appsUsage(i int, period string) (extract.AppsUsageRow, nameDraw, bool) {
	p := t.profile(i)
	var s licenceSet
	t.reportedLicences(&s, i, p)
	since, ok := t.appsSince(&s)
	if !ok {
		return extract.AppsUsageRow{}, nameDraw{}, false
	}
	u := t.appsUse(i, p, since)
	row := extract.AppsUsageRow{ReportRefreshDate: t.refresh, LastActivationDate: u.activated, ReportPeriod: reportPeriodDays(period)}
	from := addDays(t.refresh, -periodDays(period)) // flags count uses after this day
	for a := range u.last {
		for pl := range u.last[a] {
			d := &u.last[a][pl]
			if d.IsZero() { // never: no later than any date, not in the period
				row.AppPlatform[a][pl] = extract.No
				continue
			}
			row.LastActivityDate = later(row.LastActivityDate, *d)
			on := d.After(from)
			row.AppPlatform[a][pl] = tri(on)
			if on {
				row.App[a], row.Platform[pl] = extract.Yes, extract.Yes
			}
		}
	}
	for k := range row.App {
		row.App[k] = max(row.App[k], extract.No)
	}
	for k := range row.Platform {
		row.Platform[k] = max(row.Platform[k], extract.No)
	}
	return row, t.drawName(i, p), true
}

func tri(v bool) extract.Tri {
	if v {
		return extract.Yes
	}
	return extract.No
}

// periodDays is the number of days of period D7, D30, D90 or D180.
func periodDays(period string) int {
	switch period {
	case "D30":
		return 30
	case "D90":
		return 90
	case "D180":
		return 180
	}
	return 7
}

// AppsUsageRows yields the Microsoft 365 Apps usage report for period:
// the Apps licensees by user index.
func (t *Tenant) AppsUsageRows(period string) iter.Seq[extract.AppsUsageRow] {
	return func(yield func(extract.AppsUsageRow) bool) {
		for i := 0; i < t.users; i++ {
			if row, ok := t.AppsUsage(i, period); ok && !yield(row) {
				return
			}
		}
	}
}
