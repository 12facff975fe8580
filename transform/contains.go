package transform

// Containment says that holding Container makes Contained redundant. The
// rule also fires on plain plan subsets (computed in SQL); this table
// covers what subsets miss: Microsoft versions plans per suite (SPE_E5 has
// STREAM_O365_E5 where SPE_E3 has STREAM_O365_E3), so real suites are
// rarely exact subsets of each other.
type Containment struct {
	Container, Contained string // SKU part numbers
}

// containments is curated from Microsoft's service descriptions. Tested:
// every part number is in the catalogue, no pair is mutual, and the table
// is transitively closed (a user holding A and C is caught without B).
var containments = []Containment{
	{"SPE_E5", "SPE_E3"},                                  // Microsoft 365 E5 is E3 plus security, compliance, voice, analytics
	{"SPE_E5", "ENTERPRISEPREMIUM"},                       // ... and includes Office 365 E5
	{"SPE_E5", "ENTERPRISEPACK"},                          // ... Office 365 E3
	{"SPE_E5", "STANDARDPACK"},                            // ... Office 365 E1
	{"SPE_E5", "EXCHANGEENTERPRISE"},                      // ... Exchange Online Plan 2
	{"SPE_E5", "EXCHANGESTANDARD"},                        // ... which covers Plan 1
	{"SPE_E5", "OFFICESUBSCRIPTION"},                      // ... Microsoft 365 Apps for enterprise
	{"SPE_E5", "EMSPREMIUM"},                              // ... EMS E5
	{"SPE_E5", "EMS"},                                     // ... EMS E3
	{"SPE_E5", "AAD_PREMIUM"},                             // ... Entra ID P1
	{"SPE_E5", "AAD_PREMIUM_P2"},                          // ... Entra ID P2
	{"SPE_E5", "POWER_BI_PRO"},                            // ... Power BI Pro
	{"SPE_E3", "ENTERPRISEPACK"},                          // Microsoft 365 E3 = Office 365 E3 + EMS E3 + Windows Enterprise
	{"SPE_E3", "STANDARDPACK"},                            // ... Office 365 E3 covers E1
	{"SPE_E3", "EXCHANGEENTERPRISE"},                      // ... Exchange Online Plan 2
	{"SPE_E3", "EXCHANGESTANDARD"},                        // ... covers Plan 1
	{"SPE_E3", "OFFICESUBSCRIPTION"},                      // ... Microsoft 365 Apps for enterprise
	{"SPE_E3", "EMS"},                                     // ... EMS E3
	{"SPE_E3", "AAD_PREMIUM"},                             // ... Entra ID P1
	{"ENTERPRISEPREMIUM", "ENTERPRISEPACK"},               // Office 365 E5 is E3 plus security, voice, Power BI Pro
	{"ENTERPRISEPREMIUM", "STANDARDPACK"},                 // ... covers E1
	{"ENTERPRISEPREMIUM", "EXCHANGEENTERPRISE"},           // ... Exchange Online Plan 2
	{"ENTERPRISEPREMIUM", "EXCHANGESTANDARD"},             // ... covers Plan 1
	{"ENTERPRISEPREMIUM", "OFFICESUBSCRIPTION"},           // ... Microsoft 365 Apps for enterprise
	{"ENTERPRISEPREMIUM", "POWER_BI_PRO"},                 // ... Power BI Pro
	{"ENTERPRISEPACK", "STANDARDPACK"},                    // Office 365 E3 covers E1
	{"ENTERPRISEPACK", "EXCHANGEENTERPRISE"},              // ... with Exchange Online Plan 2
	{"ENTERPRISEPACK", "EXCHANGESTANDARD"},                // ... which covers Plan 1
	{"ENTERPRISEPACK", "OFFICESUBSCRIPTION"},              // ... and the Apps for enterprise
	{"STANDARDPACK", "EXCHANGESTANDARD"},                  // Office 365 E1 carries Exchange Online Plan 1
	{"EXCHANGEENTERPRISE", "EXCHANGESTANDARD"},            // Plan 1 beside Plan 2: allowed by Microsoft, still waste
	{"SPB", "O365_BUSINESS_PREMIUM"},                      // Business Premium is Business Standard plus security
	{"SPB", "O365_BUSINESS_ESSENTIALS"},                   // ... covers Business Basic
	{"SPB", "O365_BUSINESS"},                              // ... and Apps for business
	{"SPB", "EXCHANGESTANDARD"},                           // ... with an Exchange Online Plan 1 mailbox
	{"SPB", "AAD_PREMIUM"},                                // ... and Entra ID P1
	{"O365_BUSINESS_PREMIUM", "O365_BUSINESS_ESSENTIALS"}, // Business Standard is Basic plus desktop apps
	{"O365_BUSINESS_PREMIUM", "O365_BUSINESS"},            // ... covers Apps for business
	{"O365_BUSINESS_PREMIUM", "EXCHANGESTANDARD"},         // ... with a Plan 1 mailbox
	{"O365_BUSINESS_ESSENTIALS", "EXCHANGESTANDARD"},      // Business Basic carries a Plan 1 mailbox
	{"EMSPREMIUM", "EMS"},                                 // EMS E5 is E3 plus Entra ID P2 and Defender
	{"EMSPREMIUM", "AAD_PREMIUM"},                         // ... covers Entra ID P1
	{"EMSPREMIUM", "AAD_PREMIUM_P2"},                      // ... Entra ID P2
	{"EMS", "AAD_PREMIUM"},                                // EMS E3 carries Entra ID P1
	{"AAD_PREMIUM_P2", "AAD_PREMIUM"},                     // Entra ID P2 covers P1
	{"SPE_F1", "DESKLESSPACK"},                            // Microsoft 365 F3 includes Office 365 F3
}

// Containments returns the curated containment table.
func Containments() []Containment { return append([]Containment(nil), containments...) }
