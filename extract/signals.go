package extract

import (
	"context"
	"errors"
	"time"
)

// The reports behind the further usage signals (PRODUCT.md, "Further usage
// signals and rightsizing"): Microsoft 365 Copilot usage, Microsoft 365
// Apps usage, Office activations and mailbox usage. Each is a CSV whose
// columns are mapped by header name (Microsoft reorders them between
// versions); extra columns are ignored. Sources and the documented headers:
// shared/research/usage-signals.md §1.2, §2.1, §2.2 and §6.

// Tri is a report flag that may be absent: the CSV cell was empty or
// null, or the column is missing from this version of the report.
type Tri int8

// Tri values.
const (
	Unknown Tri = iota
	No
	Yes
)

// Count is a report number that may be absent (an empty or null cell, or
// a missing column).
type Count struct {
	N     int64
	Known bool
}

// CopilotApps are the apps of the Copilot usage report with a last
// activity date of their own, in the documented (version v1) order. A
// column named "<app> Last Activity Date" fills the app's date.
var CopilotApps = [8]string{
	"Copilot Chat", "Microsoft Teams Copilot", "Word Copilot", "Excel Copilot",
	"PowerPoint Copilot", "Outlook Copilot", "OneNote Copilot", "Loop Copilot",
}

// CopilotUsageColumns is the documented CSV header of
// copilot/reports/getMicrosoft365CopilotUsageUserDetail (v1.0, version v1),
// in order.
var CopilotUsageColumns = []string{
	"Report Refresh Date", "User Principal Name", "Display Name", "Last Activity Date",
	"Copilot Chat Last Activity Date", "Microsoft Teams Copilot Last Activity Date",
	"Word Copilot Last Activity Date", "Excel Copilot Last Activity Date",
	"PowerPoint Copilot Last Activity Date", "Outlook Copilot Last Activity Date",
	"OneNote Copilot Last Activity Date", "Loop Copilot Last Activity Date", "Report Period",
}

// CopilotUsageRow is one row of the Microsoft 365 Copilot usage report:
// a user licensed for Copilot at any time in the last 180 days. Dates are
// all-time last dates whatever the period; Microsoft publishes a day's
// activity up to 72 hours after it ends.
type CopilotUsageRow struct {
	ReportRefreshDate time.Time
	UserPrincipalName string // 32 upper-case hex characters when concealed
	DisplayName       string
	LastActivityDate  time.Time
	AppLastActivity   [8]time.Time // indexed like CopilotApps
	ReportPeriod      string       // as sent, e.g. "90"; period ALL may give a row per period
}

// OfficeApps and OfficePlatforms index the Microsoft 365 Apps usage
// report's flags: "Windows", "Word", "Word (Windows)" and so on.
var (
	OfficeApps      = [6]string{"Outlook", "Word", "Excel", "PowerPoint", "OneNote", "Teams"}
	OfficePlatforms = [4]string{"Windows", "Mac", "Mobile", "Web"}
)

// AppsUsageColumns is the documented 39-column CSV header of
// reports/getM365AppUserDetail, in order.
var AppsUsageColumns = func() []string {
	cols := []string{"Report Refresh Date", "User Principal Name", "Last Activation Date", "Last Activity Date", "Report Period"}
	cols = append(cols, OfficePlatforms[:]...)
	cols = append(cols, OfficeApps[:]...)
	for _, p := range OfficePlatforms {
		for _, a := range OfficeApps {
			cols = append(cols, a+" ("+p+")")
		}
	}
	return cols
}()

// AppsUsageRow is one row of the Microsoft 365 Apps usage report: whether
// the user used each app on each platform in the report period. Flags are
// Yes/No/True/False in the CSV (the literal is undocumented), empty cells
// Unknown.
type AppsUsageRow struct {
	ReportRefreshDate  time.Time
	UserPrincipalName  string // concealed like the other reports
	LastActivationDate time.Time
	LastActivityDate   time.Time
	ReportPeriod       string
	Platform           [4]Tri    // indexed like OfficePlatforms
	App                [6]Tri    // indexed like OfficeApps
	AppPlatform        [6][4]Tri // [app][platform]
}

// ActivationColumns is the documented CSV header of
// reports/getOffice365ActivationsUserDetail, in order.
var ActivationColumns = []string{
	"Report Refresh Date", "User Principal Name", "Display Name", "Product Type", "Last Activated Date",
	"Windows", "Mac", "Windows 10 Mobile", "iOS", "Android", "Activated On Shared Computer",
}

// ActivationRow is one row of the Office activations report: one user ×
// product type (Microsoft 365 Apps for enterprise, Project, Visio). The
// counts are devices with an activation, not use; an empty last activated
// date with every count 0 means the client was never activated.
type ActivationRow struct {
	ReportRefreshDate         time.Time
	UserPrincipalName         string
	DisplayName               string
	ProductType               string // e.g. MICROSOFT 365 APPS FOR ENTERPRISE, Project Client: compare without case
	LastActivatedDate         time.Time
	Windows                   Count
	Mac                       Count
	Windows10Mobile           Count
	IOS                       Count
	Android                   Count
	ActivatedOnSharedComputer Tri
}

