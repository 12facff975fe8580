// Package extract holds the plain record types that the extraction stage
// produces and the loader consumes, and the Source interface that streams
// them. It imports only the standard library: extract/graph (the Microsoft
// Graph adapter) and load (the DuckDB warehouse) meet here and never import
// each other.
//
// Dates and times use time.Time; the zero value means "absent" (Graph sent
// null, an empty string, or omitted the field). Times are UTC.
package extract

import (
	"context"
	"time"
)

// User is one directory user as returned by GET /users with the $select
// list in UserSelect.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	Mail              string
	Department        string
	CostCenter        string // employeeOrgData.costCenter
	CompanyName       string
	Country           string
	UsageLocation     string // two-letter ISO code; empty when not set
	UserType          string // Member or Guest
	AccountEnabled    bool
	CreatedDateTime   time.Time
	AssignedLicenses  []AssignedLicense
	// LicenseAssignmentStates tells direct from group-based assignment:
	// AssignedByGroup is empty for a direct assignment.
	LicenseAssignmentStates []LicenseAssignmentState
	// OnPremisesDistinguishedName is the user's DN in the on-premises
	// Active Directory it is synced from, e.g.
	// CN=Ann Lee,OU=Sales,OU=Users,DC=contoso,DC=com; empty for a
	// cloud-only user.
	OnPremisesDistinguishedName string
	// OnPremisesSyncEnabled is true while the user is synced from an
	// on-premises directory, false when it once was and no longer is, and
	// nil (Graph sent null) for a user that was never synced. A Source may
	// point many users at one value: never write through the pointer.
	OnPremisesSyncEnabled *bool
}

// UserSelect is the $select list for users: only what seatledger needs,
// which keeps Graph pages small.
var UserSelect = []string{
	"id", "userPrincipalName", "displayName", "mail", "department",
	"employeeOrgData", "companyName", "country", "usageLocation", "userType",
	"accountEnabled", "createdDateTime", "assignedLicenses",
	"licenseAssignmentStates", "onPremisesDistinguishedName", "onPremisesSyncEnabled",
}

// AssignedLicense is one entry of user.assignedLicenses.
type AssignedLicense struct {
	SkuID         string
	DisabledPlans []string
}

// LicenseAssignmentState is one entry of user.licenseAssignmentStates.
type LicenseAssignmentState struct {
	SkuID               string
	AssignedByGroup     string // group object id; empty when assigned directly
	State               string // Active, ActiveWithError, Disabled, Error
	Error               string // None, CountViolation, MutuallyExclusiveViolation, ...
	DisabledPlans       []string
	LastUpdatedDateTime time.Time
}

// SKU is one entry of GET /subscribedSkus.
type SKU struct {
	ID               string // "{tenantId}_{skuId}"
	AccountID        string
	AccountName      string
	AppliesTo        string // User or Company
	CapabilityStatus string // Enabled, Warning, Suspended, Deleted, LockedOut
	ConsumedUnits    int64
	PrepaidUnits     PrepaidUnits
	ServicePlans     []ServicePlan
	SkuID            string
	SkuPartNumber    string
	SubscriptionIDs  []string
}

// PrepaidUnits is subscribedSku.prepaidUnits.
type PrepaidUnits struct {
	Enabled   int64
	Suspended int64
	Warning   int64
	LockedOut int64
}

// ServicePlan is one service plan of a SKU (or of a subscription's
// serviceStatus).
type ServicePlan struct {
	ServicePlanID      string
	ServicePlanName    string
	ProvisioningStatus string
	AppliesTo          string
}

// Subscription is one entry of GET /directory/subscriptions
// (companySubscription).
type Subscription struct {
	ID                     string
	CommerceSubscriptionID string
	SkuID                  string
	SkuPartNumber          string
	Status                 string // Enabled, Expired, Suspended, Warning, LockedOut
	IsTrial                bool
	TotalLicenses          int64
	CreatedDateTime        time.Time
	NextLifecycleDateTime  time.Time
	OwnerID                string
	OwnerTenantID          string
	OwnerType              string
	ServiceStatus          []ServicePlan
}

// ReportSettings is GET /admin/reportSettings.
type ReportSettings struct {
	DisplayConcealedNames bool
}

// Group is a group that carries licences (GET /groups with
// assignedLicenses), so that a group-only licence can name its group.
type Group struct {
	ID               string
	DisplayName      string
	AssignedLicenses []AssignedLicense
}

// Workloads are the six workloads of the Office 365 active-user-detail
// report, in the report's column order.
var Workloads = [6]string{"Exchange", "OneDrive", "SharePoint", "Skype", "Yammer", "Teams"}

// ActivityRow is one data row of the Office 365 active-user-detail report
// (reports/getOffice365ActiveUserDetail), whose 24 CSV columns are listed
// in ActivityColumns. Per-workload arrays are indexed like Workloads.
type ActivityRow struct {
	ReportRefreshDate time.Time
	UserPrincipalName string // 32 upper-case hex characters when concealed
	DisplayName       string
	IsDeleted         bool
	DeletedDate       time.Time
	HasLicense        [6]bool
	LastActivityDate  [6]time.Time
	LicenseAssignDate [6]time.Time
	AssignedProducts  string // "+"-separated product names, as Graph sends them
}

// ActivityColumns is the documented header of the report's CSV, in order.
var ActivityColumns = []string{
	"Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date",
	"Has Exchange License", "Has OneDrive License", "Has SharePoint License",
	"Has Skype For Business License", "Has Yammer License", "Has Teams License",
	"Exchange Last Activity Date", "OneDrive Last Activity Date", "SharePoint Last Activity Date",
	"Skype For Business Last Activity Date", "Yammer Last Activity Date", "Teams Last Activity Date",
	"Exchange License Assign Date", "OneDrive License Assign Date", "SharePoint License Assign Date",
	"Skype For Business License Assign Date", "Yammer License Assign Date", "Teams License Assign Date",
	"Assigned Products",
}

// Source streams one tenant's datasets. extract/graph implements it over
// Microsoft Graph. Implementations must be safe for concurrent calls of
// different methods.
type Source interface {
	// Users calls page for every page of users, in order, never holding
	// the whole tenant in memory. page must not keep the slice.
	Users(ctx context.Context, page func([]User) error) error
	SubscribedSKUs(ctx context.Context) ([]SKU, error)
	Subscriptions(ctx context.Context) ([]Subscription, error)
	ReportSettings(ctx context.Context) (ReportSettings, error)
	Groups(ctx context.Context) ([]Group, error)
	// ActivityReport streams the Office 365 active-user-detail report for
	// period (D7, D30, D90 or D180) row by row.
	ActivityReport(ctx context.Context, period string, row func(ActivityRow) error) error
}
