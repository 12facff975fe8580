package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

var (
	day1 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	day2 = time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
)

// skuIDs are real Microsoft SKU ids (from the service-plan CSV):
// SPE_E3, ENTERPRISEPACK, EXCHANGESTANDARD.
var skuIDs = []string{
	"05e9a617-0261-4cee-bb44-138d3ef5d965",
	"6fd2c87f-b296-42f0-b197-1e91e994b900",
	"4b9405b0-7788-4568-add1-99614e613b69",
}

var departments = []string{"Finance", "Sales", "Engineering", "Human Resources", "Legal", ""}

// mustOpen opens a fresh writable warehouse in a temp dir, with the
// default parameter tables written (snapshots compute their marts with
// them at commit).
func mustOpen(t testing.TB, opts ...load.Option) (*load.Warehouse, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seatledger.duckdb")
	return mustOpenPath(t, path, opts...), path
}

func mustOpenPath(t testing.TB, path string, opts ...load.Option) *load.Warehouse {
	t.Helper()
	w, err := load.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.ReplaceParams(context.Background(), defaultParams(t)); err != nil {
		t.Fatalf("ReplaceParams: %v", err)
	}
	return w
}

// guid makes a GUID-shaped object id from n and a salt.
func guid(salt, n int) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n*2654435761%(1<<32), salt, n%4096, (n/7)%4096, n*31+salt)
}

// genUsers makes n users with 1 to 3 licences each (one in three also
// through a group), starting at user number from; three in five are
// synced from on-premises AD.
func genUsers(from, n int) []extract.User {
	users := make([]extract.User, n)
	for i := range users {
		k := from + i
		u := extract.User{
			ID:                guid(1, k),
			UserPrincipalName: fmt.Sprintf("firstname.lastname%06d@contoso.onmicrosoft.com", k),
			DisplayName:       fmt.Sprintf("Firstname Lastname %06d", k),
			Mail:              fmt.Sprintf("firstname.lastname%06d@contoso.com", k),
			Department:        departments[k%len(departments)],
			CostCenter:        fmt.Sprintf("CC-%04d", k%250),
			CompanyName:       "Contoso Ltd",
			Country:           "United Kingdom",
			UsageLocation:     "GB",
			UserType:          "Member",
			AccountEnabled:    k%17 != 0,
			CreatedDateTime:   day1.AddDate(0, 0, -k%900).Add(time.Duration(k%86400) * time.Second),
		}
		switch k % 5 { // three in five synced from AD, one no longer, one cloud-only
		case 0, 1, 2:
			u.OnPremisesDistinguishedName, u.OnPremisesSyncEnabled = onPremDN(u), &syncOn
		case 3:
			u.OnPremisesDistinguishedName, u.OnPremisesSyncEnabled = onPremDN(u), &syncOff
		}
		for j := 0; j <= k%3; j++ {
			u.AssignedLicenses = append(u.AssignedLicenses, extract.AssignedLicense{SkuID: skuIDs[j]})
			st := extract.LicenseAssignmentState{SkuID: skuIDs[j], State: "Active", Error: "None",
				LastUpdatedDateTime: u.CreatedDateTime.Add(time.Hour)}
			if k%3 == 1 && j == 0 {
				st.AssignedByGroup = guid(2, k%40)
			}
			u.LicenseAssignmentStates = append(u.LicenseAssignmentStates, st)
		}
		users[i] = u
	}
	return users
}

var syncOn, syncOff = true, false

// onPremDN is u's distinguished name in the on-premises AD: its
// department's OU under OU=Users (none without a department).
func onPremDN(u extract.User) string {
	ou := ""
	if u.Department != "" {
		ou = ",OU=" + u.Department
	}
	return "CN=" + u.DisplayName + ou + ",OU=Users,DC=contoso,DC=com"
}

// licenceRows is how many raw_user_licenses rows genUsers(from, n) makes.
func licenceRows(from, n int) int64 {
	var c int64
	for k := from; k < from+n; k++ {
		c += int64(k%3 + 1)
	}
	return c
}

// writeSnapshot commits one snapshot of users and skus and returns its
// counts.
func writeSnapshot(t testing.TB, w *load.Warehouse, tenant string, date time.Time, runID string, users []extract.User) load.SnapshotCounts {
	t.Helper()
	s, err := w.BeginSnapshot(context.Background(), tenant, date, runID)
	if err != nil {
		t.Fatalf("BeginSnapshot: %v", err)
	}
	defer s.Rollback()
	if err := s.AppendSKUs(testSKUs()); err != nil {
		t.Fatalf("AppendSKUs: %v", err)
	}
	for i := 0; i < len(users); i += 999 {
		if err := s.AppendUsers(users[i:min(i+999, len(users))]); err != nil {
			t.Fatalf("AppendUsers page %d: %v", i/999+1, err)
		}
	}
	if err := s.Commit("ok"); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return s.Counts()
}

func testSKUs() []extract.SKU {
	return []extract.SKU{{
		ID: "tenant_" + skuIDs[0], AccountID: "acc-1", AccountName: "Contoso", AppliesTo: "User",
		CapabilityStatus: "Enabled", ConsumedUnits: 120, SkuID: skuIDs[0], SkuPartNumber: "SPE_E3",
		PrepaidUnits:    extract.PrepaidUnits{Enabled: 150, Suspended: 1, Warning: 2, LockedOut: 3},
		ServicePlans:    []extract.ServicePlan{{ServicePlanID: "efb87545-963c-4e0d-99df-69c6916d9eb0", ServicePlanName: "EXCHANGE_S_ENTERPRISE", ProvisioningStatus: "Success", AppliesTo: "User"}},
		SubscriptionIDs: []string{"sub-1", "sub-2"},
	}}
}

// count returns the rows of table for tenant and date.
func count(t testing.TB, w *load.Warehouse, table, tenant string, date time.Time) int64 {
	t.Helper()
	var n int64
	q := "SELECT count(*) FROM " + table + " WHERE tenant = ? AND snapshot_date = ?"
	if err := w.SQLForTests().QueryRow(q, tenant, date).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// snapshotRun returns the run id recorded for a snapshot, "" when none.
func snapshotRun(t testing.TB, w *load.Warehouse, tenant string, date time.Time) string {
	t.Helper()
	var id string
	err := w.SQLForTests().QueryRow("SELECT run_id FROM snapshots WHERE tenant = ? AND snapshot_date = ?", tenant, date).Scan(&id)
	if err != nil {
		return ""
	}
	return id
}
