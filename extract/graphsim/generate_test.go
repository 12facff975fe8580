package graphsim_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a := graphsim.Generate(graphsim.GenOptions{Users: 500, Seed: 7, Now: fixedNow})
	b := graphsim.Generate(graphsim.GenOptions{Users: 500, Seed: 7, Now: fixedNow})
	c := graphsim.Generate(graphsim.GenOptions{Users: 500, Seed: 8, Now: fixedNow})
	for _, i := range []int{0, 1, 99, 499} {
		if got, want := a.User(i), b.User(i); !reflect.DeepEqual(got, want) {
			t.Errorf("user %d: got %+v, want %+v", i, got, want)
		}
		ra, oka := a.Activity(i)
		rb, okb := b.Activity(i)
		if oka != okb || !reflect.DeepEqual(ra, rb) {
			t.Errorf("activity %d: got %+v %v, want %+v %v", i, ra, oka, rb, okb)
		}
	}
	if !reflect.DeepEqual(a.SKUs(), b.SKUs()) || !reflect.DeepEqual(a.Subscriptions(), b.Subscriptions()) {
		t.Errorf("SKUs or subscriptions differ for the same seed")
	}
	if a.User(0).ID == c.User(0).ID || a.TenantID() == c.TenantID() {
		t.Errorf("seed 7 and 8 gave the same user id %s or tenant %s", a.User(0).ID, a.TenantID())
	}
}

// census walks a tenant once and counts what the brief asks to exist.
type census struct {
	consumed                                     map[string]int64
	guestsLicensed, disabledLicensed, noLocation int
	directOnly, groupOnly, both, twoGroups       int
	countViolation, nullCreated, recent, mixed   int
	missing, neverActive, idle, caseDiffers      int
	commaNames                                   int
}

func takeCensus(t *testing.T, tn *graphsim.Tenant) census {
	t.Helper()
	c := census{consumed: map[string]int64{}}
	for i := 0; i < tn.UserCount(); i++ {
		u := tn.User(i)
		licensed := len(u.AssignedLicenses) > 0
		for _, l := range u.AssignedLicenses {
			c.consumed[l.SkuID]++
			direct, groups := 0, 0
			for _, s := range u.LicenseAssignmentStates {
				if s.SkuID == l.SkuID && s.State == "Active" {
					if s.AssignedByGroup == "" {
						direct++
					} else {
						groups++
					}
				}
			}
			switch {
			case direct == 1 && groups == 0:
				c.directOnly++
			case direct == 0 && groups == 1:
				c.groupOnly++
			case direct == 1 && groups >= 1:
				c.both++
			}
			if groups >= 2 {
				c.twoGroups++
			}
		}
		for _, s := range u.LicenseAssignmentStates {
			if s.State == "Error" && s.Error == "CountViolation" {
				c.countViolation++
			}
		}
		c.count(tn, i, u, licensed)
	}
	return c
}

func (c *census) count(tn *graphsim.Tenant, i int, u extract.User, licensed bool) {
	inc := func(n *int, cond bool) {
		if cond {
			*n++
		}
	}
	inc(&c.guestsLicensed, licensed && u.UserType == "Guest")
	inc(&c.disabledLicensed, licensed && !u.AccountEnabled)
	inc(&c.noLocation, licensed && u.UsageLocation == "")
	inc(&c.nullCreated, u.CreatedDateTime.IsZero())
	inc(&c.recent, !u.CreatedDateTime.IsZero() && fixedNow.Sub(u.CreatedDateTime).Hours() < 30*24)
	inc(&c.mixed, u.UserPrincipalName != strings.ToLower(u.UserPrincipalName))
	inc(&c.commaNames, strings.Contains(u.DisplayName, ","))
	row, ok := tn.Activity(i)
	inc(&c.missing, licensed && !ok)
	if !ok {
		return
	}
	var last []int
	for k, d := range row.LastActivityDate {
		if !d.IsZero() {
			last = append(last, k)
		}
	}
	inc(&c.neverActive, licensed && len(last) == 0)
	inc(&c.idle, len(last) > 0 && tn.ReportRefreshDate().Sub(row.LastActivityDate[last[0]]).Hours() >= 30*24)
	inc(&c.caseDiffers, row.UserPrincipalName != u.UserPrincipalName)
}

func TestGenerateRealism(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 3000, Seed: 42, Now: fixedNow})
	c := takeCensus(t, tn)
	for _, tc := range []struct {
		name string
		got  int
	}{
		{"licensed guests", c.guestsLicensed}, {"disabled licensed users", c.disabledLicensed},
		{"licensed users without usageLocation", c.noLocation}, {"direct-only licences", c.directOnly},
		{"group-only licences", c.groupOnly}, {"direct and group licences", c.both},
		{"licences from two groups", c.twoGroups}, {"CountViolation states", c.countViolation},
		{"null createdDateTime (before June 2018)", c.nullCreated}, {"users created within 30 days", c.recent},
		{"mixed-case UPNs", c.mixed}, {"licensed users missing from the report", c.missing},
		{"licensed users never active", c.neverActive}, {"users idle 30+ days", c.idle},
		{"report UPNs in another case", c.caseDiffers}, {"display names with a comma", c.commaNames},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got == 0 {
				t.Errorf("got 0 %s, want some", tc.name)
			}
		})
	}
	statuses := map[string]bool{}
	for _, s := range tn.SKUs() {
		statuses[s.CapabilityStatus] = true
		if got, want := s.ConsumedUnits, c.consumed[s.SkuID]; got != want {
			t.Errorf("%s consumedUnits: got %d, want %d (users holding it)", s.SkuPartNumber, got, want)
		}
		if s.CapabilityStatus != "Suspended" && s.ConsumedUnits > s.PrepaidUnits.Enabled+s.PrepaidUnits.Warning {
			t.Errorf("%s: consumed %d exceeds enabled+warning %d", s.SkuPartNumber, s.ConsumedUnits, s.PrepaidUnits.Enabled+s.PrepaidUnits.Warning)
		}
	}
	for _, want := range []string{"Enabled", "Warning", "Suspended"} {
		if !statuses[want] {
			t.Errorf("capabilityStatus %s: got none, want one SKU", want)
		}
	}
}

