package graphsim_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestOnPremisesUsers: about 60 % of members are synced from AD, with a
// DN of their name, department OU and the tenant's domain components and
// onPremisesSyncEnabled true; guests, service accounts and the other
// members are cloud-only (both null); the values are the same on every
// day, churned users included.
func TestOnPremisesUsers(t *testing.T) {
	const users = 3000
	tn := graphsim.Generate(graphsim.GenOptions{Users: users, Seed: 42, Now: fixedNow, Domain: "Contoso.Example"})
	later := dayOf(users, 5, 0.02) // seed 42, five days of churn on
	dn := regexp.MustCompile(`^CN=(?:[^,\\]|\\.)+(?:,OU=[A-Za-z]+)?,OU=Users,DC=contoso,DC=example$`)
	var members, synced, escaped, noDept int
	for i := range users {
		u := tn.User(i)
		isMember := u.UserType == "Member" && u.Country != "" // service accounts have no country
		if isMember {
			members++
		}
		switch {
		case u.OnPremisesDistinguishedName == "" && u.OnPremisesSyncEnabled == nil:
		case u.OnPremisesDistinguishedName != "" && u.OnPremisesSyncEnabled != nil && *u.OnPremisesSyncEnabled:
			synced++
			if !isMember {
				t.Errorf("user %d (%s, country %q): got DN %q, want a cloud-only account", i, u.UserType, u.Country, u.OnPremisesDistinguishedName)
			}
			if !dn.MatchString(u.OnPremisesDistinguishedName) {
				t.Errorf("user %d: DN %q does not look like %s", i, u.OnPremisesDistinguishedName, dn)
			}
			if u.Department != "" && !strings.Contains(u.OnPremisesDistinguishedName, ",OU="+u.Department+",OU=Users,") {
				t.Errorf("user %d: DN %q lacks the OU of department %s", i, u.OnPremisesDistinguishedName, u.Department)
			}
			if strings.Contains(u.DisplayName, ",") {
				escaped++
				if !strings.HasPrefix(u.OnPremisesDistinguishedName, "CN="+strings.ReplaceAll(u.DisplayName, ",", `\,`)+",") {
					t.Errorf("user %d: DN %q does not escape the comma of %q", i, u.OnPremisesDistinguishedName, u.DisplayName)
				}
			}
			if u.Department == "" {
				noDept++
			}
		default:
			t.Errorf("user %d: got DN %q and syncEnabled %v, want both set or both null", i, u.OnPremisesDistinguishedName, u.OnPremisesSyncEnabled)
		}
		if a, b := u.OnPremisesDistinguishedName, later.User(i).OnPremisesDistinguishedName; a != b {
			t.Errorf("user %d: DN %q on day 0, %q on day 5: want the same", i, a, b)
		}
	}
	if share := float64(synced) / float64(members); share < 0.55 || share > 0.65 {
		t.Errorf("synced members: got %d of %d (%.2f), want about 60 %%", synced, members, share)
	}
	if escaped == 0 || noDept == 0 {
		t.Errorf("synced users with a comma in their name %d, without a department %d: want some of each", escaped, noDept)
	}
}
