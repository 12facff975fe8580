package reclaim

import (
	"context"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// Graph is what reclaim needs of one tenant's Graph client (the
// *graph.Client of extract/graph is one): the users' licences read live,
// assignLicense calls, usageLocation set before an assign, and the
// tenant's subscribedSkus (free units) read live. The per-user calls
// answer one result per id or change, in order, and send Graph $batch
// requests of at most 20.
type Graph interface {
	UserLicenses(ctx context.Context, ids []string) ([]extract.LicenseResult, error)
	AssignLicenses(ctx context.Context, changes []extract.LicenseChange) ([]extract.LicenseResult, error)
	SetUsageLocations(ctx context.Context, changes []extract.UsageLocationChange) ([]extract.LicenseResult, error)
	SubscribedSKUs(ctx context.Context) ([]extract.SKU, error)
	// Licence groups: their licences read live and changed (assign
	// --group), and their members taken out and put back (reclaim
	// --group-membership and its undo).
	GroupLicenses(ctx context.Context, ids []string) ([]extract.GroupLicenseResult, error)
	AssignGroupLicense(ctx context.Context, change extract.GroupLicenseChange) (extract.LicenseResult, error)
	RemoveGroupMembers(ctx context.Context, removals []extract.MemberRemoval) ([]extract.LicenseResult, error)
	AddGroupMembers(ctx context.Context, additions []extract.MemberRemoval) ([]extract.LicenseResult, error)
}

// Reader is the warehouse as the planner and the apply guards read it:
// its latest snapshots (the *load.Warehouse is one).
type Reader interface {
	ReclaimCandidates(ctx context.Context, f load.CandidateFilter) ([]load.Candidate, error)
	ReclaimCandidatesOf(ctx context.Context, ids, upnsLower []string) ([]load.Candidate, error)
	RightsizingRows(ctx context.Context, f load.RightsizingFilter) ([]load.Rightsizing, error)
	RightsizingOf(ctx context.Context, ids []string) ([]load.Rightsizing, error)
	UserLicencesOf(ctx context.Context, ids, upnsLower []string) ([]load.UserLicence, error)
	LatestTenants(ctx context.Context) ([]string, error)
	LatestReports(ctx context.Context) ([]load.TenantReport, error)
	LatestSKUs(ctx context.Context, partNumber string) ([]load.TenantSKU, error)
	LatestRoster(ctx context.Context, tenant string) ([]load.RosterUser, error)
	LatestGroupMembers(ctx context.Context, tenant, skuID string, groupIDs []string) ([]load.GroupMembers, error)
	Close() error
}

// Journal is the warehouse as an apply or undo records its outcomes in
// the actions table (the *load.Warehouse is one).
type Journal interface {
	RecordActions(ctx context.Context, actions []load.Action) error
	Close() error
}

// Warehouse opens the warehouse: read-only to plan and to guard, for
// writing only to record, and each time closed again, so that the nightly
// run or the daemon is kept out as briefly as possible.
type Warehouse interface {
	OpenRead(ctx context.Context) (Reader, error)
	OpenWrite(ctx context.Context) (Journal, error)
	// Path is the warehouse file: actions that cannot be recorded are
	// saved next to it.
	Path() string
}

// WarehouseFile is the DuckDB warehouse at path; readOpts tune its
// read-only opens.
func WarehouseFile(path string, readOpts ...load.Option) Warehouse {
	return warehouseFile{path: path, readOpts: readOpts}
}

type warehouseFile struct {
	path     string
	readOpts []load.Option
}

func (f warehouseFile) OpenRead(ctx context.Context) (Reader, error) {
	w, err := load.OpenReadOnly(ctx, f.path, f.readOpts...)
	if err != nil {
		return nil, err
	}
	return w, nil
}

func (f warehouseFile) OpenWrite(ctx context.Context) (Journal, error) {
	w, err := load.Open(ctx, f.path)
	if err != nil {
		return nil, err
	}
	return w, nil
}

func (f warehouseFile) Path() string { return f.path }
