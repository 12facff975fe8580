package check

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckRoles(t *testing.T) {
	needed := []string{"User.Read.All", "Organization.Read.All", "Reports.Read.All", "ReportSettings.Read.All"}
	for _, tt := range []struct {
		name  string
		roles []string
		ok    bool
		want  []string
	}{
		{"the needed ones", needed, true, []string{
			"ok    permission User.Read.All", "ok    permission Reports.Read.All",
			"warn  permission GroupMember.Read.All missing: names of licensing groups will be empty",
			"warn  permission LicenseAssignment.ReadWrite.All missing: needed only for reclaim, assign and plans with --apply",
			"warn  permission User.ReadWrite.All missing: assign cannot fill in a missing usage location",
			"warn  permission GroupMember.ReadWrite.All missing: needed only for reclaim apply --group-membership",
			"granted: User.Read.All, Organization.Read.All"}},
		{"GroupMember.ReadWrite.All for --group-membership", append(slices.Clone(needed), "GroupMember.ReadWrite.All"), true, []string{
			"ok    permission GroupMember.ReadWrite.All"}},
		{"User.ReadWrite.All grants licence changes and usage locations", append(slices.Clone(needed), "User.ReadWrite.All"), true, []string{
			"ok    permission LicenseAssignment.ReadWrite.All", "ok    permission User.ReadWrite.All"}},
		{"broader ones imply them", []string{"Directory.ReadWrite.All", "Reports.Read.All", "ReportSettings.ReadWrite.All"}, true, []string{
			"ok    permission User.Read.All", "ok    permission Organization.Read.All", "ok    permission GroupMember.Read.All",
			"ok    permission LicenseAssignment.ReadWrite.All", "ok    permission ReportSettings.Read.All",
			"ok    permission GroupMember.ReadWrite.All"}},
		{"a needed one missing", needed[:3], false, []string{"FAIL  permission ReportSettings.Read.All: missing (needed for the report concealment setting)"}},
		{"none", nil, false, []string{"FAIL  permission User.Read.All", "FAIL  permission Reports.Read.All"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if ok := checkRoles(&b, tt.roles); ok != tt.ok {
				t.Errorf("got %v, want %v", ok, tt.ok)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			if tt.roles == nil && strings.Contains(b.String(), "granted:") {
				t.Errorf("no roles, yet a granted line:\n%s", b.String())
			}
		})
	}
}

func TestCheckSignals(t *testing.T) {
	for _, tt := range []struct {
		name           string
		roles, signals []string
		want           []string
	}{
		{"granted", []string{"Reports.Read.All"}, []string{"copilot_usage", "mailbox_usage"}, []string{
			"  ok    signal copilot_usage: Microsoft 365 Copilot usage report (Reports.Read.All)\n",
			"  ok    signal mailbox_usage: mailbox usage report (Reports.Read.All)\n"}},
		{"missing", []string{"User.Read.All"}, []string{"apps_usage"}, []string{
			"  warn  signal apps_usage: Microsoft 365 Apps usage report needs Reports.Read.All; without it each run is degraded and the signal ignored\n"}},
		{"sign-ins granted", []string{"AuditLog.Read.All"}, []string{"signin_activity"}, []string{
			"  ok    signal signin_activity: users' signInActivity (AuditLog.Read.All; the tenant also needs Entra ID P1 or P2)\n"}},
		{"sign-ins missing: a finding, not a degraded run", []string{"Reports.Read.All"}, []string{"powerbi_signins"}, []string{
			"  warn  signal powerbi_signins: Power BI sign-ins from the Entra sign-in logs needs AuditLog.Read.All; the tenant also needs Entra ID P1 or P2; without them the signal is ignored and each run records a finding\n"}},
		{"none configured", []string{"Reports.Read.All"}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			checkSignals(&b, tt.roles, tt.signals)
			if got, want := b.String(), strings.Join(tt.want, ""); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
