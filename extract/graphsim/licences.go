package graphsim

import (
	"time"

	"github.com/seatledger/seatledger/extract"
)

// groupSpec is one licence group: group-based licensing assigns each of
// its SKUs (with its disabled plans) to every member.
type groupSpec struct {
	name     string
	licences []groupLicence
}

type groupLicence struct {
	sku      int
	disabled []string // plan names, resolved to ids by groupDisabled
}

// licenceGroups are the tenant's licence groups. Two carry SPE_E3 (some
// users are in both), one carries two SKUs, and the Exchange Plan 2 group
// has more members than seats, so some of its assignments fail with
// CountViolation.
var licenceGroups = []groupSpec{
	{"SG-LIC-M365-E3", []groupLicence{{skuE3, nil}}},
	{"SG-LIC-M365-E3-NoViva", []groupLicence{{skuE3, []string{"YAMMER_ENTERPRISE", "VIVAENGAGE_CORE"}}}},
	{"SG-LIC-M365-E5-Security", []groupLicence{{skuE5, nil}}},
	{"SG-LIC-PowerBI-Pro", []groupLicence{{skuPowerBI, nil}}},
	{"SG-LIC-Visio", []groupLicence{{skuVisio, nil}}},
	{"SG-LIC-Frontline", []groupLicence{{skuExoP1, nil}, {skuFlowFree, nil}}},
	{"SG-LIC-Exchange-P2", []groupLicence{{skuExoP2, nil}}},
}

const (
	grpE3 = iota
	grpE3NoViva
	grpE5
	grpPowerBI
	grpVisio
	grpFrontline
	grpExoP2
)

// hold is one SKU of one user and every source assigning it.
type hold struct {
	sku       int
	direct    bool
	disabled  []string // plan ids disabled on the direct assignment
	directAt  time.Time
	groups    uint16 // bit g: assigned by licenceGroups[g]
	errGroups uint16 // bit g: the group assignment failed (CountViolation)
	groupAt   time.Time
}

// assigned reports whether the user holds the SKU (and so consumes a unit).
func (h hold) assigned() bool { return h.direct || h.groups != 0 }

// licenceSet is every SKU of one user; a value type so that the one-pass
// count over a million users allocates nothing.
type licenceSet struct {
	n int
	h [numSKUs]hold
	// member bit g: a member of licenceGroups[g] that holds nothing
	// through it (the group lost its SKUs); holds' group bits say the rest.
	member uint16
	// gen is how many group changes (groupState.log) the set reflects:
	// later ones are applied when it is read (manage.go).
	gen uint32
}

func (s *licenceSet) get(sku int) *hold {
	for k := 0; k < s.n; k++ {
		if s.h[k].sku == sku {
			return &s.h[k]
		}
	}
	s.h[s.n] = hold{sku: sku}
	s.n++
	return &s.h[s.n-1]
}

func (s *licenceSet) holds() []hold { return s.h[:s.n] }

// Commonly disabled plans on direct assignments, resolved once.
var disabledChoices = map[int][][]string{
	skuE3:     {{"YAMMER_ENTERPRISE"}, {"TEAMS1"}, {"SWAY", "KAIZALA_O365_P3"}},
	skuE5:     {{"YAMMER_ENTERPRISE"}},
	skuO365E3: {{"SWAY"}, {"YAMMER_ENTERPRISE", "VIVAENGAGE_CORE"}},
}

