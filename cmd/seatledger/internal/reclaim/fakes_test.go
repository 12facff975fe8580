package reclaim_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// memWarehouse is an in-memory reclaim.Warehouse: the candidates and
// report concealment of the latest snapshots, and the actions recorded.
type memWarehouse struct {
	path     string
	cands    []load.Candidate
	sized    []load.Rightsizing // mart_rightsizing, in its order
	reports  []load.TenantReport
	licences []load.UserLicence
	skus     []load.TenantSKU
	roster   []load.RosterUser
	members  map[string]load.GroupMembers // by lower-case group id, whatever the SKU
	writeErr error                        // OpenWrite fails with it
	actions  []load.Action
}

func (m *memWarehouse) OpenRead(context.Context) (reclaim.Reader, error) { return memReader{m}, nil }

func (m *memWarehouse) OpenWrite(context.Context) (reclaim.Journal, error) {
	if m.writeErr != nil {
		return nil, m.writeErr
	}
	return memJournal{m}, nil
}

func (m *memWarehouse) Path() string { return m.path }

type memReader struct{ m *memWarehouse }

func (r memReader) ReclaimCandidates(_ context.Context, f load.CandidateFilter) ([]load.Candidate, error) {
	var out []load.Candidate
	for _, c := range r.m.cands {
		if (len(f.Tenants) == 0 || slices.Contains(f.Tenants, c.Tenant)) &&
			(len(f.Reasons) == 0 || slices.Contains(f.Reasons, c.Reason)) &&
			(len(f.SKUs) == 0 || slices.Contains(f.SKUs, c.SkuPartNumber)) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r memReader) ReclaimCandidatesOf(_ context.Context, ids, upns []string) ([]load.Candidate, error) {
	var out []load.Candidate
	for _, c := range r.m.cands {
		if slices.Contains(ids, c.UserID) || slices.Contains(upns, strings.ToLower(c.UserPrincipalName)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// RightsizingRows filters as the warehouse does: SKUs, rules and
// confidences in any case, "" as a to SKU for no replacement.
func (r memReader) RightsizingRows(_ context.Context, f load.RightsizingFilter) ([]load.Rightsizing, error) {
	in := func(vals []string, v string) bool {
		return len(vals) == 0 || slices.ContainsFunc(vals, func(x string) bool { return strings.EqualFold(x, v) })
	}
	var out []load.Rightsizing
	for _, s := range r.m.sized {
		if in(f.Tenants, s.Tenant) && in(f.Rules, s.Rule) && in(f.Confidences, s.Confidence) && in(f.FromSKUs, s.FromSku) &&
			in(f.ToSKUs, s.ToSku) && in(f.Departments, s.Department) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (r memReader) RightsizingOf(_ context.Context, ids []string) ([]load.Rightsizing, error) {
	var out []load.Rightsizing
	for _, s := range r.m.sized {
		if slices.Contains(ids, s.UserID) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (r memReader) UserLicencesOf(_ context.Context, ids, upns []string) ([]load.UserLicence, error) {
	var out []load.UserLicence
	for _, l := range r.m.licences {
		if slices.Contains(ids, l.UserID) || slices.Contains(upns, l.UserPrincipalNameLower) {
			out = append(out, l)
		}
	}
	return out, nil
}

func (r memReader) LatestTenants(context.Context) ([]string, error) {
	var out []string
	for _, t := range r.m.reports {
		out = append(out, t.Tenant)
	}
	return out, nil
}

func (r memReader) LatestReports(context.Context) ([]load.TenantReport, error) {
	return r.m.reports, nil
}

func (r memReader) LatestSKUs(_ context.Context, part string) ([]load.TenantSKU, error) {
	var out []load.TenantSKU
	for _, k := range r.m.skus {
		if part == "" || strings.EqualFold(k.SkuPartNumber, part) {
			out = append(out, k)
		}
	}
	return out, nil
}

func (r memReader) LatestRoster(_ context.Context, tenant string) ([]load.RosterUser, error) {
	var out []load.RosterUser
	for _, u := range r.m.roster {
		if u.Tenant == tenant {
			out = append(out, u)
		}
	}
	return out, nil
}

func (memReader) Close() error { return nil }

type memJournal struct{ m *memWarehouse }

func (j memJournal) RecordActions(_ context.Context, actions []load.Action) error {
	j.m.actions = append(j.m.actions, actions...)
	return nil
}

func (memJournal) Close() error { return nil }

// fakeGraph is an in-memory reclaim.Graph for one tenant: the users'
// licences as Graph would read them, its subscribedSkus, and every
// assignLicense and usageLocation call it was sent (applied to the users,
// as Graph would: no licence is added to a user without usageLocation).
type fakeGraph struct {
	users map[string]extract.User
	skus  []extract.SKU
	calls [][]extract.LicenseChange
	// locations are the usageLocation calls sent; badLocation is refused.
	locations   [][]extract.UsageLocationChange
	badLocation string
	// beforeAssign, when set, runs at each AssignLicenses call; an error
	// from it fails the call.
	beforeAssign func() error
	// groups are the licence groups by id; groupCalls the group
	// assignLicense calls sent, removed and added the membership changes.
	groups     map[string]*fakeGroup
	groupCalls []extract.GroupLicenseChange
	removed    []extract.MemberRemoval
	added      []extract.MemberRemoval
	// beforeGroup, when set, runs at each group or membership change with
	// the group's (or user's) id; an error from it fails the call.
	beforeGroup func(id string) error
}

func (g *fakeGraph) SubscribedSKUs(context.Context) ([]extract.SKU, error) { return g.skus, nil }

func (g *fakeGraph) SetUsageLocations(_ context.Context, changes []extract.UsageLocationChange) ([]extract.LicenseResult, error) {
	g.locations = append(g.locations, changes)
	out := make([]extract.LicenseResult, len(changes))
	for i, ch := range changes {
		if ch.UsageLocation == g.badLocation {
			out[i] = extract.LicenseResult{UserID: ch.UserID, Status: 400, Code: "Request_BadRequest", Message: "Invalid value specified for property 'usageLocation'"}
			continue
		}
		u := g.users[ch.UserID]
		u.UsageLocation = ch.UsageLocation
		g.users[ch.UserID] = u
		out[i] = extract.LicenseResult{UserID: ch.UserID, Status: 204}
	}
	return out, nil
}

func (g *fakeGraph) UserLicenses(_ context.Context, ids []string) ([]extract.LicenseResult, error) {
	out := make([]extract.LicenseResult, len(ids))
	for i, id := range ids {
		u, ok := g.users[id]
		if !ok {
			out[i] = extract.LicenseResult{UserID: id, Status: 404, Code: "Request_ResourceNotFound"}
			continue
		}
		out[i] = extract.LicenseResult{UserID: id, Status: 200, User: u}
	}
	return out, nil
}

func (g *fakeGraph) AssignLicenses(_ context.Context, changes []extract.LicenseChange) ([]extract.LicenseResult, error) {
	g.calls = append(g.calls, changes)
	if g.beforeAssign != nil {
		if err := g.beforeAssign(); err != nil {
			return nil, err
		}
	}
	out := make([]extract.LicenseResult, len(changes))
	for i, ch := range changes {
		u := g.users[ch.UserID]
		if len(ch.Add) > 0 && u.UsageLocation == "" {
			out[i] = extract.LicenseResult{UserID: ch.UserID, Status: 400, Code: "Request_BadRequest",
				Message: "License assignment cannot be done for user with invalid usage location."}
			continue
		}
		added := func(sku string) bool {
			return slices.ContainsFunc(ch.Add, func(a extract.AssignedLicense) bool { return a.SkuID == sku })
		}
		var states []extract.LicenseAssignmentState
		for _, s := range u.LicenseAssignmentStates {
			if s.AssignedByGroup != "" || !(slices.Contains(ch.Remove, s.SkuID) || added(s.SkuID)) {
				states = append(states, s)
			}
		}
		for _, a := range ch.Add {
			states = append(states, extract.LicenseAssignmentState{SkuID: a.SkuID, DisabledPlans: a.DisabledPlans})
		}
		u.LicenseAssignmentStates, u.AssignedLicenses = states, nil
		for _, s := range states {
			u.AssignedLicenses = append(u.AssignedLicenses, extract.AssignedLicense{SkuID: s.SkuID, DisabledPlans: s.DisabledPlans})
		}
		g.users[ch.UserID] = u
		out[i] = extract.LicenseResult{UserID: ch.UserID, Status: 200}
	}
	return out, nil
}

// sentUsers lists the users of every change sent, in order.
func (g *fakeGraph) sentUsers() []string {
	var out []string
	for _, c := range g.calls {
		for _, ch := range c {
			out = append(out, ch.UserID)
		}
	}
	return out
}

var errUndoMissing = errors.New("assignLicense called before the undo file was written")

// fileHolds reports whether path exists and contains every string of want.
func fileHolds(path string, want ...string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	for _, w := range want {
		if !strings.Contains(string(b), w) {
			return false
		}
	}
	return true
}

// fakeGroup is a licence group of fakeGraph: its licences and members.
type fakeGroup struct {
	licences []extract.AssignedLicense
	members  []string
}

// GroupLicenses reads the groups; an unknown one is Graph's 404.
func (g *fakeGraph) GroupLicenses(_ context.Context, ids []string) ([]extract.GroupLicenseResult, error) {
	out := make([]extract.GroupLicenseResult, len(ids))
	for i, id := range ids {
		gr, ok := g.groups[id]
		if !ok {
			out[i] = extract.GroupLicenseResult{GroupID: id, Status: 404, Code: "Request_ResourceNotFound",
				Message: "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present."}
			continue
		}
		out[i] = extract.GroupLicenseResult{GroupID: id, Status: 200, Group: extract.Group{ID: id, AssignedLicenses: gr.licences}}
	}
	return out, nil
}

// AssignGroupLicense changes a group's licences and, as group-based
// licensing does, its members' licence states.
func (g *fakeGraph) AssignGroupLicense(_ context.Context, ch extract.GroupLicenseChange) (extract.LicenseResult, error) {
	g.groupCalls = append(g.groupCalls, ch)
	if g.beforeGroup != nil {
		if err := g.beforeGroup(`"group_id": "` + ch.GroupID + `"`); err != nil {
			return extract.LicenseResult{}, err
		}
	}
	gr, ok := g.groups[ch.GroupID]
	if !ok {
		return extract.LicenseResult{UserID: ch.GroupID, Status: 404, Code: "Request_ResourceNotFound", Message: "Resource '" + ch.GroupID + "' does not exist"}, nil
	}
	var kept []extract.AssignedLicense // a SKU added again gets its new disabled plans
	for _, l := range gr.licences {
		if !slices.Contains(ch.Remove, l.SkuID) && !slices.ContainsFunc(ch.Add, func(a extract.AssignedLicense) bool { return a.SkuID == l.SkuID }) {
			kept = append(kept, l)
		}
	}
	gr.licences = append(kept, ch.Add...)
	for _, m := range gr.members {
		g.regroup(m)
	}
	return extract.LicenseResult{UserID: ch.GroupID, Status: 202}, nil
}

// RemoveGroupMembers takes users out of groups (their group licences go).
func (g *fakeGraph) RemoveGroupMembers(_ context.Context, ms []extract.MemberRemoval) ([]extract.LicenseResult, error) {
	g.removed = append(g.removed, ms...)
	return g.members(ms, false), nil
}

// AddGroupMembers puts users back in groups (their group licences come
// back); a member already in is Graph's 400.
func (g *fakeGraph) AddGroupMembers(_ context.Context, ms []extract.MemberRemoval) ([]extract.LicenseResult, error) {
	g.added = append(g.added, ms...)
	return g.members(ms, true), nil
}

func (g *fakeGraph) members(ms []extract.MemberRemoval, add bool) []extract.LicenseResult {
	out := make([]extract.LicenseResult, len(ms))
	for i, m := range ms {
		if g.beforeGroup != nil {
			if err := g.beforeGroup(`"user_id": "` + m.UserID + `"`); err != nil {
				out[i] = extract.LicenseResult{UserID: m.UserID, Code: "NoResponse", Message: err.Error()}
				continue
			}
		}
		gr, ok := g.groups[m.GroupID]
		in := ok && slices.Contains(gr.members, m.UserID)
		switch {
		case !ok || (!add && !in):
			out[i] = extract.LicenseResult{UserID: m.UserID, Status: 404, Code: "Request_ResourceNotFound", Message: "not found"}
			continue
		case add && in:
			out[i] = extract.LicenseResult{UserID: m.UserID, Status: 400, Code: "Request_BadRequest",
				Message: "One or more added object references already exist for the following modified properties: 'members'."}
			continue
		case add:
			gr.members = append(gr.members, m.UserID)
		default:
			gr.members = slices.DeleteFunc(gr.members, func(u string) bool { return u == m.UserID })
		}
		g.regroup(m.UserID)
		out[i] = extract.LicenseResult{UserID: m.UserID, Status: 204}
	}
	return out
}

// regroup recomputes a user's group licence states from its groups.
func (g *fakeGraph) regroup(id string) {
	u := g.users[id]
	states := slices.DeleteFunc(slices.Clone(u.LicenseAssignmentStates), func(s extract.LicenseAssignmentState) bool { return s.AssignedByGroup != "" })
	for gid, gr := range g.groups {
		if slices.Contains(gr.members, id) {
			for _, l := range gr.licences {
				states = append(states, extract.LicenseAssignmentState{SkuID: l.SkuID, AssignedByGroup: gid, DisabledPlans: l.DisabledPlans})
			}
		}
	}
	u.LicenseAssignmentStates, u.AssignedLicenses = states, nil
	for _, s := range states {
		if !slices.ContainsFunc(u.AssignedLicenses, func(l extract.AssignedLicense) bool { return l.SkuID == s.SkuID }) {
			u.AssignedLicenses = append(u.AssignedLicenses, extract.AssignedLicense{SkuID: s.SkuID, DisabledPlans: s.DisabledPlans})
		}
	}
	g.users[id] = u
}

func (r memReader) LatestGroupMembers(_ context.Context, _, _ string, ids []string) ([]load.GroupMembers, error) {
	out := make([]load.GroupMembers, len(ids))
	for i, id := range ids {
		out[i] = r.m.members[strings.ToLower(id)]
		out[i].GroupID = strings.ToLower(id)
	}
	return out, nil
}
