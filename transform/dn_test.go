package transform_test

import (
	"strings"
	"testing"

	"github.com/seatledger/seatledger/transform"
)

func TestSplitDN(t *testing.T) {
	tests := []struct {
		dn   string
		want string // RDNs joined by " | "; "!" when malformed
	}{
		{"CN=Ann Lee,OU=Sales,OU=Users,DC=contoso,DC=com", "CN=Ann Lee | OU=Sales | OU=Users | DC=contoso | DC=com"},
		{`CN=Lee\, Ann,OU=Sales,DC=contoso,DC=com`, `CN=Lee\, Ann | OU=Sales | DC=contoso | DC=com`},
		{"CN=Ann Lee, OU=Sales , DC=com", "CN=Ann Lee | OU=Sales | DC=com"},
		{`CN=trailing\ ,DC=com`, `CN=trailing\  | DC=com`},
		{`CN=back\\slash,DC=com`, `CN=back\\slash | DC=com`},
		{"DC=com", "DC=com"},
		{"", "!"},
		{"Sales", "!"},
		{"OU=Sales,,DC=com", "!"},
		{"OU=Sales,DC=com,", "!"},
		{"=Sales,DC=com", "!"},
		{`CN=x\`, "!"},
	}
	for _, tc := range tests {
		t.Run(tc.dn, func(t *testing.T) {
			rdns, ok := transform.SplitDN(tc.dn)
			got := strings.Join(rdns, " | ")
			if !ok {
				got = "!"
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWithinDN(t *testing.T) {
	const dn = "CN=x,OU=Sales,OU=Users,DC=contoso,DC=com"
	tests := []struct {
		name, dn, container string
		want                bool
	}{
		{"parent OU", dn, "OU=Sales,OU=Users,DC=contoso,DC=com", true},
		{"grandparent OU", dn, "OU=Users,DC=contoso,DC=com", true},
		{"the domain", dn, "DC=contoso,DC=com", true},
		{"the object itself", dn, dn, true},
		{"case-insensitive", dn, "ou=SALES,ou=users,dc=Contoso,dc=COM", true},
		{"spaces after commas and around =", dn, "OU = Sales, OU=Users, DC=contoso, DC=com", true},
		{"RDN boundary: OU=PreSales is not OU=Sales", "CN=x,OU=PreSales,OU=Users,DC=contoso,DC=com", "OU=Sales,OU=Users,DC=contoso,DC=com", false},
		{"RDN boundary: a value's tail is no RDN", dn, "Sales,OU=Users,DC=contoso,DC=com", false},
		{"an escaped comma is no boundary", `CN=x\,OU=Sales,OU=Users,DC=contoso,DC=com`, "OU=Sales,OU=Users,DC=contoso,DC=com", false},
		{"an escaped comma inside the name", `CN=Lee\, Ann,OU=Sales,OU=Users,DC=contoso,DC=com`, "OU=Sales,OU=Users,DC=contoso,DC=com", true},
		{"a sibling OU", dn, "OU=Finance,OU=Users,DC=contoso,DC=com", false},
		{"another domain", dn, "OU=Users,DC=fabrikam,DC=com", false},
		{"a prefix of the DN is not a container", dn, "CN=x,OU=Sales", false},
		{"deeper than the object", "OU=Users,DC=contoso,DC=com", "OU=Sales,OU=Users,DC=contoso,DC=com", false},
		{"no DN (cloud-only)", "", "OU=Users,DC=contoso,DC=com", false},
		{"empty container", dn, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := transform.WithinDN(tc.dn, tc.container); got != tc.want {
				t.Errorf("WithinDN(%q, %q): got %v, want %v", tc.dn, tc.container, got, tc.want)
			}
		})
	}
}
