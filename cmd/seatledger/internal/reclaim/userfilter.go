package reclaim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/seatledger/seatledger/transform"
)

// UserFilter selects users by where they are: their usage location, the
// domain of their user principal name, and the on-premises OU they sit
// in. Kinds combine with AND, the values of one kind with OR; a kind
// without values lets everyone through. The zero UserFilter matches
// every user. It is what the --usage-location, --domain and --ou flags
// of reclaim plan and replace fill (and those of any command that selects
// users the same way).
type UserFilter struct {
	// UsageLocations are ISO 3166 alpha-2 codes, compared
	// case-insensitively with the user's usageLocation; a user without
	// one matches none.
	UsageLocations []string
	// Domains are domains compared case-insensitively and exactly (no
	// suffix match: contoso.com is not sales.contoso.com) with what
	// follows the last '@' of the user principal name.
	Domains []string
	// OUs are distinguished names of OUs (or of a domain, DC=…): a user
	// matches one when its onPremisesDistinguishedName equals it or sits
	// below it (transform.WithinDN: RDN by RDN, case-insensitively). A
	// cloud-only user, without a DN, matches none.
	OUs []string
}

// UserFields are the fields of a user that a UserFilter reads.
type UserFields struct {
	UserPrincipalName           string
	UsageLocation               string
	OnPremisesDistinguishedName string
}

// IsZero reports whether f has no value of any kind.
func (f UserFilter) IsZero() bool {
	return len(f.UsageLocations) == 0 && len(f.Domains) == 0 && len(f.OUs) == 0
}

// Validate checks every value, naming the flag and the value of each
// problem.
func (f UserFilter) Validate() error {
	var errs []error
	for _, c := range f.UsageLocations {
		if len(c) != 2 || !isLetter(c[0]) || !isLetter(c[1]) {
			errs = append(errs, fmt.Errorf("--usage-location %q: want a two-letter ISO 3166 country code such as DE", c))
		}
	}
	for _, d := range f.Domains {
		if d == "" || strings.ContainsAny(d, "@ \t,/") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
			errs = append(errs, fmt.Errorf("--domain %q: want a domain such as contoso.com (no @, no leading or trailing dot)", d))
		}
	}
	for _, ou := range f.OUs {
		if _, ok := transform.SplitDN(ou); !ok {
			errs = append(errs, fmt.Errorf("--ou %q: want a distinguished name such as OU=Sales,OU=Users,DC=contoso,DC=com", ou))
		}
	}
	return errors.Join(errs...)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Match reports whether u passes every kind of f.
func (f UserFilter) Match(u UserFields) bool { return f.Mismatch(u) == "" }

// Mismatch says why u fails f ("" when it passes), naming the flag; it
// never quotes the user principal name or the DN, which name a person.
func (f UserFilter) Mismatch(u UserFields) string {
	if len(f.UsageLocations) > 0 && !containsFold(f.UsageLocations, u.UsageLocation) {
		loc := "no usage location"
		if u.UsageLocation != "" {
			loc = "usage location " + u.UsageLocation
		}
		return fmt.Sprintf("%s, not --usage-location %s", loc, strings.Join(f.UsageLocations, ","))
	}
	if len(f.Domains) > 0 {
		_, domain, _ := cutLast(u.UserPrincipalName, "@")
		if !containsFold(f.Domains, domain) {
			if domain == "" {
				domain = "(none)"
			}
			return fmt.Sprintf("domain %s, not --domain %s", domain, strings.Join(f.Domains, ","))
		}
	}
	if len(f.OUs) > 0 {
		if u.OnPremisesDistinguishedName == "" {
			return "no on-premises distinguished name (cloud-only, or not read yet), not in --ou " + strings.Join(f.OUs, " | ")
		}
		for _, ou := range f.OUs {
			if transform.WithinDN(u.OnPremisesDistinguishedName, ou) {
				return ""
			}
		}
		return "not in or below --ou " + strings.Join(f.OUs, " | ")
	}
	return ""
}

// describe adds f's values to a plan's filters.
func (f UserFilter) describe(m map[string]string) {
	if len(f.UsageLocations) > 0 {
		m["usage_location"] = strings.Join(f.UsageLocations, ",")
	}
	if len(f.Domains) > 0 {
		m["domain"] = strings.Join(f.Domains, ",")
	}
	if len(f.OUs) > 0 {
		m["ou"] = strings.Join(f.OUs, " | ") // a DN holds commas
	}
}

// cutLast is strings.Cut at the last sep: a guest's UPN
// (ann_gmail.com#EXT#@contoso.onmicrosoft.com) has its tenant's domain
// after the last '@'.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
