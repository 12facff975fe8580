package graph

// The field names of the structs scanUsersPage fills, for the
// case-insensitive matching of encoding/json (an unknown key that folds
// to one of them takes the fallback).
var (
	pageFields    = []string{"@odata.nextLink", "value"}
	userFields    = []string{"id", "userPrincipalName", "displayName", "mail", "department", "employeeOrgData", "companyName", "country", "usageLocation", "userType", "accountEnabled", "createdDateTime", "assignedLicenses", "licenseAssignmentStates", "onPremisesDistinguishedName", "onPremisesSyncEnabled"}
	orgFields     = []string{"costCenter"}
	licenseFields = []string{"skuId", "disabledPlans"}
	stateFields   = []string{"skuId", "assignedByGroup", "state", "error", "disabledPlans", "lastUpdatedDateTime"}
)

// page reads the envelope: @odata.nextLink, value and annotations.
func (s *userScanner) page(pg *page[wireUser]) {
	var mask uint32
	for more := s.open('{', '}'); more; more = s.more('}') {
		switch k := s.key(); k {
		case "@odata.nextLink":
			s.seen(&mask, 1)
			s.string(&pg.NextLink)
		case "value":
			s.seen(&mask, 2)
			if s.literal("null") {
				continue
			}
			pg.Value = make([]wireUser, 0, 64)
			for more := s.open('[', ']'); more; more = s.more(']') {
				pg.Value = append(pg.Value, wireUser{})
				s.user(&pg.Value[len(pg.Value)-1])
			}
		default:
			s.unknown(k, pageFields)
		}
	}
}

// user reads one user (null is the zero user).
func (s *userScanner) user(u *wireUser) {
	if s.literal("null") {
		return
	}
	var mask uint32
	for more := s.open('{', '}'); more; more = s.more('}') {
		switch k := s.key(); k {
		case "id":
			s.seen(&mask, 1<<0)
			s.string(&u.ID)
		case "userPrincipalName":
			s.seen(&mask, 1<<1)
			s.string(&u.UserPrincipalName)
		case "displayName":
			s.seen(&mask, 1<<2)
			s.string(&u.DisplayName)
		case "mail":
			s.seen(&mask, 1<<3)
			s.string(&u.Mail)
		case "department":
			s.seen(&mask, 1<<4)
			s.string(&u.Department)
		case "employeeOrgData":
			s.seen(&mask, 1<<5)
			u.EmployeeOrgData = s.orgData()
		case "companyName":
			s.seen(&mask, 1<<6)
			s.string(&u.CompanyName)
		case "country":
			s.seen(&mask, 1<<7)
			s.string(&u.Country)
		case "usageLocation":
			s.seen(&mask, 1<<8)
			s.string(&u.UsageLocation)
		case "userType":
			s.seen(&mask, 1<<9)
			s.string(&u.UserType)
		case "accountEnabled":
			s.seen(&mask, 1<<10)
			s.nullBool(&u.AccountEnabled)
		case "createdDateTime":
			s.seen(&mask, 1<<11)
			s.string(&u.CreatedDateTime)
		case "assignedLicenses":
			s.seen(&mask, 1<<12)
			u.AssignedLicenses = s.licenses()
		case "licenseAssignmentStates":
			s.seen(&mask, 1<<13)
			u.LicenseAssignmentStates = s.states()
		case "onPremisesDistinguishedName":
			s.seen(&mask, 1<<14)
			s.string(&u.OnPremisesDN)
		case "onPremisesSyncEnabled":
			s.seen(&mask, 1<<15)
			s.nullBool(&u.OnPremisesSyncEnabled)
		default:
			s.unknown(k, userFields)
		}
	}
}

// nullBool reads true, false or null into a *bool field as encoding/json
// would: null leaves it nil, true and false point at shared values.
func (s *userScanner) nullBool(dst **bool) {
	switch {
	case s.literal("null"):
	case s.literal("true"):
		*dst = &wireTrue
	case s.literal("false"):
		*dst = &wireFalse
	default:
		s.fail()
	}
}

func (s *userScanner) orgData() *wireOrgData {
	if s.literal("null") {
		return nil
	}
	o := &wireOrgData{}
	var mask uint32
	for more := s.open('{', '}'); more; more = s.more('}') {
		switch k := s.key(); k {
		case "costCenter":
			s.seen(&mask, 1)
			s.string(&o.CostCenter)
		default:
			s.unknown(k, orgFields)
		}
	}
	return o
}

// objects reads an array of objects: null is nil, a null element is the
// zero value, item reads each other element. item is a method expression
// ((*userScanner).license), not a method value: no closure per array on
// this hot path.
func objects[T any](s *userScanner, item func(*userScanner, *T)) []T {
	if s.literal("null") {
		return nil
	}
	out := []T{}
	for more := s.open('[', ']'); more; more = s.more(']') {
		var zero T
		out = append(out, zero)
		if !s.literal("null") {
			item(s, &out[len(out)-1])
		}
	}
	return out
}

func (s *userScanner) licenses() []wireLicense { return objects(s, (*userScanner).license) }

func (s *userScanner) license(l *wireLicense) {
	var mask uint32
	for more := s.open('{', '}'); more; more = s.more('}') {
		switch k := s.key(); k {
		case "skuId":
			s.seen(&mask, 1)
			s.string(&l.SkuID)
		case "disabledPlans":
			s.seen(&mask, 2)
			l.DisabledPlans = s.strings()
		default:
			s.unknown(k, licenseFields)
		}
	}
}

func (s *userScanner) states() []wireAssignmentState { return objects(s, (*userScanner).state) }

func (s *userScanner) state(st *wireAssignmentState) {
	var mask uint32
	for more := s.open('{', '}'); more; more = s.more('}') {
		switch k := s.key(); k {
		case "skuId":
			s.seen(&mask, 1<<0)
			s.string(&st.SkuID)
		case "assignedByGroup":
			s.seen(&mask, 1<<1)
			s.string(&st.AssignedByGroup)
		case "state":
			s.seen(&mask, 1<<2)
			s.string(&st.State)
		case "error":
			s.seen(&mask, 1<<3)
			s.string(&st.Error)
		case "disabledPlans":
			s.seen(&mask, 1<<4)
			st.DisabledPlans = s.strings()
		case "lastUpdatedDateTime":
			s.seen(&mask, 1<<5)
			s.string(&st.LastUpdatedDateTime)
		default:
			s.unknown(k, stateFields)
		}
	}
}

// strings reads an array of strings (null elements are "").
func (s *userScanner) strings() []string {
	if s.literal("null") {
		return nil
	}
	out := []string{}
	for more := s.open('[', ']'); more; more = s.more(']') {
		out = append(out, "")
		s.string(&out[len(out)-1])
	}
	return out
}
