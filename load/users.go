package load

import (
	"fmt"

	"github.com/seatledger/seatledger/extract"
)

// AppendUsers appends one page of users to raw_users, their
// assignedLicenses to raw_user_licenses and their licenseAssignmentStates
// to raw_license_assignment_states. The page is checked whole before any
// row is appended, and is not kept: callers stream a tenant page by page.
func (s *Snapshot) AppendUsers(users []extract.User) error {
	if err := s.usable(); err != nil {
		return err
	}
	for i := range users {
		if err := checkUser(i, &users[i]); err != nil {
			return err
		}
	}
	for i := range users {
		if err := s.appendUser(&users[i]); err != nil {
			return s.fail(fmt.Errorf("append user %s: %w", users[i].ID, err))
		}
	}
	return s.maybeFlush()
}

func checkUser(i int, u *extract.User) error {
	if u.ID == "" {
		return fmt.Errorf("users[%d]: id is empty", i)
	}
	for j, l := range u.AssignedLicenses {
		if l.SkuID == "" {
			return fmt.Errorf("user %s: assignedLicenses[%d]: skuId is empty", u.ID, j)
		}
	}
	for j, st := range u.LicenseAssignmentStates {
		if st.SkuID == "" {
			return fmt.Errorf("user %s: licenseAssignmentStates[%d]: skuId is empty", u.ID, j)
		}
	}
	return nil
}

func (s *Snapshot) appendUser(u *extract.User) error {
	if err := s.row("raw_users", u.ID, str(u.UserPrincipalName), str(u.DisplayName), str(u.Mail),
		str(u.Department), str(u.CostCenter), str(u.CompanyName), str(u.Country),
		str(u.UsageLocation), str(u.UserType), u.AccountEnabled, ts(u.CreatedDateTime),
		str(u.OnPremisesDistinguishedName), nullBool(u.OnPremisesSyncEnabled)); err != nil {
		return err
	}
	s.counts.Users++
	for _, l := range u.AssignedLicenses {
		if err := s.row("raw_user_licenses", u.ID, l.SkuID, list(l.DisabledPlans)); err != nil {
			return err
		}
		s.counts.Licenses++
	}
	for _, st := range u.LicenseAssignmentStates {
		if err := s.row("raw_license_assignment_states", u.ID, st.SkuID, str(st.AssignedByGroup),
			str(st.State), str(st.Error), list(st.DisabledPlans), ts(st.LastUpdatedDateTime)); err != nil {
			return err
		}
		s.counts.AssignmentStates++
	}
	return nil
}

// reportPeriods are the periods of reports/getOffice365ActiveUserDetail.
var reportPeriods = map[string]bool{"D7": true, "D30": true, "D90": true, "D180": true}

// AppendActivity appends one row of the Office 365 active-user-detail
// report for period (D7, D30, D90 or D180) to raw_usage_report. Rows are
// buffered by the appender, so calling it per row for a million rows is
// cheap. Concealed rows are kept as Graph sent them.
func (s *Snapshot) AppendActivity(period string, r extract.ActivityRow) error {
	if err := s.usable(); err != nil {
		return err
	}
	if !reportPeriods[period] {
		return fmt.Errorf("usage report period %q: want D7, D30, D90 or D180", period)
	}
	l, a, g := r.HasLicense, r.LastActivityDate, r.LicenseAssignDate
	err := s.row("raw_usage_report", period, date(r.ReportRefreshDate), str(r.UserPrincipalName),
		str(r.DisplayName), r.IsDeleted, date(r.DeletedDate),
		l[0], l[1], l[2], l[3], l[4], l[5],
		date(a[0]), date(a[1]), date(a[2]), date(a[3]), date(a[4]), date(a[5]),
		date(g[0]), date(g[1]), date(g[2]), date(g[3]), date(g[4]), date(g[5]),
		str(r.AssignedProducts))
	if err != nil {
		return s.fail(fmt.Errorf("append usage report row %d: %w", s.counts.ReportRows+1, err))
	}
	s.counts.ReportRows++
	if r.ReportRefreshDate.After(s.counts.ReportRefreshDate) {
		s.counts.ReportRefreshDate = dateOf(r.ReportRefreshDate)
	}
	return s.maybeFlush()
}
