package transform_test

import (
	"strings"
	"testing"

	"github.com/seatledger/seatledger/transform"
)

func TestPseudonymizer(t *testing.T) {
	if _, err := transform.NewPseudonymizer([]byte("short")); err == nil {
		t.Fatal("a 5-byte key: got no error, want one")
	}
	p, err := transform.NewPseudonymizer([]byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := transform.NewPseudonymizer([]byte("fedcba9876543210"))
	upn := p.Pseudonym("upn", "Adele.Vance@contoso.com")
	cases := []struct {
		name      string
		got, want string
	}{
		{"stable", p.Pseudonym("upn", "Adele.Vance@contoso.com"), upn},
		{"upn case-insensitive", p.Pseudonym("upn", "adele.vance@CONTOSO.com"), upn},
		{"empty stays empty", p.Pseudonym("name", ""), ""},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if !strings.HasPrefix(upn, "user-") || !strings.HasSuffix(upn, "@pseudonym.invalid") || strings.Contains(strings.ToLower(upn), "adele") {
		t.Errorf("upn pseudonym %q: want user-<hex>@pseudonym.invalid without the name", upn)
	}
	if other.Pseudonym("upn", "Adele.Vance@contoso.com") == upn {
		t.Error("two keys give the same pseudonym")
	}
	if p.Pseudonym("name", "Adele Vance") == p.Pseudonym("name", "Alex Wilber") {
		t.Error("two names give the same pseudonym")
	}

	row := p.Row([]string{"tenant", "user_id", "user_principal_name", "display_name", "mail"})
	vals := []any{"contoso", "6e7b768e-07e2-4810-8459-485f84f8f204", "AdeleV@contoso.com", "Adele Vance", nil}
	row(vals)
	if vals[0] != "contoso" || vals[1] != "6e7b768e-07e2-4810-8459-485f84f8f204" {
		t.Errorf("non-personal columns changed: %v", vals[:2])
	}
	if vals[2] != p.Pseudonym("upn", "AdeleV@contoso.com") || vals[3] != p.Pseudonym("name", "Adele Vance") || vals[4] != nil {
		t.Errorf("personal columns: got %v", vals[2:])
	}
	dn := p.Pseudonym("dn", `CN=Vance\, Adele,OU=Sales,OU=Users,DC=contoso,DC=com`)
	if !strings.HasPrefix(dn, "CN=User ") || !strings.HasSuffix(dn, ",OU=Sales,OU=Users,DC=contoso,DC=com") ||
		strings.Contains(dn, "Adele") || strings.Contains(dn, "Vance") {
		t.Errorf("dn pseudonym %q: want CN=User <hex> with the OU path kept and no name", dn)
	}
	if got := p.Pseudonym("dn", `cn=vance\, adele,ou=sales,ou=users,dc=contoso,dc=com`); !strings.HasPrefix(got, dn[:len("CN=User ")+16]) {
		t.Errorf("dn pseudonym, another case: got %q, want the tag of %q", got, dn)
	}
	if got := p.Pseudonym("dn", "Adele Vance"); !strings.HasPrefix(got, "CN=User ") || strings.Contains(got, "Adele") {
		t.Errorf("malformed dn pseudonym %q: want CN=User <hex> alone", got)
	}
	if p.Row([]string{"tenant", "sku_part_number"}) != nil {
		t.Error("Row of columns without personal data: got a function, want nil")
	}
}
