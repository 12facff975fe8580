package reclaim_test

import (
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
)

// TestUserFilter pins each kind of filter, with the users it must refuse,
// and how kinds combine.
func TestUserFilter(t *testing.T) {
	ann := reclaim.UserFields{UserPrincipalName: "Ann.Lee@Contoso.com", UsageLocation: "DE",
		OnPremisesDistinguishedName: "CN=Ann Lee,OU=Sales,OU=Users,DC=contoso,DC=com"}
	lee := reclaim.UserFields{UserPrincipalName: "lee@sales.contoso.com", UsageLocation: "de",
		OnPremisesDistinguishedName: `CN=Lee\, Bo,OU=PreSales,OU=Users,DC=contoso,DC=com`}
	guest := reclaim.UserFields{UserPrincipalName: "ann_gmail.com#EXT#@contoso.onmicrosoft.com", UsageLocation: "FR"}
	cloud := reclaim.UserFields{UserPrincipalName: "svc@contoso.com"} // no usage location, no DN
	tests := []struct {
		name string
		f    reclaim.UserFilter
		user reclaim.UserFields
		want string // "" when it matches, else a part of Mismatch
	}{
		{"no filter", reclaim.UserFilter{}, cloud, ""},

		{"usage location", reclaim.UserFilter{UsageLocations: []string{"DE"}}, ann, ""},
		{"usage location, other case", reclaim.UserFilter{UsageLocations: []string{"de"}}, ann, ""},
		{"usage location stored lower-case", reclaim.UserFilter{UsageLocations: []string{"DE"}}, lee, ""},
		{"usage location: one of several", reclaim.UserFilter{UsageLocations: []string{"US", "FR"}}, guest, ""},
		{"usage location: another", reclaim.UserFilter{UsageLocations: []string{"US", "GB"}}, ann, "usage location DE, not --usage-location US,GB"},
		{"usage location: none set", reclaim.UserFilter{UsageLocations: []string{"DE"}}, cloud, "no usage location, not --usage-location DE"},

		{"domain", reclaim.UserFilter{Domains: []string{"contoso.com"}}, ann, ""},
		{"domain, other case", reclaim.UserFilter{Domains: []string{"CONTOSO.COM"}}, ann, ""},
		{"domain: a subdomain is another domain", reclaim.UserFilter{Domains: []string{"contoso.com"}}, lee, "domain sales.contoso.com, not --domain contoso.com"},
		{"domain: a suffix is no domain", reclaim.UserFilter{Domains: []string{"toso.com"}}, ann, "domain Contoso.com, not --domain toso.com"},
		{"domain of a guest: after the last @", reclaim.UserFilter{Domains: []string{"contoso.onmicrosoft.com"}}, guest, ""},
		{"domain of a guest: not its home domain", reclaim.UserFilter{Domains: []string{"gmail.com"}}, guest, "domain contoso.onmicrosoft.com"},

		{"ou: the parent OU", reclaim.UserFilter{OUs: []string{"OU=Sales,OU=Users,DC=contoso,DC=com"}}, ann, ""},
		{"ou: an OU above", reclaim.UserFilter{OUs: []string{"OU=Users,DC=contoso,DC=com"}}, ann, ""},
		{"ou: the domain", reclaim.UserFilter{OUs: []string{"DC=contoso,DC=com"}}, ann, ""},
		{"ou: other case", reclaim.UserFilter{OUs: []string{"ou=sales,ou=USERS,dc=Contoso,dc=com"}}, ann, ""},
		{"ou: RDN boundary, OU=Sales is not OU=PreSales", reclaim.UserFilter{OUs: []string{"OU=Sales,OU=Users,DC=contoso,DC=com"}}, lee,
			"not in or below --ou OU=Sales,OU=Users,DC=contoso,DC=com"},
		{"ou: escaped comma in the name", reclaim.UserFilter{OUs: []string{"OU=PreSales,OU=Users,DC=contoso,DC=com"}}, lee, ""},
		{"ou: one of several", reclaim.UserFilter{OUs: []string{"OU=Finance,DC=contoso,DC=com", "OU=PreSales,OU=Users,DC=contoso,DC=com"}}, lee, ""},
		{"ou: a sibling", reclaim.UserFilter{OUs: []string{"OU=Finance,OU=Users,DC=contoso,DC=com"}}, ann, "not in or below --ou"},
		{"ou: a cloud-only user (no DN)", reclaim.UserFilter{OUs: []string{"DC=contoso,DC=com"}}, cloud, "no on-premises distinguished name"},
		{"ou: a guest (no DN)", reclaim.UserFilter{OUs: []string{"DC=contoso,DC=com"}}, guest, "no on-premises distinguished name"},

		{"kinds: AND, all pass", reclaim.UserFilter{UsageLocations: []string{"DE"}, Domains: []string{"contoso.com"}, OUs: []string{"OU=Users,DC=contoso,DC=com"}}, ann, ""},
		{"kinds: AND, one fails", reclaim.UserFilter{UsageLocations: []string{"DE"}, Domains: []string{"contoso.com"}, OUs: []string{"OU=Users,DC=contoso,DC=com"}}, lee,
			"domain sales.contoso.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Mismatch(tc.user)
			if (got == "") != (tc.want == "") || !strings.Contains(got, tc.want) {
				t.Errorf("Mismatch: got %q, want %q", got, tc.want)
			}
			if tc.f.Match(tc.user) != (tc.want == "") {
				t.Errorf("Match: got %v, want %v", !(tc.want == ""), tc.want == "")
			}
			if strings.Contains(got, "Ann") || strings.Contains(got, "Lee") || strings.Contains(got, "@") {
				t.Errorf("Mismatch %q names the user: want no user principal name or DN", got)
			}
		})
	}
}

func TestUserFilterValidate(t *testing.T) {
	tests := []struct {
		name string
		f    reclaim.UserFilter
		want []string // parts of the error; none: valid
	}{
		{"valid", reclaim.UserFilter{UsageLocations: []string{"de", "US"}, Domains: []string{"contoso.com", "xn--bcher-kva.example"},
			OUs: []string{"OU=Sales,DC=contoso,DC=com", `OU=R\, D,DC=contoso,DC=com`, "DC=com"}}, nil},
		{"usage location", reclaim.UserFilter{UsageLocations: []string{"DEU", "D", "1A"}},
			[]string{`--usage-location "DEU"`, `--usage-location "D"`, `--usage-location "1A"`}},
		{"domain", reclaim.UserFilter{Domains: []string{"@contoso.com", "", ".com", "a b.com"}},
			[]string{`--domain "@contoso.com"`, `--domain ""`, `--domain ".com"`, `--domain "a b.com"`}},
		{"ou", reclaim.UserFilter{OUs: []string{"Sales", "OU=Sales,,DC=com", ""}},
			[]string{`--ou "Sales": want a distinguished name`, `--ou "OU=Sales,,DC=com"`, `--ou ""`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate()
			if tc.want == nil {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want it to contain %q", err, w)
				}
			}
		})
	}
}
