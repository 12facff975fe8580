package sql_test

import (
	"slices"
	"testing"
	"time"
)

// TestReasonNeverUsed pins transform/44_stg_reason_never_used.sql: a usage
// signal, the user in the report, no activity date on any of the SKU's
// workloads, and past the grace period (grace_days 30).
func TestReasonNeverUsed(t *testing.T) {
	never := func(r *licenceRow) { r.lastActivity = nil }
	assigned := func(days int) func(r *licenceRow) {
		return func(r *licenceRow) {
			never(r)
			r.assignedAt = daysBefore(days).Add(8 * time.Hour)
		}
	}
	tests := []struct {
		name   string
		change func(r *licenceRow)
		want   bool
	}{
		{"in the report, no activity, assigned a year ago", never, true},
		{"assigned 30 days before as_of: past grace", assigned(30), true},
		{"assigned 29 days before as_of: in grace", assigned(29), false},
		{"no assignment date: never past grace", func(r *licenceRow) {
			never(r)
			r.assignedAt = time.Time{}
		}, false},
		{"active yesterday", nil, false},
		{"active long ago: inactive, not never_used", func(r *licenceRow) {
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(365)}
		}, false},
		{"activity on one of the SKU's workloads", func(r *licenceRow) {
			r.workloads = []string{"Exchange", "Teams"}
			r.lastActivity = map[string]time.Time{"Teams": daysBefore(200)}
		}, false},
		{"user missing from the report: no activity reason", func(r *licenceRow) {
			never(r)
			r.inReport = false
		}, false},
		{"concealed report: no activity reason", func(r *licenceRow) {
			never(r)
			r.concealed = true
		}, false},
		{"SKU without a report workload: no usage signal", func(r *licenceRow) {
			never(r)
			r.workloads = []string{}
		}, false},
		// The further signals: every one the row carries must show no
		// activity, and the user must be in each report that judges them.
		{"Copilot in its report, never used", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.inCopilot = "Microsoft_365_Copilot", []string{"Copilot"}, true
		}, true},
		{"Copilot holder missing from the Copilot report", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.inReport = "Microsoft_365_Copilot", []string{"Copilot"}, false
		}, false},
		{"Copilot used once", func(r *licenceRow) {
			r.part, r.workloads, r.inCopilot = "Microsoft_365_Copilot", []string{"Copilot"}, true
			r.lastActivity = map[string]time.Time{"Copilot": daysBefore(300)}
		}, false},
		{"a suite with no workload activity but desktop apps in use", func(r *licenceRow) {
			r.workloads, r.inApps = []string{"Exchange", "Apps"}, true
			r.lastActivity = map[string]time.Time{"Apps": daysBefore(3)}
		}, false},
		{"a suite without any activity, in both reports", func(r *licenceRow) {
			never(r)
			r.workloads, r.inApps = []string{"Exchange", "Apps"}, true
		}, true},
		{"a suite without any activity, missing from the Apps report", func(r *licenceRow) {
			never(r)
			r.workloads = []string{"Exchange", "Apps"}
		}, false},
		// The sign-in signals.
		{"Power BI without a sign-in: the logs alone never say never_used", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.powerbiWindow = "POWER_BI_PRO", []string{"PowerBI"}, ptr(120)
		}, false},
		{"E5 without any activity or Power BI sign-in: never_used", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.powerbiWindow = "SPE_E5", []string{"Exchange", "PowerBI"}, ptr(30)
		}, true},
		{"Entra ID P1 never signed in, listed: never_used", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.inSignIn, r.inReport = "AAD_PREMIUM", []string{"SignIn"}, true, false
		}, true},
		{"Entra ID P1, not in the signInActivity read: no verdict", func(r *licenceRow) {
			never(r)
			r.part, r.workloads, r.inReport = "AAD_PREMIUM", []string{"SignIn"}, false
		}, false},
		{"a suite with no report activity but a sign-in", func(r *licenceRow) {
			r.workloads, r.inSignIn = []string{"Exchange", "SignIn"}, true
			r.lastActivity = map[string]time.Time{"SignIn": daysBefore(2)}
		}, false},
		{"concealed: the report workloads are ignored, the sign-in signal judges", func(r *licenceRow) {
			never(r)
			r.workloads, r.inSignIn, r.concealed, r.inReport = []string{"Exchange", "SignIn"}, true, true, false
		}, true},
		{"concealed, report activity ignored, no sign-in signal: no verdict", func(r *licenceRow) {
			never(r)
			r.concealed = true
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			createRules(t, db, 90, 30)
			createLicenceRows(t, db, withDefaults(tc.change))
			runModels(t, db, "utc_date", "stg_license_activity", "stg_reason_never_used")
			got := keys(t, db, "stg_reason_never_used")
			var want []string
			if tc.want {
				want = []string{"u1/sku-e3"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("never_used rows: got %v, want %v", got, want)
			}
		})
	}
}