// MailboxUsageColumns is the CSV header of reports/getMailboxUsageDetail
// as documented, plus "Recipient Type", which the admin centre documents
// ("Shared or User") and exports place before "Report Period"; its
// literals are unverified, so readers treat any value containing "shared"
// (any case) as a shared mailbox.
var MailboxUsageColumns = []string{
	"Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date",
	"Created Date", "Last Activity Date", "Item Count", "Storage Used (Byte)",
	"Issue Warning Quota (Byte)", "Prohibit Send Quota (Byte)", "Prohibit Send/Receive Quota (Byte)",
	"Deleted Item Count", "Deleted Item Size (Byte)", "Deleted Item Quota (Byte)", "Has Archive",
	"Recipient Type", "Report Period",
}

// MailboxUsageRow is one row of the mailbox usage report.
type MailboxUsageRow struct {
	ReportRefreshDate        time.Time
	UserPrincipalName        string
	DisplayName              string
	IsDeleted                bool
	DeletedDate              time.Time
	CreatedDate              time.Time
	LastActivityDate         time.Time
	ItemCount                Count
	StorageUsedBytes         Count
	IssueWarningQuotaBytes   Count
	ProhibitSendQuotaBytes   Count
	ProhibitSendReceiveBytes Count
	DeletedItemCount         Count
	DeletedItemSizeBytes     Count
	DeletedItemQuotaBytes    Count
	HasArchive               Tri
	RecipientType            string // "" when the column is absent
	ReportPeriod             string
}

// SignalSource streams the reports behind the further usage signals. Each
// is optional: a source that cannot read one (permission denied, report
// unavailable) returns an error and the snapshot is degraded, as for the
// Office 365 usage report.
type SignalSource interface {
	// CopilotUsage streams the Copilot usage report for period (D7, D30,
	// D90, D180 or ALL).
	CopilotUsage(ctx context.Context, period string, row func(CopilotUsageRow) error) error
	// AppsUsage streams the Microsoft 365 Apps usage report for period
	// (D7, D30, D90 or D180).
	AppsUsage(ctx context.Context, period string, row func(AppsUsageRow) error) error
	// Activations streams the Office activations report (it has no period).
	Activations(ctx context.Context, row func(ActivationRow) error) error
	// MailboxUsage streams the mailbox usage report for period (D7, D30,
	// D90 or D180).
	MailboxUsage(ctx context.Context, period string, row func(MailboxUsageRow) error) error
}

// SignInActivity is a user's signInActivity (GET /users with
// $select=id,signInActivity): the last interactive attempt (successful or
// not), the last non-interactive attempt, and the last successful sign-in
// of either kind (recorded since December 2023, not back-filled). A zero
// time is null: no attempt since April 2020, or none ever.
// shared/research/usage-signals.md §4.
type SignInActivity struct {
	UserID             string
	LastSignIn         time.Time // lastSignInDateTime: interactive
	LastNonInteractive time.Time // lastNonInteractiveSignInDateTime
	LastSuccessful     time.Time // lastSuccessfulSignInDateTime
}

// PowerBIAppID is the application id of the Power BI service in Entra
// sign-in logs.
const PowerBIAppID = "00000009-0000-0000-c000-000000000000"

// SignIn is one event of the Entra sign-in logs (GET /auditLogs/signIns),
// the fields seatledger reads.
type SignIn struct {
	UserID          string
	CreatedDateTime time.Time
	AppID           string
	ResourceID      string
	ErrorCode       int // status.errorCode: 0 is a successful sign-in
}

// SignInWindow is how far a read of the sign-in logs reached: every
// event of the application in [From, To) was read. To is the read's
// until; From its since, unless the read stopped at its page bound
// (Truncated), then the oldest event read (events come newest first).
type SignInWindow struct {
	From, To  time.Time
	Pages     int
	Truncated bool
}

// ErrForbidden means the service refused a read for want of a permission
// or a licence (HTTP 403): for the sign-in datasets, AuditLog.Read.All or
// Entra ID P1/P2. extract/graph returns it as graph.ErrForbidden, the same
// value.
var ErrForbidden = errors.New("forbidden")

// SignInSource reads the sign-in datasets. Both need the AuditLog.Read.All
// permission and Entra ID P1 or P2 in the tenant; without them they return
// an error and the dataset is missing, which is a finding, not a failure.
type SignInSource interface {
	// SignInActivity calls page for every page of users' signInActivity.
	// page must not keep the slice.
	SignInActivity(ctx context.Context, page func([]SignInActivity) error) error
	// SignIns calls page for every page of sign-in events of application
	// appID created in [since, until), newest first, reading at most
	// maxPages pages (0: no bound), and says how far the read reached.
	// page must not keep the slice.
	SignIns(ctx context.Context, appID string, since, until time.Time, maxPages int, page func([]SignIn) error) (SignInWindow, error)
}

// The signal datasets by name, as configured (tenants[].signals) and as
// recorded in raw_dataset_status, in the order a run reads them.
const (
	SignalCopilotUsage   = "copilot_usage"
	SignalAppsUsage      = "apps_usage"
	SignalActivations    = "office_activations"
	SignalMailboxUsage   = "mailbox_usage"
	SignalSignInActivity = "signin_activity"
	SignalPowerBISignIns = "powerbi_signins"
)

// IsSignIn reports whether a signal dataset is a sign-in one (read
// through SignInSource; its refusal for want of AuditLog.Read.All or
// Entra ID P1/P2 is a finding, not a failure).
func IsSignIn(dataset string) bool {
	return dataset == SignalSignInActivity || dataset == SignalPowerBISignIns
}

// SignalDatasets lists every signal dataset.
var SignalDatasets = []string{SignalCopilotUsage, SignalAppsUsage, SignalActivations, SignalMailboxUsage,
	SignalSignInActivity, SignalPowerBISignIns}
