package graphsim

import (
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// simUser is a user with the extra Graph properties the default $select
// set returns; extract.User carries only what seatledger keeps.
type simUser struct {
	extract.User
	GivenName, Surname, JobTitle, OfficeLocation  string
	MobilePhone, BusinessPhone, PreferredLanguage string
	Division                                      string
	OrgData                                       bool         // employeeOrgData present
	CreatedNull                                   bool         // Graph sends createdDateTime null
	signIn                                        *signInFacts // signInActivity, when selected
}

// User returns directory user i (0 <= i < UserCount()) as GET /users
// returns it with extract.UserSelect, licence changes included. It panics
// when i is out of range.
func (t *Tenant) User(i int) extract.User {
	return t.simUser(i).User
}

func (t *Tenant) simUser(i int) simUser {
	if i < 0 || i >= t.users {
		panic("graphsim: user index out of range")
	}
	p := t.profile(i)
	given, sur, display, upn, mail := t.names(i, p)
	u := simUser{User: extract.User{
		ID: userGUID(t.seed, i), UserPrincipalName: upn, DisplayName: display, Mail: mail,
		UserType: "Member", AccountEnabled: p.enabled, CreatedDateTime: p.createdAt,
	}, GivenName: given, Surname: sur}
	c := countries[p.country]
	if p.usageLocation {
		u.UsageLocation = c.code
	}
	switch p.kind {
	case kindGuest:
		u.UserType = "Guest"
	case kindMember:
		u.Country, u.CompanyName, u.OfficeLocation, u.PreferredLanguage = c.name, t.companyName, c.city, c.lang
		u.BusinessPhone = c.phone + fourDigits(i)
		if i%5 == 0 {
			u.CompanyName = "" // often left empty
		}
	}
	if p.dept >= 0 {
		d := departments[p.dept]
		u.Department = d.name
		titles := jobTitles[d.name]
		u.JobTitle = titles[i%len(titles)]
		if p.orgData {
			u.CostCenter, u.Division, u.OrgData = d.costCenter, d.division, true
		}
	}
	if u.CreatedDateTime.Before(graphNullCreatedBefore) {
		u.CreatedDateTime, u.CreatedNull = time.Time{}, true
	}
	u.OnPremisesDistinguishedName, u.OnPremisesSyncEnabled = t.onPremises(i, p, display)
	s, gs, loc, set := t.licences(i, p)
	if set {
		u.UsageLocation = loc
	}
	u.AssignedLicenses, u.LicenseAssignmentStates = t.toExtract(s, gs)
	return u
}

func fourDigits(i int) string {
	const digits = "0123456789"
	n := i % 10000
	return string([]byte{digits[n/1000], digits[n/100%10], digits[n/10%10], digits[n%10]})
}

// Lookup returns the index of the user with the given object id or user
// principal name (case-insensitive), as GET /users/{id | userPrincipalName}
// resolves it.
func (t *Tenant) Lookup(key string) (int, bool) {
	if i, ok := userIndexFromGUID(t.seed, strings.ToLower(key)); ok && i < t.users {
		if strings.EqualFold(userGUID(t.seed, i), key) {
			return i, true
		}
	}
	i, ok := userIndexFromUPN(key)
	if !ok || i >= t.users {
		return 0, false
	}
	_, _, _, upn, _ := t.names(i, t.profile(i))
	return i, strings.EqualFold(upn, key)
}
