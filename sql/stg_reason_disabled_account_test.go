package sql_test

import (
	"slices"
	"testing"
)

// TestReasonDisabledAccount pins
// transform/41_stg_reason_disabled_account.sql: accountEnabled false, and
// NULL counting as enabled.
func TestReasonDisabledAccount(t *testing.T) {
	tests := []struct {
		name    string
		enabled *bool
		want    bool
	}{
		{"account disabled", ptr(false), true},
		{"account enabled", ptr(true), false},
		{"account_enabled NULL counts as enabled", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			createLicenceRows(t, db, withDefaults(func(r *licenceRow) { r.accountEnabled = tc.enabled }))
			runModels(t, db, "stg_reason_disabled_account")
			got := keys(t, db, "stg_reason_disabled_account")
			var want []string
			if tc.want {
				want = []string{"u1/sku-e3"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("disabled_account rows: got %v, want %v", got, want)
			}
		})
	}
}
