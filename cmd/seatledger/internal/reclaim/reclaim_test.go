package reclaim_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/reclaim"
	"github.com/seatledger/seatledger/extract"
)

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		rows    string // "line:upn|id|sku|tenant" joined by spaces
		wantErr []string
	}{
		{"upn with BOM and CRLF", "\ufeffUserPrincipalName,SkuPartNumber\r\na@x.com,SPE_E3\r\n\r\nb@x.com, ENTERPRISEPACK\r\n",
			"2:a@x.com||SPE_E3| 4:b@x.com||ENTERPRISEPACK|", nil},
		{"object id, tenant, extra column, any case", "objectid,Tenant,Note,skupartnumber\n1111,contoso,hi,SPE_E5\n",
			"2:|1111|SPE_E5|contoso", nil},
		{"bad lines all named", "ObjectId,SkuPartNumber\n1111,\n,SPE_E3\n2222,SPE_E3\n",
			"4:|2222|SPE_E3|", []string{"line 2: no SkuPartNumber", "line 3: no UserPrincipalName or ObjectId"}},
		{"no user column", "Mail,SkuPartNumber\na@x.com,SPE_E3\n", "", []string{"needs a UserPrincipalName or an ObjectId column"}},
		{"no SKU column", "ObjectId\n1111\n", "", []string{"needs a SkuPartNumber column"}},
		{"no rows", "ObjectId,SkuPartNumber\r\n", "", []string{"no data rows"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := reclaim.ParseCSV(strings.NewReader(tc.in), true)
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%d:%s|%s|%s|%s", r.Line, r.UserPrincipalName, r.ObjectID, r.SkuPartNumber, r.Tenant))
			}
			if strings.Join(got, " ") != tc.rows {
				t.Errorf("rows: got %q, want %q", strings.Join(got, " "), tc.rows)
			}
			for _, w := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error: got %v, want it to contain %q", err, w)
				}
			}
			if tc.wantErr == nil && err != nil {
				t.Errorf("error: got %v, want nil", err)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	const sku, to, grp = "sku-1", "sku-2", "group-1"
	direct := extract.LicenseAssignmentState{SkuID: sku, DisabledPlans: []string{"plan-a"}}
	viaGroup := extract.LicenseAssignmentState{SkuID: sku, AssignedByGroup: grp}
	user := func(loc string, states ...extract.LicenseAssignmentState) extract.LicenseResult {
		u := extract.User{ID: "u1", UsageLocation: loc, LicenseAssignmentStates: states}
		for _, s := range states {
			u.AssignedLicenses = append(u.AssignedLicenses, extract.AssignedLicense{SkuID: s.SkuID})
		}
		return extract.LicenseResult{UserID: "u1", Status: 200, User: u}
	}
	it := reclaim.Item{Tenant: "t", UserID: "u1", SkuID: sku, ToSkuID: to, Reason: "inactive"}
	tests := []struct {
		name   string
		op     string
		live   extract.LicenseResult
		allow  bool
		result string
		change string
	}{
		{"direct", reclaim.OpRemove, user("DE", direct), false, reclaim.ResultPending, "add [] remove [sku-1]"},
		{"direct and group", reclaim.OpRemove, user("DE", direct, viaGroup), false, reclaim.ResultPending, "add [] remove [sku-1]"},
		{"group only", reclaim.OpRemove, user("DE", viaGroup), false, reclaim.ResultGroupOnly, ""},
		{"gone", reclaim.OpRemove, user("DE"), false, reclaim.ResultNotAssigned, ""},
		{"no usage location", reclaim.OpRemove, user("", direct), false, reclaim.ResultRefused, ""},
		{"no usage location allowed", reclaim.OpRemove, user("", direct), true, reclaim.ResultPending, "add [] remove [sku-1]"},
		{"replace", reclaim.OpReplace, user("", direct), false, reclaim.ResultPending, "add [{sku-2 []}] remove [sku-1]"},
		{"replace, target held", reclaim.OpReplace, user("DE", direct, extract.LicenseAssignmentState{SkuID: to}), false, reclaim.ResultRefused, ""},
		{"read failed", reclaim.OpRemove, extract.LicenseResult{UserID: "u1", Status: 404, Code: "Request_ResourceNotFound"}, false, reclaim.ResultFailed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := reclaim.Decide(tc.op, it, tc.live, tc.allow)
			change := ""
			if o.Change != nil {
				change = fmt.Sprintf("add %v remove %v", o.Change.Add, o.Change.Remove)
			}
			if o.Result != tc.result || change != tc.change {
				t.Errorf("got %s %q (%s), want %s %q", o.Result, change, o.Message, tc.result, tc.change)
			}
			if o.Result == reclaim.ResultGroupOnly && fmt.Sprint(o.GroupIDs) != "["+grp+"]" {
				t.Errorf("groups: got %v, want [%s]", o.GroupIDs, grp)
			}
			if o.Result == reclaim.ResultPending && fmt.Sprint(o.Undo.Restore[0].DisabledPlans) != "[plan-a]" {
				t.Errorf("undo disabled plans: got %v, want [plan-a]", o.Undo.Restore[0].DisabledPlans)
			}
		})
	}
}

func TestPlanFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	p := &reclaim.Plan{ID: "id-1", Operation: reclaim.OpRemove, Items: []reclaim.Item{{Tenant: "t", UserID: "u", SkuID: "s", Reason: "inactive"}}}
	if err := reclaim.WritePlan(path, p); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode: got %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if err := reclaim.WritePlan(path, p); err == nil {
		t.Error("writing over an existing plan: got nil, want an error")
	}
	got, err := reclaim.ReadPlan(path)
	if err != nil || got.ID != "id-1" || len(got.Items) != 1 {
		t.Fatalf("ReadPlan: got %+v, %v", got, err)
	}
	bad := filepath.Join(dir, "bad.json")
	p.Items = append(p.Items, p.Items[0], reclaim.Item{Tenant: "t"})
	if err := reclaim.WritePlan(bad, p); err != nil {
		t.Fatal(err)
	}
	_, err = reclaim.ReadPlan(bad)
	for _, want := range []string{"items[1]: same tenant, user and SKU as items[0]", "items[2]: tenant, user_id and sku_id are required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadPlan of a bad plan: got %v, want %q", err, want)
		}
	}
}
