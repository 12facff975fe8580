package graphsim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// GraphError is an error as Graph reports it: HTTP status, error code and
// message.
type GraphError struct {
	Status  int
	Code    string
	Message string
}

// Error implements error.
func (e *GraphError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func badRequest(format string, args ...any) *GraphError {
	return &GraphError{Status: http.StatusBadRequest, Code: "Request_BadRequest", Message: fmt.Sprintf(format, args...)}
}

func notFound(key string) *GraphError {
	return &GraphError{Status: http.StatusNotFound, Code: "Request_ResourceNotFound",
		Message: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", key)}
}

// AssignLicense adds and removes direct licence assignments of the user
// with the given object id or user principal name, like POST
// /users/{id}/assignLicense, and returns the updated user. Consumed units
// move with it. The change is atomic: on a *GraphError nothing changed.
// Errors follow Graph: unknown user (404), unknown SKU, no usage location,
// no available units, removing a licence the user lacks or holds only
// through a group (400).
func (t *Tenant) AssignLicense(userKey string, add []extract.AssignedLicense, remove []string) (extract.User, error) {
	i, ok := t.Lookup(userKey)
	if !ok {
		return extract.User{}, notFound(userKey)
	}
	p := t.profile(i)
	t.mu.Lock()
	s := t.stateOf(i, p)
	next, err := t.applyChanges(s, t.located(i, p), add, remove)
	if err != nil {
		t.mu.Unlock()
		return extract.User{}, err
	}
	for _, h := range s.holds() {
		if h.assigned() {
			t.consumed[h.sku]--
		}
	}
	for _, h := range next.holds() {
		if h.assigned() {
			t.consumed[h.sku]++
		}
	}
	t.overlay[i] = next
	// assignedLicenses changed: Graph's /users/delta reports the user.
	d := &t.delta
	d.mu.Lock()
	d.init()
	d.version++
	d.changedAt[i] = d.version
	d.mu.Unlock()
	t.mu.Unlock()
	return t.User(i), nil
}

// applyChanges validates and applies one assignLicense call to a copy of
// s, the licences of a user with (located) or without a usage location;
// the caller holds t.mu. Adding a held SKU again replaces the disabled
// plans of its direct assignment.
func (t *Tenant) applyChanges(s licenceSet, located bool, add []extract.AssignedLicense, remove []string) (licenceSet, error) {
	next := s
	now := t.clock().UTC().Truncate(time.Second)
	for _, a := range add {
		k, ok := t.boughtSKU(a.SkuID)
		if !ok {
			return s, badRequest("License %s does not correspond to a valid company License.", a.SkuID)
		}
		if !located {
			return s, badRequest("License assignment cannot be done for user with invalid usage location.")
		}
		disabled, err := planIDsOf(k, a.DisabledPlans, "User")
		if err != nil {
			return s, err
		}
		h := next.get(k)
		if !h.assigned() && t.consumed[k] >= t.prepaid[k].Enabled+t.prepaid[k].Warning {
			return s, badRequest("Subscription %s does not have any available licenses.", skuCatalog()[k].id)
		}
		h.direct, h.disabled, h.directAt = true, disabled, now
	}
	for _, id := range remove {
		k, ok := t.boughtSKU(id)
		if !ok {
			return s, badRequest("License %s does not correspond to a valid company License.", id)
		}
		h := find(&next, k)
		switch {
		case h == nil || !h.assigned():
			return s, badRequest("User does not have a corresponding license.")
		case !h.direct:
			return s, badRequest("User license is inherited from a group membership and it cannot be removed directly from the user.")
		}
		h.direct, h.disabled, h.directAt = false, nil, time.Time{}
	}
	return compact(next), nil
}

// planIDsOf checks that every disabled plan belongs to SKU k and may be
// disabled; resource (User or Group) is what Graph's message names.
func planIDsOf(k int, ids []string, resource string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		found := false
		for _, p := range skuCatalog()[k].plans {
			if p.id == lower(id) {
				if err := disableable(k, p); err != nil {
					return nil, err
				}
				out, found = append(out, p.id), true
				break
			}
		}
		if !found {
			return nil, badRequest("Invalid value specified for property 'disabledPlans' of resource '%s': service plan %s is not part of license %s.", resource, id, skuCatalog()[k].id)
		}
	}
	return out, nil
}

func find(s *licenceSet, sku int) *hold {
	for k := 0; k < s.n; k++ {
		if s.h[k].sku == sku {
			return &s.h[k]
		}
	}
	return nil
}

// compact drops SKUs nobody assigns any more.
func compact(s licenceSet) licenceSet {
	out := licenceSet{member: s.member, gen: s.gen}
	for _, h := range s.holds() {
		if h.assigned() || h.errGroups != 0 {
			out.h[out.n] = h
			out.n++
		}
	}
	return out
}
