package graphsim

import (
	"math"
	"sort"
	"sync"
	"time"
)

// deltaState is a tenant's change history for GET /users/delta: a version
// number bumped by every Churn, the version at which each user last
// changed or was deleted, and an epoch that ExpireDeltaTokens bumps to
// refuse every token issued before.
type deltaState struct {
	mu        sync.Mutex
	version   uint64
	epoch     uint64
	changedAt map[int]uint64 // user index -> version of its last change (creation included)
	deletedAt map[int]uint64 // user index -> version of its deletion
	deleted   []int          // deleted user indexes, sorted
	soft      map[int]bool   // deleted users still restorable (@removed reason "changed")
}

// Randomness streams of Churn (other streams are in rand.go): its picks,
// and the time of day of the daily churn's changes.
const (
	streamChurn     uint64 = 50
	streamChurnTime uint64 = 51
)

// ChurnResult says what one Churn did.
type ChurnResult struct {
	// Version is the tenant version after the churn; a delta link issued
	// before it returns these changes.
	Version uint64
	// Changed users (existing ones), LicenceChanged of which had a licence
	// added or removed (directly or through a licence group).
	Changed, LicenceChanged int
	// Added users are new indexes at the end of the directory; Deleted
	// users disappear from GET /users and come back from /users/delta as
	// @removed.
	Added, Deleted int
}

// Churn changes, adds and deletes about fraction of the tenant's live
// users (a tenth of the share each added and deleted, the rest changed),
// chosen deterministically from seed and the tenant's history. Licences
// change on about two in three changed users: a direct licence is removed,
// or a Power BI, Visio or Exchange Plan 1 licence is added directly or
// through its licence group. Consumed units follow every change, addition
// and deletion. Every changed, added and deleted user is reported by the
// next GET /users/delta round.
//
// Churn must not run while the server answers requests: it grows the
// directory that request handlers read without a lock.
func (t *Tenant) Churn(fraction float64, seed int64) ChurnResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := &t.delta
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	live := t.users - len(d.deleted)
	k := min(max(int(math.Round(fraction*float64(live))), 0), live)
	d.version++
	res := ChurnResult{Version: d.version, Added: k / 10, Deleted: k / 10}
	res.Changed = k - res.Added - res.Deleted
	r := newRNG(seed, int(d.version), streamChurn)
	picked := map[int]bool{}
	pick := func() int {
		for {
			i := r.intn(t.users)
			if _, gone := d.deletedAt[i]; !gone && !picked[i] {
				picked[i] = true
				return i
			}
		}
	}
	for range res.Changed {
		i := pick()
		if t.changeLicences(i, &r, d.version) {
			res.LicenceChanged++
		}
		d.changedAt[i] = d.version
	}
	for range res.Deleted {
		i := pick()
		t.countUnits(t.currentLicences(i), -1)
		d.deletedAt[i] = d.version
		d.soft[i] = r.chance(0.8) // most deletions land in the recycle bin first
		d.deleted = insertSorted(d.deleted, i)
	}
	for range res.Added {
		i := t.users
		t.born = append(t.born, t.changeTime(d.version, i))
		t.users++
		t.countUnits(t.currentLicences(i), +1)
		d.changedAt[i] = d.version
	}
	return res
}

// ExpireDeltaTokens makes every delta and skip token of /users/delta
// issued so far answer 410 Gone with syncStateNotFound, as Graph does when
// a delta link is older than its lifetime (seven days for directory
// objects) or its sync state was lost.
func (t *Tenant) ExpireDeltaTokens() {
	t.delta.mu.Lock()
	defer t.delta.mu.Unlock()
	t.delta.epoch++
}

// Version returns the tenant's change version: 0 when generated, plus one
// per Churn.
func (t *Tenant) Version() uint64 {
	t.delta.mu.Lock()
	defer t.delta.mu.Unlock()
	return t.delta.version
}

