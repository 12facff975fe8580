package transform

// Containment says that holding Container makes Contained redundant. The
// rule also fires on plain plan subsets (computed in SQL); this table
// covers what subsets miss: Microsoft versions plans per suite (SPE_E5 has
// STREAM_O365_E5 where SPE_E3 has STREAM_O365_E3), so real suites are
// rarely exact subsets of each other.
type Containment struct {
	Container, Contained string // SKU part numbers
}

// containments is curated from Microsoft's service descriptions; every
// part number must exist in the catalogue (tested).
var containments = []Containment{
	// Microsoft 365 E5 includes Microsoft 365 E3, Office 365 E5/E3/E1, EMS
	// E5/E3, Entra ID P1/P2, Power BI Pro and the Exchange plans.
	{"SPE_E5", "SPE_E3"}, {"SPE_E5", "ENTERPRISEPREMIUM"}, {"SPE_E5", "ENTERPRISEPACK"},
	{"SPE_E5", "STANDARDPACK"}, {"SPE_E5", "EXCHANGEENTERPRISE"}, {"SPE_E5", "EXCHANGESTANDARD"},
	{"SPE_E5", "OFFICESUBSCRIPTION"}, {"SPE_E5", "EMSPREMIUM"}, {"SPE_E5", "EMS"},
	{"SPE_E5", "AAD_PREMIUM"}, {"SPE_E5", "AAD_PREMIUM_P2"}, {"SPE_E5", "POWER_BI_PRO"},
	// Microsoft 365 E3 = Office 365 E3 + EMS E3 + Windows Enterprise.
	{"SPE_E3", "ENTERPRISEPACK"}, {"SPE_E3", "STANDARDPACK"}, {"SPE_E3", "EXCHANGEENTERPRISE"},
	{"SPE_E3", "EXCHANGESTANDARD"}, {"SPE_E3", "OFFICESUBSCRIPTION"}, {"SPE_E3", "EMS"},
	{"SPE_E3", "AAD_PREMIUM"},
	// Office 365 E5 / E3 / E1.
	{"ENTERPRISEPREMIUM", "ENTERPRISEPACK"}, {"ENTERPRISEPREMIUM", "STANDARDPACK"},
	{"ENTERPRISEPREMIUM", "EXCHANGEENTERPRISE"}, {"ENTERPRISEPREMIUM", "EXCHANGESTANDARD"},
	{"ENTERPRISEPREMIUM", "OFFICESUBSCRIPTION"}, {"ENTERPRISEPREMIUM", "POWER_BI_PRO"},
	{"ENTERPRISEPACK", "STANDARDPACK"}, {"ENTERPRISEPACK", "EXCHANGEENTERPRISE"},
	{"ENTERPRISEPACK", "EXCHANGESTANDARD"}, {"ENTERPRISEPACK", "OFFICESUBSCRIPTION"},
	{"STANDARDPACK", "EXCHANGESTANDARD"},
	// Exchange Online Plan 1 beside Plan 2: allowed by Microsoft, still waste.
	{"EXCHANGEENTERPRISE", "EXCHANGESTANDARD"},
	// Business Premium > Business Standard > Business Basic.
	{"SPB", "O365_BUSINESS_PREMIUM"}, {"SPB", "O365_BUSINESS_ESSENTIALS"}, {"SPB", "O365_BUSINESS"},
	{"SPB", "EXCHANGESTANDARD"}, {"SPB", "AAD_PREMIUM"},
	{"O365_BUSINESS_PREMIUM", "O365_BUSINESS_ESSENTIALS"}, {"O365_BUSINESS_PREMIUM", "O365_BUSINESS"},
	{"O365_BUSINESS_PREMIUM", "EXCHANGESTANDARD"}, {"O365_BUSINESS_ESSENTIALS", "EXCHANGESTANDARD"},
	// EMS E5 > EMS E3 > Entra ID P1; Entra ID P2 > P1.
	{"EMSPREMIUM", "EMS"}, {"EMSPREMIUM", "AAD_PREMIUM"}, {"EMSPREMIUM", "AAD_PREMIUM_P2"},
	{"EMS", "AAD_PREMIUM"}, {"AAD_PREMIUM_P2", "AAD_PREMIUM"},
	// Microsoft 365 F3 includes Office 365 F3.
	{"SPE_F1", "DESKLESSPACK"},
}

// Containments returns the curated containment table.
func Containments() []Containment { return append([]Containment(nil), containments...) }
