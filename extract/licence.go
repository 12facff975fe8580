package extract

// LicenseChange is one assignLicense call for one user: the licences to
// add, each with the service plans to leave disabled, and the SKU ids to
// remove. Both lists may be empty, never absent on the wire.
type LicenseChange struct {
	UserID string // object id
	Add    []AssignedLicense
	Remove []string // SKU ids
}

// LicenseResult is Graph's answer to one per-user licence request (an
// assignLicense call or a read of the user's licences), as one item of a
// $batch.
type LicenseResult struct {
	UserID string
	// Status is the item's HTTP status; 0 when it was never answered (its
	// whole batch failed).
	Status int
	// Code and Message are Graph's error.code and error.message (first
	// line) when Status is not 2xx, or why there was no answer.
	Code    string
	Message string
	// User holds the user's id, usageLocation, assignedLicenses and
	// licenseAssignmentStates when the request read them.
	User User
}

// OK reports whether Graph answered the request with a 2xx status.
func (r LicenseResult) OK() bool { return r.Status >= 200 && r.Status < 300 }

// LicenseSelect is the $select of a user's licence state: what an undo
// needs to restore it.
var LicenseSelect = []string{"id", "usageLocation", "assignedLicenses", "licenseAssignmentStates"}

// UsageLocationChange sets one user's usage location (PATCH /users/{id}
// with {"usageLocation": ...}): Graph refuses to assign a licence to a
// user without one.
type UsageLocationChange struct {
	UserID        string // object id
	UsageLocation string // ISO 3166-1 alpha-2 code, upper case ("DE")
}

// GroupLicenseChange is one assignLicense call for a licence group
// (POST /groups/{id}/assignLicense): group-based licensing then gives the
// added licences to every member and takes the removed ones from members
// who hold them no other way.
type GroupLicenseChange struct {
	GroupID string // object id
	Add     []AssignedLicense
	Remove  []string // SKU ids
}

// GroupLicenseResult is Graph's answer to one read of a group's licences
// (GET /groups/{id}), as one item of a $batch.
type GroupLicenseResult struct {
	GroupID string
	// Status is the item's HTTP status; 0 when it was never answered.
	Status int
	// Code and Message are Graph's error.code and error.message when
	// Status is not 2xx, or why there was no answer.
	Code    string
	Message string
	// Group holds the group's id, displayName and assignedLicenses when
	// Status is 2xx.
	Group Group
}

// OK reports whether Graph answered the request with a 2xx status.
func (r GroupLicenseResult) OK() bool { return r.Status >= 200 && r.Status < 300 }

// MemberRemoval names one member of one group: removing it takes the
// group's licences from the user (unless held otherwise); adding it back
// is its undo.
type MemberRemoval struct {
	GroupID string // object id
	UserID  string // object id
}
