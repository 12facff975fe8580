package load_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/seatledger/seatledger/load"
)

// rightsizingRows are latest rightsizing rows of contoso and fabrikam:
// two rules, safe and review, two currencies, and rows without a saving
// (a missing price).
const rightsizingRows = `INSERT INTO mart_rightsizing
    (tenant, as_of, user_id, user_principal_name, from_sku, to_sku, rule, evidence, annual_saving,
     reducible_from, confidence, currency, from_sku_id, display_name, department, cost_center)
SELECT tenant, DATE '2025-03-02', user_id, user_id || '@' || tenant || '.example', from_sku, to_sku, rule, '{}', saving,
    DATE '2025-04-01', confidence, currency, 'sku-' || from_sku, 'Name ' || user_id, 'Sales', 'CC-1'
FROM (VALUES
    ('contoso', 'u1', 'ENTERPRISEPACK', NULL, 'shared_mailbox', 'safe', 'USD', 100.10),
    ('contoso', 'u2', 'SPE_E3', NULL, 'shared_mailbox', 'safe', 'USD', 200.20),
    ('contoso', 'u3', 'ENTERPRISEPACK', 'STANDARDPACK', 'no_desktop_apps', 'safe', 'USD', 180.00),
    ('contoso', 'u4', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'USD', 252.00),
    ('contoso', 'u5', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'USD', NULL),
    ('contoso', 'u6', 'SPE_E3', 'STANDARDPACK', 'no_desktop_apps', 'review', 'EUR', 230.40),
    ('fabrikam', 'u7', 'SPE_E3', NULL, 'shared_mailbox', 'safe', 'USD', NULL),
    ('fabrikam', 'u8', 'ENTERPRISEPACK', 'STANDARDPACK', 'no_desktop_apps', 'safe', 'GBP', 150.00)
) AS r(tenant, user_id, from_sku, to_sku, rule, confidence, currency, saving)`

// dropRightsizing makes a warehouse of migration 0012: the objects of
// 0013 gone and the migration unrecorded.
var dropRightsizing = []string{
	"DROP VIEW mart_rightsizing_history",
	"DROP TABLE mart_rightsizing_history_versions",
	"DROP TABLE mart_rightsizing_history_nightly",
	"DROP TABLE mart_rightsizing",
	"DELETE FROM schema_migrations WHERE version = 13",
}

// TestLatestRightsizing reads the rightsizing savings of a real warehouse,
// opened read-only as serve opens it: sums by tenant, rule and currency,
// safe and review together, exact decimals (100.10 + 200.20 is 300.3),
// rows without a saving left out (fabrikam's shared_mailbox has none, so
// no row); a warehouse before migration 0013 reads as no rows.
func TestLatestRightsizing(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
		want  []load.RightsizingSavings
	}{
		{"sums by tenant, rule and currency", []string{rightsizingRows}, []load.RightsizingSavings{
			{Tenant: "contoso", Rule: "no_desktop_apps", Currency: "EUR", AnnualSavings: 230.4},
			{Tenant: "contoso", Rule: "no_desktop_apps", Currency: "USD", AnnualSavings: 432},
			{Tenant: "contoso", Rule: "shared_mailbox", Currency: "USD", AnnualSavings: 300.3},
			{Tenant: "fabrikam", Rule: "no_desktop_apps", Currency: "GBP", AnnualSavings: 150},
		}},
		{"only rows without a saving", []string{rightsizingRows, "DELETE FROM mart_rightsizing WHERE annual_saving IS NOT NULL"}, nil},
		{"no rows", nil, nil},
		{"before migration 0013", dropRightsizing, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w, path := mustOpen(t)
			writeSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 10))
			writeSnapshot(t, w, "fabrikam", day1, "run-2", genUsers(500, 10))
			for _, q := range tt.stmts {
				if _, err := w.SQLForTests().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			ro := mustOpenReadOnly(t, path)
			got, err := ro.LatestRightsizing(ctx)
			if err != nil {
				t.Fatalf("LatestRightsizing: got %v, want no error", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LatestRightsizing:\n got %+v\nwant %+v", got, tt.want)
			}
			// The other reads go on as before.
			if seats, err := ro.LatestSeats(ctx); err != nil || len(seats) == 0 {
				t.Errorf("LatestSeats: got %d rows, %v; want seats and no error", len(seats), err)
			}
		})
	}
}
