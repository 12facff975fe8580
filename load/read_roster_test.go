package load_test

import (
	"context"
	"strings"
	"testing"
)

// TestLatestRoster reads every user of a tenant's latest snapshot, the
// unlicensed ones too, with the SKUs each holds; the earlier snapshot and
// the other tenant stay out.
func TestLatestRoster(t *testing.T) {
	w := reclaimWarehouse(t)
	users := genUsers(0, 60)
	got, err := w.LatestRoster(context.Background(), "contoso")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(users) {
		t.Fatalf("roster of contoso: got %d users, want %d (the latest snapshot's)", len(got), len(users))
	}
	byID := map[string]int{}
	for i, u := range users {
		byID[u.ID] = i
	}
	for _, r := range got {
		i, ok := byID[r.UserID]
		if !ok {
			t.Fatalf("user %s: not in the latest snapshot", r.UserID)
		}
		u := users[i]
		if r.Tenant != "contoso" || r.UserPrincipalNameLower != strings.ToLower(u.UserPrincipalName) || r.Department != u.Department ||
			r.UsageLocation != u.UsageLocation || r.AccountEnabled != u.AccountEnabled || r.UserType != u.UserType ||
			r.OnPremisesDistinguishedName != u.OnPremisesDistinguishedName {
			t.Errorf("user %s: got %+v, want the fields of %+v", r.UserID, r, u)
		}
		if len(r.SkuIDs) != len(u.AssignedLicenses) {
			t.Errorf("user %s: got SKUs %v, want %d", r.UserID, r.SkuIDs, len(u.AssignedLicenses))
		}
	}
	if other, err := w.LatestRoster(context.Background(), "northwind"); err != nil || len(other) != 0 {
		t.Errorf("roster of a tenant not in the warehouse: got %d users, %v; want none", len(other), err)
	}
}
