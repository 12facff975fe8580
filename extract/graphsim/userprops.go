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

// signInActivityProp is the user's signInActivity: only with $select,
// and only on GET /users and /users/{id} (not in users/delta).
var signInActivityProp = userProp{"signInActivity", writeSignInActivity}

// resolveUserSelect is resolveSelect for GET /users and /users/{id},
// which also take signInActivity; signIn says whether it is selected.
func resolveUserSelect(names []string) (props []userProp, signIn bool, unknown string) {
	rest := make([]string, 0, len(names))
	at := -1
	for k, n := range names {
		if strings.EqualFold(n, signInActivityProp.name) {
			at, signIn = k, true
			continue
		}
		rest = append(rest, n)
	}
	if !signIn {
		props, unknown = resolveSelect(names)
		return props, false, unknown
	}
	if len(rest) == 0 {
		rest = []string{"id"} // $select=signInActivity alone: id and signInActivity
		at = 1
	}
	props, unknown = resolveSelect(rest)
	if unknown != "" {
		return nil, true, unknown
	}
	at = min(at, len(props))
	props = append(props[:at], append([]userProp{signInActivityProp}, props[at:]...)...)
	return props, true, ""
}

// selectsSignIn reports whether a $select list asks for signInActivity.
func selectsSignIn(names []string) bool {
	for _, n := range names {
		if strings.EqualFold(n, signInActivityProp.name) {
			return true
		}
	}
	return false
}

// writeSignInActivity writes u.signIn as Graph's signInActivity: null for
// an account that never signed in, each date and its request id null when
// absent.
func writeSignInActivity(b []byte, u *simUser) []byte {
	f := u.signIn
	if f == nil || f.never {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for k, x := range []struct {
		date, id string
		has      bool
		e        *signInEvent
	}{
		{"lastSignInDateTime", "lastSignInRequestId", f.hasLast, &f.last},
		{"lastNonInteractiveSignInDateTime", "lastNonInteractiveSignInRequestId", f.hasNon, &f.nonInteractive},
		{"lastSuccessfulSignInDateTime", "lastSuccessfulSignInRequestId", f.hasSuccess, &f.success},
	} {
		b = appendKey(b, x.date, k == 0)
		if !x.has {
			b = append(b, "null"...)
			b = appendKey(b, x.id, false)
			b = append(b, "null"...)
			continue
		}
		b = appendTime(b, timeOf(x.e.at))
		b = appendKey(b, x.id, false)
		b = appendString(b, f.ids[k])
	}
	return append(b, '}')
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
