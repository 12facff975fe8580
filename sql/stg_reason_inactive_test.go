package sql_test

import (
	"slices"
	"testing"
	"time"
)

// TestReasonInactive pins transform/45_stg_reason_inactive.sql: a usage
// signal, idle_days >= inactivity_days and past the grace period, with
// inactivity_days 90 and grace_days 30.
func TestReasonInactive(t *testing.T) {
	idle := func(days int) func(r *licenceRow) {
		return func(r *licenceRow) { r.lastActivity = map[string]time.Time{"Exchange": daysBefore(days)} }
	}
	tests := []struct {
		name   string
		change func(r *licenceRow)
		want   []string // idle_days of the row, if inactive
	}{
		{"idle 90 days: inactive", idle(90), []string{"90"}},
		{"idle 89 days: not yet", idle(89), nil},
		{"idle 200 days", idle(200), []string{"200"}},
		{"active yesterday", nil, nil},
		{"the latest workload counts", func(r *licenceRow) {
			r.workloads = []string{"Exchange", "Teams"}
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200), "Teams": daysBefore(89)}
		}, nil},
		{"every workload idle: the latest of them", func(r *licenceRow) {
			r.workloads = []string{"Exchange", "Teams"}
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200), "Teams": daysBefore(90)}
		}, []string{"90"}},
		{"assigned 30 days before as_of: past grace", func(r *licenceRow) {
			idle(120)(r)
			r.assignedAt = daysBefore(30).Add(8 * time.Hour)
		}, []string{"120"}},
		{"assigned 29 days before as_of: in grace", func(r *licenceRow) {
			idle(120)(r)
			r.assignedAt = daysBefore(29).Add(8 * time.Hour)
		}, nil},
		{"assigned 30 days before in New York but 29 in UTC: in grace", func(r *licenceRow) {
			// 23:30 on 21 October in New York is 03:30 on 22 October UTC;
			// the session's TimeZone is New York (see below).
			idle(120)(r)
			r.assignedAt = time.Date(2026, 10, 22, 3, 30, 0, 0, time.UTC)
		}, nil},
		{"no assignment date: never past grace", func(r *licenceRow) {
			idle(120)(r)
			r.assignedAt = time.Time{}
		}, nil},
		{"concealed report: no activity reason", func(r *licenceRow) {
			idle(200)(r)
			r.concealed = true
		}, nil},
		{"SKU without a report workload: no usage signal", func(r *licenceRow) {
			idle(200)(r)
			r.workloads = []string{}
		}, nil},
		{"user missing from the report: no activity reason", func(r *licenceRow) {
			r.inReport = false
			r.lastActivity = nil
		}, nil},
		{"in the report without any activity: never_used, not inactive", func(r *licenceRow) {
			r.lastActivity = nil
		}, nil},
		// The further signals (stg_license_rows keeps a signal in workloads
		// only when the snapshot can use it).
		{"Copilot idle 100 days", func(r *licenceRow) {
			r.part, r.workloads, r.inCopilot = "Microsoft_365_Copilot", []string{"Copilot"}, true
			r.lastActivity = map[string]time.Time{"Copilot": daysBefore(100)}
		}, []string{"100"}},
		{"Copilot used 89 days ago", func(r *licenceRow) {
			r.part, r.workloads, r.inCopilot = "Microsoft_365_Copilot", []string{"Copilot"}, true
			r.lastActivity = map[string]time.Time{"Copilot": daysBefore(89)}
		}, nil},
		{"a suite idle on every workload but its desktop apps: kept active by Apps", func(r *licenceRow) {
			r.workloads, r.inApps = []string{"Exchange", "Apps"}, true
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200), "Apps": daysBefore(5)}
		}, nil},
		{"a suite idle on its workloads and its desktop apps: the latest of them", func(r *licenceRow) {
			r.workloads, r.inApps = []string{"Exchange", "Apps"}, true
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200), "Apps": daysBefore(120)}
		}, []string{"120"}},
		// The sign-in signals: the Power BI window must reach 90 days.
		{"Power BI, no sign-in in a 120-day window: idle its length", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow, r.lastActivity = "POWER_BI_PRO", []string{"PowerBI"}, ptr(120), nil
		}, []string{"120"}},
		{"Power BI, no sign-in in an 89-day window: not yet", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow, r.lastActivity = "POWER_BI_PRO", []string{"PowerBI"}, ptr(89), nil
		}, nil},
		{"Power BI, last sign-in 95 days ago in a 120-day window", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow = "POWER_BI_PRO", []string{"PowerBI"}, ptr(120)
			r.lastActivity = map[string]time.Time{"PowerBI": daysBefore(95)}
		}, []string{"95"}},
		{"Power BI, signed in 10 days ago", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow = "POWER_BI_PRO", []string{"PowerBI"}, ptr(120)
			r.lastActivity = map[string]time.Time{"PowerBI": daysBefore(10)}
		}, nil},
		{"E5 idle 200 days on Exchange, Power BI window 60 days: not yet", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow = "SPE_E5", []string{"Exchange", "PowerBI"}, ptr(60)
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200)}
		}, nil},
		{"E5 idle 200 days on Exchange, no Power BI sign-in in 150 days", func(r *licenceRow) {
			r.part, r.workloads, r.powerbiWindow = "SPE_E5", []string{"Exchange", "PowerBI"}, ptr(150)
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200)}
		}, []string{"200"}},
		{"EMS, last sign-in 91 days ago", func(r *licenceRow) {
			r.part, r.workloads, r.inSignIn = "EMS", []string{"SignIn"}, true
			r.lastActivity = map[string]time.Time{"SignIn": daysBefore(91)}
		}, []string{"91"}},
		{"a suite idle on its workloads, signed in yesterday: kept active", func(r *licenceRow) {
			r.workloads, r.inSignIn = []string{"Exchange", "SignIn"}, true
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200), "SignIn": daysBefore(1)}
		}, nil},
		{"a sign-in after as_of counts as today", func(r *licenceRow) {
			r.part, r.workloads, r.inSignIn = "EMS", []string{"SignIn"}, true
			r.lastActivity = map[string]time.Time{"SignIn": asOf.AddDate(0, 0, 1)}
		}, nil},
		{"concealed: a sign-in 100 days ago judges, the report does not", func(r *licenceRow) {
			r.workloads, r.inSignIn, r.concealed = []string{"Exchange", "SignIn"}, true, true
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(1), "SignIn": daysBefore(100)}
		}, []string{"100"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			mustExec(t, db, "SET TimeZone = 'America/New_York'")
			createRules(t, db, 90, 30)
			createLicenceRows(t, db, withDefaults(tc.change))
			runModels(t, db, "utc_date", "stg_license_activity", "stg_reason_inactive")
			got := strs(t, db, "SELECT CAST(idle_days AS VARCHAR) FROM stg_reason_inactive")
			if !slices.Equal(got, tc.want) {
				t.Errorf("inactive rows (idle_days): got %v, want %v", got, tc.want)
			}
		})
	}
}
