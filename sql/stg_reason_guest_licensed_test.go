package sql_test

import (
	"slices"
	"testing"
)

// TestReasonGuestLicensed pins transform/42_stg_reason_guest_licensed.sql:
// a Guest user (any case) holding a SKU priced above zero.
func TestReasonGuestLicensed(t *testing.T) {
	tests := []struct {
		name     string
		userType string
		price    *float64
		want     bool
	}{
		{"guest with a priced SKU", "Guest", ptr(468.0), true},
		{"guest, user type in lower case", "guest", ptr(468.0), true},
		{"guest with the smallest price", "Guest", ptr(0.01), true},
		{"guest with a free SKU", "Guest", ptr(0.0), false},
		{"guest with an unpriced SKU (NULL, never guessed)", "Guest", nil, false},
		{"member with a priced SKU", "Member", ptr(468.0), false},
		{"no user type", "", ptr(468.0), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			createLicenceRows(t, db, withDefaults(func(r *licenceRow) {
				r.userType, r.price = tc.userType, tc.price
			}))
			runModels(t, db, "stg_reason_guest_licensed")
			got := keys(t, db, "stg_reason_guest_licensed")
			var want []string
			if tc.want {
				want = []string{"u1/sku-e3"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("guest_licensed rows: got %v, want %v", got, want)
			}
		})
	}
}
