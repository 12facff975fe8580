package graphsim

import (
	"iter"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// clientProducts are the desktop clients of the activations report
// beside the Apps: the class of service plan granting each, its product
// type and the share of its licensees who activated it.
var clientProducts = []struct {
	plan    planClass
	product string
	share   float64
}{
	{classProject, productProject, 0.7},
	{classVisio, productVisio, 0.6},
}

// Activations returns user i's rows of the Office activations report: one
// per product type the user is licensed for, as the report snapshot saw
// the licences (Microsoft 365 Apps for enterprise, then Project and
// Visio clients), none for a user with none of them. Counts are devices;
// a client never activated has an empty Last Activated Date and every
// count 0. Project and Visio are activated on Windows only, by 70% and
// 60% of their licensees. Names are concealed when the report settings
// say so. It panics when i is out of range.
func (t *Tenant) Activations(i int) []extract.ActivationRow {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	out, d := t.appendActivations(nil, i)
	t.nameActivations(out, i, d)
	return out
}

// nameActivations sets the names of user i's activations rows (names
// drawn as d).
func (t *Tenant) nameActivations(rows []extract.ActivationRow, i int, d nameDraw) {
	if len(rows) == 0 {
		return
	}
	upn, display := t.reportNamesOf(i, d)
	for k := range rows {
		rows[k].UserPrincipalName, rows[k].DisplayName = upn, display
	}
}

// appendActivations appends user i's rows of the activations report
// without their names to out, and returns the draws to spell them from.
func (t *Tenant) appendActivations(out []extract.ActivationRow, i int) ([]extract.ActivationRow, nameDraw) {
	p := t.profile(i)
	var s licenceSet
	t.reportedLicences(&s, i, p)
	if since, ok := t.appsSince(&s); ok {
		u := t.appsUse(i, p, since)
		out = append(out, t.activationRow(productApps, u.activated, u.counts, u.shared))
	}
	r := newRNG(t.seed, i, streamActivation)
	for _, c := range clientProducts {
		// Draw all first: whether the user holds one product must not
		// move the draws of the next.
		activated, devices, ago := r.chance(c.share), r.between(1, 2), r.between(0, 400)
		since, ok := t.heldPlan(&s, c.plan)
		if !ok || since.After(t.refresh) {
			continue
		}
		var at time.Time
		var counts [5]int64
		if activated {
			at, counts[0] = t.beforeOrigin(ago, since), int64(devices)
		}
		out = append(out, t.activationRow(c.product, at, counts, false))
	}
	return out, t.drawName(i, p)
}

// activationRow is a row of the activations report without its names.
func (t *Tenant) activationRow(product string, at time.Time, counts [5]int64, shared bool) extract.ActivationRow {
	return extract.ActivationRow{ReportRefreshDate: t.refresh, ProductType: product, LastActivatedDate: at,
		Windows: count(counts[0]), Mac: count(counts[1]), Windows10Mobile: count(counts[2]),
		IOS: count(counts[3]), Android: count(counts[4]), ActivatedOnSharedComputer: tri(shared)}
}

func count(n int64) extract.Count { return extract.Count{N: n, Known: true} }

// ActivationRows yields the Office activations report: each user's rows
// by user index.
func (t *Tenant) ActivationRows() iter.Seq[extract.ActivationRow] {
	return func(yield func(extract.ActivationRow) bool) {
		var rows []extract.ActivationRow // reused from user to user
		for i := 0; i < t.users; i++ {
			var d nameDraw
			rows, d = t.appendActivations(rows[:0], i)
			t.nameActivations(rows, i, d)
			for _, row := range rows {
				if !yield(row) {
					return
				}
			}
		}
	}
}
