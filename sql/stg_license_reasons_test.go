package sql_test

import (
	"slices"
	"testing"
	"time"
)

// TestLicenseReasonsOrder pins how transform/49_stg_license_reasons.sql
// combines the reason models: reasons lists every reason that holds, in
// priority order (disabled_account, guest_licensed, redundant, never_used,
// inactive), and a row no reason holds for is kept with an empty list.
func TestLicenseReasonsOrder(t *testing.T) {
	db := mustOpenDB(t)
	createRules(t, db, 90, 30)
	mustExec(t, db, "CREATE TEMP TABLE stg_sku_planset (tenant VARCHAR, snapshot_date DATE, sku_id VARCHAR, plan_ids VARCHAR[])")
	mustExec(t, db, `INSERT INTO stg_sku_planset VALUES ('t', ?, 'sku-e3', ['a', 'b']), ('t', ?, 'sku-e5', ['a', 'b', 'c'])`,
		asOf.AddDate(0, 0, 2), asOf.AddDate(0, 0, 2))
	mustExec(t, db, "CREATE TEMP TABLE ref_sku_contains (container VARCHAR, contained VARCHAR)")
	mustExec(t, db, "CREATE TEMP TABLE stg_user_groups (tenant VARCHAR, snapshot_date DATE, user_id VARCHAR, groups VARCHAR[])")
	mustExec(t, db, "CREATE TEMP TABLE raw_subscriptions (tenant VARCHAR, snapshot_date DATE, sku_id VARCHAR, status VARCHAR, next_lifecycle_date_time TIMESTAMPTZ)")
	mustExec(t, db, "CREATE TEMP TABLE param_exclusions (kind VARCHAR, value VARCHAR, reason VARCHAR, until DATE)")
	guest := func(r *licenceRow) { r.accountEnabled, r.userType = ptr(false), "Guest" }
	createLicenceRows(t, db,
		// u1: a disabled guest holding E3 beside E5, idle for 200 days.
		withDefaults(func(r *licenceRow) {
			guest(r)
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200)}
		}),
		withDefaults(func(r *licenceRow) {
			guest(r)
			r.sku, r.part = "sku-e5", "SPE_E5"
			r.lastActivity = map[string]time.Time{"Exchange": daysBefore(200)}
		}),
		// u2: a disabled member in the report who never used E3.
		withDefaults(func(r *licenceRow) {
			r.user, r.accountEnabled, r.lastActivity = "u2", ptr(false), nil
		}),
		// u3: an active member.
		withDefaults(func(r *licenceRow) { r.user = "u3" }),
	)
	runModels(t, db, "utc_date", "stg_license_activity", "stg_reason_disabled_account", "stg_reason_guest_licensed",
		"stg_sku_subsets", "stg_reason_redundant", "stg_reason_never_used", "stg_reason_inactive", "stg_license_reasons")
	got := strs(t, db, "SELECT user_id || '/' || sku_id || ' ' || CAST(reasons AS VARCHAR) FROM stg_license_reasons ORDER BY ALL")
	want := []string{
		"u1/sku-e3 [disabled_account, guest_licensed, redundant, inactive]",
		"u1/sku-e5 [disabled_account, guest_licensed, inactive]",
		"u2/sku-e3 [disabled_account, never_used]",
		"u3/sku-e3 []",
	}
	if !slices.Equal(got, want) {
		t.Errorf("reasons:\ngot  %q\nwant %q", got, want)
	}
}
