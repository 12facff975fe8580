package transform_test

import (
	"testing"
	"time"

	"github.com/seatledger/seatledger/transform"
)

func TestLooksConcealed(t *testing.T) {
	tests := []struct {
		upn  string
		want bool
	}{
		{"77E5979DD60BA6EAA53E814DBEEEFA5F", true}, // the PnP sample's concealed row
		{"77e5979dd60ba6eaa53e814dbeeefa5f", false},
		{"77E5979DD60BA6EAA53E814DBEEEFA5", false},
		{"77E5979DD60BA6EAA53E814DBEEEFA5F0", false},
		{"user@contoso.example", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.upn, func(t *testing.T) {
			if got := transform.LooksConcealed(tc.upn); got != tc.want {
				t.Errorf("LooksConcealed(%q): got %v, want %v", tc.upn, got, tc.want)
			}
		})
	}
}

// TestSnapshotHealth pins what the transforms record about each snapshot's
// usage report (stg_snapshots over snapshot_facts), which makes it degraded.
func TestSnapshotHealth(t *testing.T) {
	tests := []struct {
		scenario, tenant, date string
		concealed, missing     string
		status                 string
	}{
		{"concealed", "concealed-hex", "2026-11-22", "true", "false", "degraded"},
		{"concealed", "concealed-settings", "2026-11-22", "true", "false", "degraded"},
		{"report", "noreport", "2026-11-22", "false", "true", "degraded"},
		{"report", "stale8", "2026-11-28", "false", "false", "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.tenant, func(t *testing.T) {
			w := loadScenario(t, tc.scenario)
			d, _ := time.Parse(time.DateOnly, tc.date)
			got := scalar(t, w, "SELECT concealed::VARCHAR || ' ' || (NOT has_report)::VARCHAR || ' ' || status FROM stg_snapshots WHERE snapshot_date = ? AND tenant = ?", d, tc.tenant)
			if want := tc.concealed + " " + tc.missing + " " + tc.status; got != want {
				t.Errorf("concealed, report_missing, status: got %s, want %s", got, want)
			}
		})
	}
}
