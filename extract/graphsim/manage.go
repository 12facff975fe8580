package graphsim

// Licence management: usage locations, the licences of licence groups and
// their members.
//
// A group licence change may touch every member of a million-user tenant,
// so it is not written user by user. It is checked and counted in one pass
// over the users under the tenant lock (consumed units move, members
// beyond the free units get CountViolation) and then appended to the
// group log (groupState.log); a user's licence set records how much of
// the log it reflects (licenceSet.gen), and reading the user applies the
// rest (replay). A member who needed a new unit got one when its index is
// below the change's cutoff, the first member the pass refused: the pass
// runs in index order and no unit frees up during it, so the replay
// decides every member as the pass did. Membership changes touch one user
// and are written to the overlay like assignLicense.

import (
	"math"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// undisablablePlans are the service plans (by name) that Graph refuses to
// disable in an assignment; the admin centre greys them out. The product's
// own list belongs to the transform catalogue, which graphsim does not
// import (it depends on nothing of ours but extract), so the simulator
// keeps its own copy here.
var undisablablePlans = []string{"EXCHANGE_S_FOUNDATION"}

// disableable refuses to disable plan p of SKU k when Graph would. Graph's
// exact message is not documented; clients should match the status and
// "cannot be disabled".
func disableable(k int, p plan) error {
	for _, name := range undisablablePlans {
		if p.name == name {
			return badRequest("Service plan %s (%s) of license %s cannot be disabled.", p.id, p.name, skuCatalog()[k].id)
		}
	}
	return nil
}

// groupState is what licence groups assign: each group's SKUs with their
// disabled plans, and the log of changes. It is replaced, never changed,
// so a reader may keep it without the lock.
type groupState struct {
	has [][numSKUs]bool     // [group][sku]: the group assigns the SKU
	dis [][numSKUs][]string // [group][sku]: disabled plan ids
	log []groupEvent
}

// Kinds of group change.
const (
	evAdd    = iota // the group assigns a SKU it did not
	evRemove        // the group stops assigning a SKU
	evPlans         // the group's disabled plans of a SKU changed (not logged: dis says it)
)

// noCutoff: every member that needed a unit got one.
const noCutoff = math.MaxInt

// groupEvent is one change of one group's SKUs.
type groupEvent struct {
	kind, group, sku int
	cutoff           int // evAdd: the first member refused a unit (CountViolation from there on)
	at               time.Time
}

// generatedGroups is the group state of a generated tenant.
func generatedGroups(dis [][numSKUs][]string) *groupState {
	gs := &groupState{has: make([][numSKUs]bool, len(licenceGroups)), dis: dis}
	for g, spec := range licenceGroups {
		for _, l := range spec.licences {
			gs.has[g][l.sku] = true
		}
	}
	return gs
}

func (gs *groupState) clone() *groupState {
	return &groupState{has: append([][numSKUs]bool(nil), gs.has...),
		dis: append([][numSKUs][]string(nil), gs.dis...), log: gs.log[:len(gs.log):len(gs.log)]}
}

// replay applies to s, user i's licences, the group changes it does not
// reflect yet. It works in place: the read path copies no licence set.
func (gs *groupState) replay(i int, s *licenceSet) {
	for int(s.gen) < len(gs.log) {
		gs.log[s.gen].apply(i, s)
		s.gen++
	}
}

// memberOf reports whether the set's user is a member of group g.
func (s *licenceSet) memberOf(g int) bool {
	bit := uint16(1) << g
	if s.member&bit != 0 {
		return true
	}
	for _, h := range s.holds() {
		if (h.groups|h.errGroups)&bit != 0 {
			return true
		}
	}
	return false
}

// heldSKU reports whether the set holds SKU k (and so consumes a unit).
func (s *licenceSet) heldSKU(k int) bool {
	h := find(s, k)
	return h != nil && h.assigned()
}

// apply applies e to user i's licences s.
func (e *groupEvent) apply(i int, s *licenceSet) {
	if e.kind == evPlans || !s.memberOf(e.group) {
		return
	}
	bit := uint16(1) << e.group
	if e.kind == evRemove {
		s.member |= bit // still a member, though the group no longer assigns e.sku
		if h := find(s, e.sku); h != nil {
			h.groups &^= bit
			h.errGroups &^= bit
			*s = compact(*s)
		}
		return
	}
	h := s.get(e.sku)
	if h.groups|h.errGroups == 0 {
		h.groupAt = e.at
	}
	if h.assigned() || i < e.cutoff {
		h.groups |= bit
	} else {
		h.errGroups |= bit
	}
}

// stateOf is user i's licence set now; the caller holds t.mu.
func (t *Tenant) stateOf(i int, p profile) licenceSet {
	s, ok := t.overlay[i]
	if !ok {
		s = t.baseLicences(i, p)
	}
	t.groups.replay(i, &s)
	return s
}

// located reports whether user i has a usage location; the caller holds
// t.mu.
func (t *Tenant) located(i int, p profile) bool {
	if loc, ok := t.locations[i]; ok {
		return loc != ""
	}
	return p.usageLocation
}

// available is how many units of SKU k may be consumed.
func (t *Tenant) available(k int) int64 { return t.prepaid[k].Enabled + t.prepaid[k].Warning }

// markChanged reports user i to the next /users/delta round; the caller
// holds t.mu.
func (t *Tenant) markChanged(i int) {
	d := &t.delta
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	d.version++
	d.changedAt[i] = d.version
}

// store replaces user i's licences s by next, moving consumed units; the
// caller holds t.mu.
func (t *Tenant) store(i int, s, next licenceSet) {
	t.countUnits(s, -1)
	t.countUnits(next, +1)
	t.overlay[i] = next
	t.markChanged(i)
}

// groupIndex returns the licence group with the given object id.
func (t *Tenant) groupIndex(id string) (int, bool) {
	for g, gid := range t.groupIDs {
		if strings.EqualFold(gid, id) {
			return g, true
		}
	}
	return 0, false
}

// group renders licence group g as gs assigns it.
func (t *Tenant) group(gs *groupState, g int) extract.Group {
	out := extract.Group{ID: t.groupIDs[g], DisplayName: licenceGroups[g].name, AssignedLicenses: []extract.AssignedLicense{}}
	for k := range numSKUs {
		if gs.has[g][k] {
			out.AssignedLicenses = append(out.AssignedLicenses, extract.AssignedLicense{
				SkuID: skuCatalog()[k].id, DisabledPlans: groupDisabled(gs.dis, g, k)})
		}
	}
	return out
}

// Group returns the licence group with the given object id, as GET
// /groups/{id} does.
func (t *Tenant) Group(id string) (extract.Group, bool) {
	g, ok := t.groupIndex(id)
	if !ok {
		return extract.Group{}, false
	}
	t.mu.RLock()
	gs := t.groups
	t.mu.RUnlock()
	return t.group(gs, g), true
}

// SetUsageLocation sets the usage location of the user with the given
// object id or user principal name, as PATCH /users/{id} with
// {"usageLocation": code} does; "" (JSON null) clears it. Errors follow
// Graph: unknown user (404), a code that is no ISO 3166-1 alpha-2 country
// (400).
func (t *Tenant) SetUsageLocation(userKey, code string) error {
	i, ok := t.Lookup(userKey)
	if !ok {
		return notFound(userKey)
	}
	if code != "" && !isCountryCode(code) {
		return badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.locations == nil {
		t.locations = map[int]string{}
	}
	t.locations[i] = code
	t.markChanged(i)
	return nil
}

// AssignGroupLicense adds and removes the licences of the licence group
// with the given object id, like POST /groups/{id}/assignLicense, and
// returns the group. Adding a SKU gives it to every member (members beyond
// the free units get a CountViolation state instead); adding a SKU the
// group has replaces its disabled plans; removing one takes it from every
// member who holds it no other way. Consumed units move in the same call
// (Graph processes group changes in the background). Errors follow Graph:
// unknown group (404), unknown SKU, a disabled plan not in the SKU or not
// disableable, removing a SKU the group lacks (400). On a *GraphError
// nothing changed.
func (t *Tenant) AssignGroupLicense(groupID string, add []extract.AssignedLicense, remove []string) (extract.Group, error) {
	g, ok := t.groupIndex(groupID)
	if !ok {
		return extract.Group{}, notFound(groupID)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	next := t.groups.clone()
	evs, err := t.planGroupChange(next, g, add, remove)
	if err != nil {
		return extract.Group{}, err
	}
	t.passGroupChange(evs)
	for _, e := range evs {
		if e.kind != evPlans {
			next.log = append(next.log, e)
		}
	}
	t.groups = next
	return t.group(next, g), nil
}

// planGroupChange validates one group assignLicense call, applies it to
// gs's SKUs and returns its changes.
func (t *Tenant) planGroupChange(gs *groupState, g int, add []extract.AssignedLicense, remove []string) ([]groupEvent, error) {
	now := t.clock().UTC().Truncate(time.Second)
	var evs []groupEvent
	for _, a := range add {
		k, ok := t.boughtSKU(a.SkuID)
		if !ok {
			return nil, badRequest("License %s does not correspond to a valid company License.", a.SkuID)
		}
		if containsFold(remove, a.SkuID) {
			return nil, badRequest("License %s cannot be both added and removed.", a.SkuID)
		}
		disabled, err := planIDsOf(k, a.DisabledPlans, "Group")
		if err != nil {
			return nil, err
		}
		kind := evAdd
		if gs.has[g][k] {
			kind = evPlans
		}
		gs.has[g][k], gs.dis[g][k] = true, disabled
		evs = append(evs, groupEvent{kind: kind, group: g, sku: k, cutoff: noCutoff, at: now})
	}
	for _, id := range remove {
		k, ok := t.boughtSKU(id)
		if !ok {
			return nil, badRequest("License %s does not correspond to a valid company License.", id)
		}
		if !gs.has[g][k] {
			return nil, badRequest("Group does not have a corresponding license.")
		}
		gs.has[g][k], gs.dis[g][k] = false, nil
		evs = append(evs, groupEvent{kind: evRemove, group: g, sku: k, cutoff: noCutoff, at: now})
	}
	return evs, nil
}

// passGroupChange runs evs over every live user in index order: consumed
// units move, each evAdd learns its cutoff, and members whose
// assignedLicenses may change are reported to /users/delta. The caller
// holds t.mu.
func (t *Tenant) passGroupChange(evs []groupEvent) {
	d := &t.delta
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	d.version++
	for i := 0; i < t.users; i++ {
		if _, gone := d.deletedAt[i]; gone {
			continue
		}
		s := t.stateOf(i, t.profile(i))
		touched := false
		for n := range evs {
			e := &evs[n]
			if !s.memberOf(e.group) {
				continue
			}
			before := s.heldSKU(e.sku)
			if e.kind == evPlans {
				h := find(&s, e.sku)
				touched = touched || (h != nil && h.groups&(1<<e.group) != 0)
				continue
			}
			if e.kind == evAdd && !before && e.cutoff == noCutoff && t.consumed[e.sku] >= t.available(e.sku) {
				e.cutoff = i
			}
			e.apply(i, &s)
			after := s.heldSKU(e.sku)
			switch {
			case after && !before:
				t.consumed[e.sku]++
			case before && !after:
				t.consumed[e.sku]--
			}
			touched = touched || before || after
		}
		if touched {
			d.changedAt[i] = d.version
		}
	}
}

// RemoveGroupMember removes the user with the given object id or user
// principal name from the licence group, like DELETE
// /groups/{id}/members/{id}/$ref: the user loses the group's licences
// unless held otherwise. A user who is not a member (or unknown) gets
// Graph's 404, which names the group.
func (t *Tenant) RemoveGroupMember(groupID, userKey string) error {
	g, ok := t.groupIndex(groupID)
	if !ok {
		return notFound(groupID)
	}
	i, ok := t.Lookup(userKey)
	if !ok {
		return notFound(groupID)
	}
	p := t.profile(i)
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stateOf(i, p)
	if !s.memberOf(g) {
		return notFound(groupID)
	}
	bit := uint16(1) << g
	next := s
	next.member &^= bit
	for k := range next.n {
		next.h[k].groups &^= bit
		next.h[k].errGroups &^= bit
	}
	t.store(i, s, compact(next))
	return nil
}

// AddGroupMember adds the user with the given object id or user principal
// name to the licence group, like POST /groups/{id}/members/$ref: the user
// gets the group's licences, each a CountViolation when no unit is free.
// Errors follow Graph: unknown group or user (404), already a member (400).
func (t *Tenant) AddGroupMember(groupID, userKey string) error {
	g, ok := t.groupIndex(groupID)
	if !ok {
		return notFound(groupID)
	}
	i, ok := t.Lookup(userKey)
	if !ok {
		return notFound(userKey)
	}
	p := t.profile(i)
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stateOf(i, p)
	if s.memberOf(g) {
		return badRequest("One or more added object references already exist for the following modified properties: 'members'.")
	}
	bit := uint16(1) << g
	next := s
	next.member |= bit
	now := t.clock().UTC().Truncate(time.Second)
	for k := range numSKUs {
		if !t.groups.has[g][k] {
			continue
		}
		h := next.get(k)
		if h.groups|h.errGroups == 0 {
			h.groupAt = now
		}
		if h.assigned() || t.consumed[k] < t.available(k) {
			h.groups |= bit
		} else {
			h.errGroups |= bit
		}
	}
	t.store(i, s, next)
	return nil
}

// countryCodes are the officially assigned ISO 3166-1 alpha-2 codes. Graph
// takes usageLocation from this standard; its own list of usage locations
// may be narrower.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// isCountryCode reports whether code is an assigned ISO 3166-1 alpha-2
// code, in upper case.
func isCountryCode(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	return strings.Contains(countryCodes, code)
}
