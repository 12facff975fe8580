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
	reports  []load.TenantReport
	licences []load.UserLicence
	skus     []load.TenantSKU
	roster   []load.RosterUser
	writeErr error // OpenWrite fails with it
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
		if strings.EqualFold(k.SkuPartNumber, part) {
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
