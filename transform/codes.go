package transform

// Reason codes of mart_reclamation_candidates (column reason and the list
// reasons), in priority order: reason is the first of Reasons that holds.
const (
	ReasonDisabledAccount = "disabled_account"
	ReasonGuestLicensed   = "guest_licensed"
	ReasonRedundant       = "redundant"
	ReasonNeverUsed       = "never_used"
	ReasonInactive        = "inactive"
)

// Reasons lists the reason codes in priority order.
var Reasons = []string{ReasonDisabledAccount, ReasonGuestLicensed, ReasonRedundant, ReasonNeverUsed, ReasonInactive}

// ActivityReasons are the reasons that need the usage report; they never
// fire for a tenant whose report is concealed.
var ActivityReasons = []string{ReasonNeverUsed, ReasonInactive}

// Actions of mart_reclamation_candidates.
const (
	// ActionRemoveDirect removes the direct assignment. When the user also
	// gets the SKU from a group, this frees no seat (annual_savings 0).
	ActionRemoveDirect = "remove_direct"
	// ActionRemoveFromGroup removes the user from the assigning group(s).
	ActionRemoveFromGroup = "remove_from_group"
)

// Finding codes of mart_findings.
const (
	// FindingUsageReportConcealed (critical): report settings conceal user
	// names, or the report's names are 32-hex; activity rules are off and
	// the run is degraded.
	FindingUsageReportConcealed = "usage_report_concealed"
	// FindingUsageReportUnavailable (critical): the usage report failed to
	// load; activity rules had no data.
	FindingUsageReportUnavailable = "usage_report_unavailable"
	// FindingMissingFromUsageReport (warning): a licensed user is absent
	// from a report that is not concealed. Subject: user object id.
	FindingMissingFromUsageReport = "missing_from_usage_report"
	// FindingMissingUsageLocation (warning): a licensed user has no
	// usageLocation. Subject: user object id.
	FindingMissingUsageLocation = "missing_usage_location"
	// FindingAssignmentError (warning): a licenseAssignmentStates entry
	// carries an error. Subject: user object id.
	FindingAssignmentError = "assignment_error"
	// FindingOverAssigned (warning): consumed units exceed active units.
	// Subject: SKU part number.
	FindingOverAssigned = "over_assigned"
	// FindingMissingPrice (warning): no price entry covers as_of, or it has
	// no fx rate into the reporting currency; the cost is NULL. Subject:
	// SKU part number.
	FindingMissingPrice = "missing_price"
	// FindingStaleUsageReport (warning): the report's refresh date is more
	// than 7 days before the snapshot date. Subject: tenant.
	FindingStaleUsageReport = "stale_usage_report"
	// FindingSubscriptionExpiring (warning): the subscription's next
	// lifecycle date is 0..30 days after as_of, trials included: the last
	// chance to cut seats of an annual term. Subject: subscription id.
	FindingSubscriptionExpiring = "subscription_expiring"
)

// Findings lists every finding code.
var Findings = []string{
	FindingUsageReportConcealed, FindingUsageReportUnavailable, FindingMissingFromUsageReport,
	FindingMissingUsageLocation, FindingAssignmentError, FindingOverAssigned, FindingMissingPrice,
	FindingStaleUsageReport, FindingSubscriptionExpiring,
}

// Severities of mart_findings.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
	SeverityInfo     = "info" // reserved: no finding uses it yet
)