// LiveUsers returns the indexes of the directory's users that are not
// deleted, in order: what GET /users lists after Churn.
func (t *Tenant) LiveUsers() []int {
	t.delta.mu.Lock()
	defer t.delta.mu.Unlock()
	out := make([]int, 0, t.users-len(t.delta.deleted))
	for i := 0; i < t.users; i++ {
		if _, gone := t.delta.deletedAt[i]; !gone {
			out = append(out, i)
		}
	}
	return out
}

func (d *deltaState) init() {
	if d.changedAt == nil {
		d.changedAt, d.deletedAt, d.soft = map[int]uint64{}, map[int]uint64{}, map[int]bool{}
	}
}

// liveCount is how many users GET /users lists.
func (t *Tenant) liveCount() int {
	t.delta.mu.Lock()
	defer t.delta.mu.Unlock()
	return t.users - len(t.delta.deleted)
}

// liveIndex returns the index of the r-th live user (0-based): the
// smallest i with i - (deleted indexes <= i) == r.
func (t *Tenant) liveIndex(r int) int {
	t.delta.mu.Lock()
	defer t.delta.mu.Unlock()
	del := t.delta.deleted
	i := r
	for {
		next := r + sort.SearchInts(del, i+1)
		if next == i {
			return i
		}
		i = next
	}
}

func insertSorted(list []int, v int) []int {
	at := sort.SearchInts(list, v)
	list = append(list, 0)
	copy(list[at+1:], list[at:])
	list[at] = v
	return list
}

// currentLicences is user i's licence set; the caller holds t.mu.
func (t *Tenant) currentLicences(i int) licenceSet { return t.stateOf(i, t.profile(i)) }

// countUnits adds sign to the consumed units of every SKU s assigns; the
// caller holds t.mu.
func (t *Tenant) countUnits(s licenceSet, sign int64) {
	for _, h := range s.holds() {
		if h.assigned() {
			t.consumed[h.sku] += sign
		}
	}
}

// changeTime is when Churn version v changed or added user i: v hours
// after Now, or, in Generate's daily churn, a second of day churnDay (the
// 24 hours from the origin plus churnDay-1 days), stable per user and day.
func (t *Tenant) changeTime(v uint64, i int) time.Time {
	if t.churnDay == 0 {
		return t.now.Add(time.Duration(v) * time.Hour)
	}
	sec := hash3(t.seed, uint64(i), streamChurnTime+uint64(t.churnDay)<<8) % 86400
	return t.origin.AddDate(0, 0, t.churnDay-1).Add(time.Duration(sec) * time.Second)
}

// churnAdds are the SKUs Churn adds, each with its licence group.
var churnAdds = []struct{ sku, group int }{{skuPowerBI, grpPowerBI}, {skuVisio, grpVisio}, {skuExoP1, grpFrontline}}

// changeLicences changes user i's licences for Churn version v, keeping
// consumed units right; it reports whether a licence changed (otherwise
// only properties seatledger does not read did). The caller holds t.mu.
func (t *Tenant) changeLicences(i int, r *rng, v uint64) bool {
	if !r.chance(2.0 / 3) {
		return false
	}
	p := t.profile(i)
	before := t.currentLicences(i)
	next := before
	at := t.changeTime(v, i)
	changed := false
	for k := range next.holds() {
		if h := &next.h[k]; h.direct {
			h.direct, h.disabled, h.directAt = false, nil, time.Time{}
			changed = true
			break
		}
	}
	if !changed && p.usageLocation {
		for _, a := range churnAdds {
			if h := find(&next, a.sku); h != nil && h.assigned() {
				continue
			}
			h := next.get(a.sku)
			if r.chance(0.5) || !t.groups.has[a.group][a.sku] { // the group may have lost the SKU
				h.direct, h.directAt = true, at
			} else {
				h.groups |= 1 << a.group
				h.groupAt = at
			}
			changed = true
			break
		}
	}
	if !changed {
		return false
	}
	next = compact(next)
	t.countUnits(before, -1)
	t.countUnits(next, +1)
	t.overlay[i] = next
	return true
}
