package load_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// TestReclaimOutcomesStored follows two reclaimed seats through a real
// commit: the one whose user holds the SKU again is given back, the other
// is reused (the SKU's consumed units did not drop), with its price
// realised; both land in the history and the latest table, and
// LatestRealised sums the latter.
func TestReclaimOutcomesStored(t *testing.T) {
	w, _ := mustOpen(t)
	ctx := context.Background()
	params := paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30}, transform.Pricing{Currency: "USD",
		Prices: []transform.Price{{SKU: "SPE_E3", UnitPrice: 36.25, Currency: "USD", Billing: "monthly", Term: "annual"}}})
	if err := w.ReplaceParams(ctx, params); err != nil {
		t.Fatal(err)
	}
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 30))
	remove := func(user string) load.Action {
		return load.Action{PlanID: "plan-1", ApplyID: "apply-1", At: day1.Add(10 * time.Hour), Tenant: "contoso", UserID: user,
			SkuID: skuIDs[0], SkuPartNumber: "SPE_E3", Operation: "remove", Reason: "inactive", Result: "ok"}
	}
	if err := w.RecordActions(ctx, []load.Action{remove(guid(1, 3)), remove(guid(1, 6))}); err != nil {
		t.Fatal(err)
	}
	users := genUsers(0, 30)
	users[6].AssignedLicenses, users[6].LicenseAssignmentStates = nil, nil // removed; user 3 got it back
	writeFullSnapshot(t, w, "contoso", day2, "run-2", users)
	got := rowsOf(t, w, `SELECT user_id, outcome, promised_annual_savings::VARCHAR, realised_annual_savings::VARCHAR
		FROM mart_reclaim_outcomes ORDER BY outcome`)
	want := [][]any{{guid(1, 3), "given_back", "435.00", "0.00"}, {guid(1, 6), "reused", "435.00", "435.00"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("mart_reclaim_outcomes: got %v, want %v", got, want)
	}
	if n := scalar(t, w, "SELECT count(*) FROM mart_reclaim_outcomes_history WHERE snapshot_date = DATE '"+day2.Format(time.DateOnly)+"'"); n != int64(2) {
		t.Errorf("history rows of the second night: got %v, want 2 (the first night has none: nothing reclaimed before it)", n)
	}
	realised, err := w.LatestRealised(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(realised) != "[{contoso USD 435}]" {
		t.Errorf("LatestRealised: got %v, want contoso USD 435", realised)
	}
}