// disabledIDs turns plan names of SKU k into plan ids.
func disabledIDs(k int, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if id := planID(k, n); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// baseLicences derives the licences user i was generated with.
func (t *Tenant) baseLicences(i int, p profile) licenceSet {
	var s licenceSet
	t.generateLicences(&s, i, p)
	return s
}

// generateLicences sets *s, the zero set, to baseLicences(i, p) without
// copying a set.
func (t *Tenant) generateLicences(s *licenceSet, i int, p profile) {
	r := newRNG(t.seed, i, streamLicence)
	switch p.kind {
	case kindGuest:
		if r.chance(0.3) {
			t.assign(s, &r, p, []int{skuExoP1, skuO365E3, skuPowerBI, skuE3}[r.pick([]int{4, 3, 2, 1})])
		}
		return
	case kindService:
		if r.chance(0.4) {
			t.assign(s, &r, p, skuExoP1)
		}
		return
	}
	switch r.pick([]int{50, 14, 10, 5, 10, 3, 8}) {
	case 0:
		t.assign(s, &r, p, skuE3)
		if r.chance(0.03) {
			t.assign(s, &r, p, skuO365E3) // redundant: ENTERPRISEPACK inside SPE_E3
		}
	case 1:
		t.assign(s, &r, p, skuE5)
		if r.chance(0.05) {
			t.assign(s, &r, p, skuE3) // redundant: E3 beside E5
		}
	case 2:
		t.assign(s, &r, p, skuO365E3)
	case 3:
		t.assign(s, &r, p, skuO365E1)
	case 4:
		t.assign(s, &r, p, skuExoP1)
		if r.chance(0.06) {
			t.assign(s, &r, p, skuExoP2) // Plan 1 beside Plan 2
		}
	case 5:
		t.assign(s, &r, p, skuTeamsExpl)
	}
	t.addOns(s, &r, p)
	t.addCopilot(s, i, p) // its own stream: the draws above never shift
}

func (t *Tenant) addOns(s *licenceSet, r *rng, p profile) {
	dept := ""
	if p.dept >= 0 {
		dept = departments[p.dept].name
	}
	if r.chance(either(dept == "Finance", 0.45, 0.12)) {
		t.assign(s, r, p, skuPowerBI)
	}
	if r.chance(either(dept == "Engineering", 0.12, 0.02)) {
		t.assign(s, r, p, skuVisio)
	}
	if r.chance(0.02) {
		t.assign(s, r, p, skuProject)
	}
	if r.chance(0.10) {
		t.assign(s, r, p, skuFlowFree)
	}
	if r.chance(0.02) {
		h := s.get(skuExoP2) // via the over-subscribed group
		if r.chance(0.25) {
			h.errGroups |= 1 << grpExoP2 // no seat left for this member
		} else {
			h.groups |= 1 << grpExoP2
		}
		h.groupAt = t.assignTime(r, p)
	}
}

// assign adds SKU k to s through the sources typical for that SKU.
func (t *Tenant) assign(s *licenceSet, r *rng, p profile, k int) {
	h := s.get(k)
	at := t.assignTime(r, p)
	direct := func() {
		h.direct, h.directAt = true, at
		if c := t.directDis[k]; len(c) > 0 && r.chance(0.1) { // disabledChoices[k], resolved
			h.disabled = c[r.intn(len(c))]
		}
	}
	group := func(g int) { h.groups |= 1 << g; h.groupAt = at.Add(time.Duration(r.intn(3600)) * time.Second) }
	var g int
	switch k {
	case skuE3:
		g = []int{grpE3, grpE3NoViva}[r.intn(2)]
	case skuE5:
		g = grpE5
	case skuPowerBI:
		g = grpPowerBI
	case skuVisio:
		g = grpVisio
	case skuExoP1:
		g = grpFrontline
	default:
		direct()
		return
	}
	switch x := r.float(); {
	case x < 0.45:
		direct()
	case x < 0.85:
		group(g)
	case x < 0.95:
		direct()
		group(g)
	case k == skuE3:
		group(grpE3) // a member of both E3 groups: one seat all the same
		group(grpE3NoViva)
	default:
		direct()
		group(g)
	}
	if h.groups&(1<<grpFrontline) != 0 {
		f := s.get(skuFlowFree)
		f.groups |= 1 << grpFrontline
		f.groupAt = h.groupAt
	}
}

// assignTime is when an assignment was last updated: after the account
// was created, before now.
func (t *Tenant) assignTime(r *rng, p profile) time.Time {
	d := time.Duration(r.float()*float64(p.ageDays)*24) * time.Hour
	return p.createdAt.Add(d + time.Duration(r.intn(3600))*time.Second)
}

// toExtract renders a licence set as Graph's assignedLicenses and
// licenseAssignmentStates, with the groups' disabled plans of gs.
func (t *Tenant) toExtract(s licenceSet, gs *groupState) ([]extract.AssignedLicense, []extract.LicenseAssignmentState) {
	var al []extract.AssignedLicense
	var st []extract.LicenseAssignmentState
	for _, h := range s.holds() {
		id := skuCatalog()[h.sku].id
		if h.assigned() {
			al = append(al, extract.AssignedLicense{SkuID: id, DisabledPlans: effectiveDisabled(h, gs.dis)})
		}
		if h.direct {
			st = append(st, extract.LicenseAssignmentState{SkuID: id, State: "Active", Error: "None",
				DisabledPlans: nonNil(h.disabled), LastUpdatedDateTime: h.directAt})
		}
		for g := range licenceGroups {
			ok, failed := h.groups&(1<<g) != 0, h.errGroups&(1<<g) != 0
			if !ok && !failed {
				continue
			}
			state := extract.LicenseAssignmentState{SkuID: id, AssignedByGroup: t.groupIDs[g], State: "Active",
				Error: "None", DisabledPlans: groupDisabled(gs.dis, g, h.sku), LastUpdatedDateTime: h.groupAt.Add(time.Duration(g) * time.Minute)}
			if failed {
				state.State, state.Error = "Error", "CountViolation"
			}
			st = append(st, state)
		}
	}
	return al, st
}

// effectiveDisabled: a plan is disabled only when every source disables
// it; dis holds the groups' disabled plans ([group][sku]).
func effectiveDisabled(h hold, dis [][numSKUs][]string) []string {
	var sets [][]string
	if h.direct {
		sets = append(sets, h.disabled)
	}
	for g := range licenceGroups {
		if h.groups&(1<<g) != 0 {
			sets = append(sets, groupDisabled(dis, g, h.sku))
		}
	}
	out := []string{}
	if len(sets) == 0 {
		return out
	}
	for _, id := range sets[0] {
		all := true
		for _, s := range sets[1:] {
			all = all && containsFold(s, id)
		}
		if all {
			out = append(out, id)
		}
	}
	return out
}

func groupDisabled(dis [][numSKUs][]string, g, sku int) []string {
	if d := dis[g][sku]; d != nil {
		return d
	}
	return []string{}
}

func either(cond bool, a, b float64) float64 {
	if cond {
		return a
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
