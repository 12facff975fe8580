package transform

import (
	"regexp"
	"strings"
)

// The six workloads of the Office 365 active-user-detail report.
const (
	Exchange   = "Exchange"
	OneDrive   = "OneDrive"
	SharePoint = "SharePoint"
	Skype      = "Skype"
	Yammer     = "Yammer"
	Teams      = "Teams"
)

// The further usage signals a plan may carry (PRODUCT.md, "Further usage
// signals and rightsizing"): a licence row counts one only when the tenant
// provides its dataset (tenants[].signals), the dataset was read whole and
// its report does not conceal names; otherwise the signal is ignored.
const (
	// Copilot is the Microsoft 365 Copilot usage report's last activity
	// date, for the M365_COPILOT_* plans.
	Copilot = "Copilot"
	// Apps is the Microsoft 365 Apps usage report's last activity date, for
	// the plans of the Apps desktop suite.
	Apps = "Apps"
	// PowerBI is the latest successful Power BI service sign-in seen in the
	// Entra sign-in logs, accumulated night by night, for the BI_AZURE_P*
	// plans. Sign-in data is not concealed.
	PowerBI = "PowerBI"
	// SignIn is users' signInActivity (the last successful sign-in, else
	// the later of the last interactive and non-interactive ones), for the
	// plans of Entra ID P1/P2, Intune and EMS.
	SignIn = "SignIn"
)

// workloadRule maps service plans whose name matches re to workloads.
type workloadRule struct {
	re        *regexp.Regexp
	workloads []string
	why       string
}

// workloadRules is the curated service-plan -> report-workload map. Plans
// are matched by name (Microsoft versions plan ids per SKU family, names
// are stable); the first matching rule decides, so the exclusions (nil
// workloads) come before the families they carve out of. The patterns are
// RE2, the syntax of both Go's regexp and DuckDB's regexp_matches: the SQL
// applies the same rules to the tenant's own plan names (tested).
var workloadRules = []workloadRule{
	// Not a mailbox: the Exchange Foundation plan rides along with Entra,
	// Power BI, Intune and many other SKUs; archiving and protection add-ons
	// are not mailboxes either.
	{regexp.MustCompile(`^EXCHANGE_S_(FOUNDATION|ARCHIVE)`), nil, "foundation/archive is no mailbox"},
	{regexp.MustCompile(`^EXCHANGE_(S|B|L)_`), []string{Exchange}, "Exchange Online mailbox plans"},
	// OneDrive for Business is provisioned through the SharePoint plans of
	// the suites (the report shows Has OneDrive License for E3 users), so a
	// SharePoint plan carries both workloads. SHAREPOINTWAC is Office for
	// the web, SHAREPOINTSTORAGE extra storage: neither is a site licence.
	{regexp.MustCompile(`^SHAREPOINT(WAC|STORAGE|ONLINE_MULTIGEO|_PROJECT)`), nil, "web apps, storage, multi-geo, Project"},
	{regexp.MustCompile(`^SHAREPOINT`), []string{SharePoint, OneDrive}, "SharePoint plans carry OneDrive"},
	// ONEDRIVE_BASIC* is storage bundled with Visio and Project: counting it
	// would call a Visio seat used because its holder opens OneDrive.
	{regexp.MustCompile(`^ONEDRIVE_BASIC`), nil, "bundled storage"},
	{regexp.MustCompile(`^ONEDRIVE(STANDARD|ENTERPRISE|LITE|_P)`), []string{OneDrive}, "OneDrive plans"},
	{regexp.MustCompile(`^(MCOSTANDARD|MCOIMP|MCOLITE)`), []string{Skype}, "Skype for Business Online"},
	{regexp.MustCompile(`^(YAMMER_|VIVAENGAGE_CORE)`), []string{Yammer}, "Yammer / Viva Engage"},
	{regexp.MustCompile(`^(TEAMS1$|TEAMS_(GOV|AR_|FREE|EXPLORATORY|DESKLESS)|MCO_TEAMS_IW)`), []string{Teams}, "Microsoft Teams"},
	// The further signals. Copilot: its six plans (apps, Teams, chat,
	// search, connectors, SharePoint), all named M365_COPILOT_*; two
	// Copilot SKUs share a name, so plans decide, never a skuId.
	{regexp.MustCompile(`^M365_COPILOT_`), []string{Copilot}, "Microsoft 365 Copilot"},
	// The Apps desktop suite: Apps for enterprise (and its GOV plan), Apps
	// for business and the older small-business Office plan. Not the
	// unattended (RPA), device-based or mobile-only plans: no person's
	// desktop use shows for them.
	{regexp.MustCompile(`^(OFFICESUBSCRIPTION(_GOV)?|OFFICE_BUSINESS|OFFICE_PRO_PLUS_SUBSCRIPTION_SMBIZ)$`), []string{Apps}, "Microsoft 365 Apps desktop suite"},
	// Power BI: Pro (BI_AZURE_P2), Premium per user (BI_AZURE_P3) and the
	// others of the family, also inside Microsoft 365 E5.
	{regexp.MustCompile(`^BI_AZURE_P`), []string{PowerBI}, "Power BI"},
	// Entra ID P1/P2, Intune and the plans only EMS brings (multi-factor,
	// Azure Information Protection P1/P2, Cloud App Security Discovery,
	// Advanced Threat Analytics): used by signing in. Not Azure Rights
	// Management (RMS_S_ENTERPRISE) nor Intune for Office 365
	// (INTUNE_O365), which ride along with the Office 365 suites.
	{regexp.MustCompile(`^(AAD_PREMIUM(_P2)?|INTUNE_(A|A_GOV|A_VL|EDU|SMBIZ|P2)|MFA_PREMIUM|RMS_S_PREMIUM2?|ADALLOM_S_DISCOVERY|ATA)$`), []string{SignIn}, "Entra ID P1/P2, Intune, EMS"},
}

// WorkloadsOf returns the workloads that a service plan carries: report
// workloads and further signals (Copilot, Apps, PowerBI, SignIn); none for a plan that
// carries neither.
func WorkloadsOf(planName string) []string {
	name := strings.TrimSpace(planName)
	for _, r := range workloadRules {
		if r.re.MatchString(name) {
			return append([]string(nil), r.workloads...)
		}
	}
	return nil
}

// workloadTable is ref_plan_workloads: the rules as rows, one per rule and
// workload (workload NULL for an exclusion rule), in priority order.
func workloadTable() Table {
	t := Table{Name: "ref_plan_workloads", Columns: []Column{
		{"priority", "INTEGER"}, {"pattern", "VARCHAR"}, {"workload", "VARCHAR"}, {"note", "VARCHAR"}}}
	for i, r := range workloadRules {
		if len(r.workloads) == 0 {
			t.Rows = append(t.Rows, []any{int64(i), r.re.String(), nil, r.why})
		}
		for _, w := range r.workloads {
			t.Rows = append(t.Rows, []any{int64(i), r.re.String(), w, r.why})
		}
	}
	return t
}
