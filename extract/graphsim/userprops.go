package graphsim

import (
	"strings"

	"github.com/seatledger/seatledger/extract"
)

// userProp writes one user property's JSON value.
type userProp struct {
	name  string // as Graph spells it
	write func(b []byte, u *simUser) []byte
}

func nullProp(b []byte, _ *simUser) []byte { return append(b, "null"...) }

// userProps are the user properties the simulator knows, by lower-case
// name ($select is case-insensitive). Properties it does not simulate but
// Graph has are answered with null rather than rejected.
var userProps = map[string]userProp{}

func init() {
	for _, p := range []userProp{
		{"id", func(b []byte, u *simUser) []byte { return appendString(b, u.ID) }},
		{"userPrincipalName", func(b []byte, u *simUser) []byte { return appendString(b, u.UserPrincipalName) }},
		{"displayName", func(b []byte, u *simUser) []byte { return appendString(b, u.DisplayName) }},
		{"mail", func(b []byte, u *simUser) []byte { return appendNullString(b, u.Mail) }},
		{"department", func(b []byte, u *simUser) []byte { return appendNullString(b, u.Department) }},
		{"employeeOrgData", writeOrgData},
		{"companyName", func(b []byte, u *simUser) []byte { return appendNullString(b, u.CompanyName) }},
		{"country", func(b []byte, u *simUser) []byte { return appendNullString(b, u.Country) }},
		{"usageLocation", func(b []byte, u *simUser) []byte { return appendNullString(b, u.UsageLocation) }},
		{"userType", func(b []byte, u *simUser) []byte { return appendString(b, u.UserType) }},
		{"accountEnabled", func(b []byte, u *simUser) []byte { return appendBool(b, u.AccountEnabled) }},
		{"createdDateTime", func(b []byte, u *simUser) []byte { return appendTime(b, u.CreatedDateTime) }},
		{"assignedLicenses", func(b []byte, u *simUser) []byte { return appendAssigned(b, u.AssignedLicenses) }},
		{"licenseAssignmentStates", func(b []byte, u *simUser) []byte { return appendStates(b, u.LicenseAssignmentStates) }},
		{"onPremisesDistinguishedName", func(b []byte, u *simUser) []byte { return appendNullString(b, u.OnPremisesDistinguishedName) }},
		{"onPremisesSyncEnabled", func(b []byte, u *simUser) []byte { return appendNullBool(b, u.OnPremisesSyncEnabled) }},
		{"businessPhones", func(b []byte, u *simUser) []byte { return appendStrings(b, nonEmpty(u.BusinessPhone)) }},
		{"givenName", func(b []byte, u *simUser) []byte { return appendNullString(b, u.GivenName) }},
		{"surname", func(b []byte, u *simUser) []byte { return appendNullString(b, u.Surname) }},
		{"jobTitle", func(b []byte, u *simUser) []byte { return appendNullString(b, u.JobTitle) }},
		{"mobilePhone", func(b []byte, u *simUser) []byte { return appendNullString(b, u.MobilePhone) }},
		{"officeLocation", func(b []byte, u *simUser) []byte { return appendNullString(b, u.OfficeLocation) }},
		{"preferredLanguage", func(b []byte, u *simUser) []byte { return appendNullString(b, u.PreferredLanguage) }},
		{"mailNickname", func(b []byte, u *simUser) []byte {
			return appendString(b, strings.SplitN(strings.SplitN(u.UserPrincipalName, "@", 2)[0], "#", 2)[0])
		}},
		{"externalUserState", func(b []byte, u *simUser) []byte {
			return appendNullString(b, map[bool]string{true: "Accepted"}[u.UserType == "Guest"])
		}},
		{"otherMails", func(b []byte, _ *simUser) []byte { return append(b, "[]"...) }},
		{"city", nullProp}, {"state", nullProp}, {"streetAddress", nullProp}, {"postalCode", nullProp},
		{"employeeId", nullProp}, {"employeeType", nullProp}, {"employeeHireDate", nullProp},
		{"onPremisesImmutableId", nullProp}, {"deletedDateTime", nullProp},
		{"creationType", nullProp}, {"faxNumber", nullProp}, {"ageGroup", nullProp},
	} {
		userProps[strings.ToLower(p.name)] = p
	}
}

// defaultUserSelect is what GET /users returns without $select.
var defaultUserSelect = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail",
	"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func writeOrgData(b []byte, u *simUser) []byte {
	if !u.OrgData {
		return append(b, "null"...)
	}
	b = append(b, `{"costCenter":`...)
	b = appendNullString(b, u.CostCenter)
	b = append(b, `,"division":`...)
	b = appendNullString(b, u.Division)
	return append(b, '}')
}

func appendAssigned(b []byte, list []extract.AssignedLicense) []byte {
	b = append(b, '[')
	for i, l := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"disabledPlans":`...)
		b = appendStrings(b, l.DisabledPlans)
		b = append(b, `,"skuId":`...)
		b = appendString(b, l.SkuID)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendStates(b []byte, list []extract.LicenseAssignmentState) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"assignedByGroup":`...)
		b = appendNullString(b, s.AssignedByGroup)
		b = append(b, `,"disabledPlans":`...)
		b = appendStrings(b, s.DisabledPlans)
		b = append(b, `,"error":`...)
		b = appendString(b, s.Error)
		b = append(b, `,"lastUpdatedDateTime":`...)
		b = appendTime(b, s.LastUpdatedDateTime)
		b = append(b, `,"skuId":`...)
		b = appendString(b, s.SkuID)
		b = append(b, `,"state":`...)
		b = appendString(b, s.State)
		b = append(b, '}')
	}
	return append(b, ']')
}

// resolveSelect maps a $select list to properties; id is always returned,
// as Graph does. It returns the unknown name on failure.
func resolveSelect(names []string) ([]userProp, string) {
	if len(names) == 0 {
		names = defaultUserSelect
	}
	out := make([]userProp, 0, len(names)+1)
	hasID := false
	for _, n := range names {
		p, ok := userProps[strings.ToLower(n)]
		if !ok {
			return nil, n
		}
		hasID = hasID || p.name == "id"
		out = append(out, p)
	}
	if !hasID {
		out = append(out, userProps["id"])
	}
	return out, ""
}

// appendUser writes one user object with the given properties.
func appendUser(b []byte, u *simUser, props []userProp) []byte {
	b = append(b, '{')
	for i, p := range props {
		b = appendKey(b, p.name, i == 0)
		b = p.write(b, u)
	}
	return append(b, '}')
}