func TestSubscriptions(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 300, Seed: 42, Now: fixedNow})
	perSKU := map[string]int{}
	trials, soon := 0, 0
	for _, s := range tn.Subscriptions() {
		perSKU[s.SkuPartNumber]++
		if s.IsTrial {
			trials++
		}
		if d := s.NextLifecycleDateTime.Sub(fixedNow).Hours() / 24; d > 0 && d <= 30 && !s.IsTrial {
			soon++
		}
		if !s.CreatedDateTime.Before(s.NextLifecycleDateTime) {
			t.Errorf("subscription %s: created %v not before next lifecycle %v", s.ID, s.CreatedDateTime, s.NextLifecycleDateTime)
		}
	}
	if len(perSKU) != len(tn.SKUs()) || perSKU["SPE_E3"] != 2 {
		t.Errorf("subscriptions per SKU: got %v, want one each and two for SPE_E3", perSKU)
	}
	if trials != 1 || soon == 0 {
		t.Errorf("got %d trials and %d renewals within 30 days, want 1 and some", trials, soon)
	}
	for _, s := range tn.SKUs() {
		var total int64
		for _, sub := range tn.Subscriptions() {
			if sub.SkuID == s.SkuID {
				total += sub.TotalLicenses
			}
		}
		if want := s.PrepaidUnits.Enabled + s.PrepaidUnits.Warning + s.PrepaidUnits.Suspended; total != want {
			t.Errorf("%s: subscriptions total %d, want prepaid %d", s.SkuPartNumber, total, want)
		}
	}
}

func TestActivityFollowsLicences(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1500, Seed: 42, Now: fixedNow})
	refresh := tn.ReportRefreshDate()
	if want := fixedNow.Truncate(24*3600e9).AddDate(0, 0, -2); !refresh.Equal(want) {
		t.Fatalf("ReportRefreshDate: got %v, want %v", refresh, want)
	}
	rows := 0
	for row := range tn.ReportRows() {
		rows++
		for k, d := range row.LastActivityDate {
			if !d.IsZero() && !row.HasLicense[k] && !row.IsDeleted {
				t.Errorf("%s: activity on %s without its licence", row.UserPrincipalName, extract.Workloads[k])
			}
			if d.After(refresh) {
				t.Errorf("%s: %s activity %v after the refresh date %v", row.UserPrincipalName, extract.Workloads[k], d, refresh)
			}
		}
		if !row.ReportRefreshDate.Equal(refresh) {
			t.Errorf("row refresh date: got %v, want %v", row.ReportRefreshDate, refresh)
		}
	}
	if rows < tn.UserCount()/2 || tn.DeletedCount() == 0 {
		t.Errorf("report rows: got %d rows and %d deleted users, want most users and some deleted", rows, tn.DeletedCount())
	}
}

func TestLookup(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 400, Seed: 42, Now: fixedNow})
	guest := -1
	for i := 0; i < tn.UserCount() && guest < 0; i++ {
		if tn.User(i).UserType == "Guest" {
			guest = i
		}
	}
	tests := []struct {
		name, key string
		want      int
		ok        bool
	}{
		{"object id", tn.User(17).ID, 17, true},
		{"object id upper case", strings.ToUpper(tn.User(17).ID), 17, true},
		{"upn", tn.User(3).UserPrincipalName, 3, true},
		{"upn upper case", strings.ToUpper(tn.User(3).UserPrincipalName), 3, true},
		{"guest upn", tn.User(guest).UserPrincipalName, guest, true},
		{"unknown id", "00000000-0000-4000-8000-000000000000", 0, false},
		{"index past the end", "adele.vance400@contoso.example", 0, false},
		{"wrong name, right index", "nobody3@contoso.example", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tn.Lookup(tc.key)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Lookup(%q): got %d %v, want %d %v", tc.key, got, ok, tc.want, tc.ok)
			}
		})
	}
	if !strings.Contains(tn.User(guest).UserPrincipalName, "#EXT#@contoso.onmicrosoft.com") {
		t.Errorf("guest UPN: got %q, want ...#EXT#@contoso.onmicrosoft.com", tn.User(guest).UserPrincipalName)
	}
}

func TestConcealment(t *testing.T) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 200, Seed: 42, Now: fixedNow})
	hex32 := regexp.MustCompile(`^[0-9A-F]{32}$`)
	if got := graphsim.ConcealName("adele.vance@contoso.example"); !hex32.MatchString(got) {
		t.Fatalf("ConcealName: got %q, want 32 upper-case hex characters", got)
	}
	tn.SetReportSettings(extract.ReportSettings{DisplayConcealedNames: true})
	if !tn.ReportSettings().DisplayConcealedNames {
		t.Fatalf("ReportSettings: got not concealed after SetReportSettings(true)")
	}
	for row := range tn.ReportRows() {
		if !hex32.MatchString(row.UserPrincipalName) || !hex32.MatchString(row.DisplayName) {
			t.Fatalf("concealed row: got %q / %q, want hex names", row.UserPrincipalName, row.DisplayName)
		}
	}
}
