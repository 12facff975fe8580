package reports_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/seatledger/seatledger/reports"
)

// TestMartSheetReadable: the Candidates and Rightsizing sheets head the
// columns load puts first with words, their codes with headers of their
// own (the table needs unique headers), and Rightsizing's subtotal groups
// by the rule in words, or by its code on a sheet of the mart's own
// columns. Other sheets keep ColumnsFor's headers.
func TestMartSheetReadable(t *testing.T) {
	tests := []struct {
		name, mart string
		cols       []string
		want       []string // headers of the plain (non-evidence) columns
		by         []string // the subtotal's By; nil: none
	}{
		{"candidates", "mart_reclamation_candidates",
			[]string{"display_name", "user_principal_name", "department", "product_name", "reason_text", "signal",
				"idle_days", "annual_savings", "tenant", "user_id", "sku_id", "sku_part_number", "reason", "reasons"},
			[]string{"Person", "User principal name", "Department", "Product", "Reason", "Signal",
				"Idle days", "Annual saving", "Tenant", "User id", "SKU id", "SKU part number", "Reason code", "Reason codes"}, nil},
		{"rightsizing", "mart_rightsizing",
			[]string{"display_name", "user_principal_name", "department", "product_name", "to_product_name", "rule_text",
				"signal", "confidence", "annual_saving", "tenant", "currency", "from_sku_id", "from_sku", "to_sku", "rule"},
			[]string{"Person", "User principal name", "Department", "Product", "Change to", "Rule",
				"Signal", "Confidence", "Annual saving", "Tenant", "Currency", "From SKU id", "From SKU", "To SKU", "Rule code"},
			[]string{"tenant", "rule_text", "confidence", "currency"}},
		{"rightsizing, the mart's own columns", "mart_rightsizing",
			[]string{"tenant", "user_id", "from_sku", "rule", "annual_saving", "confidence", "currency"},
			[]string{"Tenant", "User id", "From SKU", "Rule code", "Annual saving", "Confidence", "Currency"},
			[]string{"tenant", "rule", "confidence", "currency"}},
		{"users keep their headers", "mart_user_licenses",
			[]string{"display_name", "product_name", "reason"},
			[]string{"Display name", "Product name", "Reason"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := reports.MartSheet(tt.mart, tt.cols)
			var got []string
			for _, c := range s.Columns {
				if c.Field == "" {
					got = append(got, c.Header)
					if c.Width < float64(len(c.Header))+3 {
						t.Errorf("column %s: got width %v, want room for header %q", c.Name, c.Width, c.Header)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("headers: got %q, want %q", got, tt.want)
			}
			var by []string
			if s.Subtotal != nil {
				by = s.Subtotal.By
			}
			if fmt.Sprint(by) != fmt.Sprint(tt.by) {
				t.Errorf("subtotal by: got %v, want %v", by, tt.by)
			}
		})
	}
}
