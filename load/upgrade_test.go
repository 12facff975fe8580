package load_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
	"github.com/seatledger/seatledger/transform"
)

// upgradeRelations are every mart, _history and summary relation that
// both layouts have, with stg_snapshots.
var upgradeRelations = []string{
	"mart_license_inventory", "mart_user_licenses", "mart_reclamation_candidates", "mart_reclamation_excluded",
	"mart_spend", "mart_renewals", "mart_findings", "mart_utilization_history",
	"mart_license_inventory_history", "mart_user_licenses_history", "mart_reclamation_candidates_history",
	"mart_spend_history", "mart_renewals_history", "mart_findings_history",
	"mart_summary_kpis", "mart_summary_idle_cost", "stg_snapshots",
	"raw_users", "raw_user_licenses", "raw_license_assignment_states", "raw_subscribed_skus", "raw_sku_service_plans",
	"raw_subscriptions", "raw_subscription_service_plans", "raw_report_settings", "raw_groups", "raw_group_licenses",
	"raw_usage_report", "raw_dataset_status",
}

// onPremColumns are the columns of migration 0009, newer than the
// layouts these tests rebuild: left out of their comparisons, and NULL
// after an upgrade (what an older seatledger never read).
var onPremColumns = []string{"on_premises_distinguished_name", "on_premises_sync_enabled"}

// newerColumns are every column later migrations added to the relations
// compared: limit_units (0008) and the on-premises columns (0009).
var newerColumns = append([]string{"limit_units"}, onPremColumns...)

// TestUpgradeFromViewLayout turns a warehouse of the layout before
// migration 0004 (marts as views over every raw snapshot, the SQL of that
// time kept in testdata/layout-0003) into the materialised layout, and
// checks that every mart reports exactly what the views reported.
func TestUpgradeFromViewLayout(t *testing.T) {
	w, path := mustOpen(t)
	// Prices and an exclusion, so that every relation has rows to compare.
	params := paramsWith(t, transform.Rules{InactivityDays: 90, GraceDays: 30,
		Exclusions: []transform.Exclusion{{Department: "Legal", Reason: "legal hold"}}},
		transform.Pricing{Currency: "USD", FX: map[string]float64{"EUR": 1.08}, Prices: []transform.Price{
			{SKU: "SPE_E3", UnitPrice: 36, Currency: "USD", Billing: "monthly", Term: "annual"},
			{SKU: "ENTERPRISEPACK", UnitPrice: 23, Currency: "EUR", Billing: "monthly", Term: "monthly"},
			{SKU: "EXCHANGESTANDARD", UnitPrice: 4.8, Currency: "USD", Billing: "monthly", Term: "monthly"},
		}})
	if err := w.ReplaceParams(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	writeFullSnapshot(t, w, "contoso", day2, "run-2", genUsers(0, 130))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(500, 40))
	materialised := dumpRelations(t, w, newerColumns...)
	downgrade(t, w)
	views := dumpRelations(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range upgradeRelations {
		if materialised[r] != views[r] {
			t.Errorf("%s: the materialised marts differ from the views of layout 0003:\n%s", r, diffText(materialised[r], views[r]))
		}
	}

	up := mustOpenPath(t, path)
	// limit_units (0008) and the on-premises columns (0009) are newer than
	// layout 0003: left out here, and null after the upgrade (no
	// tenants[].limits in these parameters, no on-premises data in 0003).
	upgraded := dumpRelations(t, up, newerColumns...)
	if got := queryRow(t, up, "SELECT count(*), count(limit_units) FROM mart_license_inventory_history"); fmt.Sprint(got) == fmt.Sprint([]any{int64(0), int64(0)}) || got[1].(int64) != 0 {
		t.Errorf("mart_license_inventory_history after the upgrade: rows, limit_units set: got %v, want rows and none set", got)
	}
	wantNoOnPrem(t, up)
	for _, r := range upgradeRelations {
		if upgraded[r] != views[r] {
			t.Errorf("%s after the upgrade: got rows (+) that differ from the views (-):\n%s", r, diffText(upgraded[r], views[r]))
		}
		if strings.HasSuffix(upgraded[r], "\n\n") && (!strings.HasPrefix(r, "raw_") || r == "raw_users") {
			t.Errorf("%s after the upgrade: no rows, so the comparison proves nothing", r)
		}
	}
	got := queryRow(t, up, "SELECT count(*), count(DISTINCT rebuild_id), bool_and(starts_with(rebuild_id, 'upgrade-') AND status = 'ok' AND NOT dry_run) FROM mart_rebuilds")
	if want := []any{int64(3), int64(1), true}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("mart_rebuilds after the upgrade: got %v, want %v (three snapshots, one upgrade)", got, want)
	}
	// A second open finds nothing left to do.
	if err := up.Close(); err != nil {
		t.Fatal(err)
	}
	again := mustOpenPath(t, path)
	if got := queryRow(t, again, "SELECT count(*) FROM mart_rebuilds"); fmt.Sprint(got) != "[3]" {
		t.Errorf("mart_rebuilds after a second open: got %v, want [3]", got)
	}
}

// TestUpgradeToMartVersions turns a warehouse whose per-user _history
// marts are tables with a copy per snapshot (layout 0005) into versions,
// and checks that they read exactly as before.
func TestUpgradeToMartVersions(t *testing.T) {
	w, path := mustOpen(t)
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	writeFullSnapshot(t, w, "contoso", day2, "run-2", genUsers(20, 130))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-3", genUsers(500, 40))
	before := dumpRelations(t, w, onPremColumns...)
	// Layout 0005 had neither the per-user mart versions nor the columns
	// of 0009.
	stmts := append(slices.Clone(latestAsTable), "DELETE FROM schema_migrations WHERE version >= 6")
	for _, h := range []string{"mart_user_licenses_history", "mart_reclamation_candidates_history", "mart_reclamation_excluded_history"} {
		stmts = append(stmts, perNight(h), "DROP VIEW "+h, "DROP TABLE "+h+"_versions", "DROP TABLE "+h+"_nightly", "ALTER TABLE per_night RENAME TO "+h)
	}
	stmts = append(stmts, dropOnPrem("raw_users_versions", "mart_user_licenses")...)
	for _, q := range stmts {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	up := mustOpenPath(t, path)
	after := dumpRelations(t, up, onPremColumns...)
	wantNoOnPrem(t, up)
	for _, r := range upgradeRelations {
		if after[r] != before[r] {
			t.Errorf("%s after the upgrade: got rows (+) that differ (-):\n%s", r, diffText(after[r], before[r]))
		}
	}
	got := queryRow(t, up, `SELECT (SELECT count(*) FROM mart_user_licenses_history),
		(SELECT count(*) FROM mart_user_licenses_history_versions), (SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'legacy_'))`)
	if got[0].(int64) < 200 || got[1].(int64) >= got[0].(int64) || got[2].(int64) != 0 {
		t.Errorf("rows, versions, legacy tables: got %v, want over 200 rows in fewer versions and no legacy table", got)
	}
}

// downgrade turns w back into layout 0003: the raw relations become
// tables with a copy of every row per snapshot again, the objects of
// migrations 0004 and 0005 and the read-side views go, and the transforms
// of that time create their views.
func downgrade(t *testing.T, w *load.Warehouse) {
	t.Helper()
	ctx := context.Background()
	var stmts []string
	for _, r := range []string{"raw_users", "raw_user_licenses", "raw_license_assignment_states", "raw_subscribed_skus",
		"raw_sku_service_plans", "raw_subscriptions", "raw_subscription_service_plans", "raw_report_settings", "raw_groups",
		"raw_group_licenses", "raw_usage_report", "raw_dataset_status"} {
		stmts = append(stmts, perNight(r), "DROP VIEW "+r, "DROP TABLE "+r+"_versions", "ALTER TABLE per_night RENAME TO "+r)
	}
	stmts = append(stmts, "DROP TABLE raw_usage_report_nightly")
	stmts = append(stmts, "DROP VIEW stg_snapshots", "DROP VIEW mart_summary_kpis", "DROP VIEW mart_summary_idle_cost",
		"DROP TABLE snapshot_facts", "DROP TABLE mart_rebuilds", "DELETE FROM schema_migrations WHERE version >= 4")
	for _, m := range []string{"mart_license_inventory", "mart_user_licenses", "mart_reclamation_candidates",
		"mart_reclamation_excluded", "mart_spend", "mart_renewals", "mart_findings"} {
		if m == "mart_user_licenses" || m == "mart_reclamation_candidates" || m == "mart_reclamation_excluded" {
			drop := "DROP TABLE " + m
			if m == "mart_user_licenses" { // a view since migration 0015
				drop = "DROP VIEW " + m
			}
			stmts = append(stmts, drop, "DROP VIEW "+m+"_history", "DROP TABLE "+m+"_history_versions", "DROP TABLE "+m+"_history_nightly")
			continue
		}
		stmts = append(stmts, "DROP TABLE "+m, "DROP TABLE "+m+"_history")
	}
	stmts = append(stmts, "DROP TABLE mart_utilization_history")
	for _, dir := range []string{"transform", "marts"} {
		files, err := filepath.Glob(filepath.Join("testdata", "layout-0003", dir, "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("layout-0003 %s: %v", dir, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			stmts = append(stmts, string(b))
		}
	}
	for _, q := range stmts {
		if _, err := w.SQLForTests().ExecContext(ctx, q); err != nil {
			t.Fatalf("downgrade: %.60s: %v", q, err)
		}
	}
}

// dumpRelations renders every upgradeRelations relation as sorted lines;
// amounts with two decimals, whether DOUBLE (layout 0003) or DECIMAL.
// dumpRelations dumps every upgrade relation as sorted CSV text, without
// the columns named in skip (columns later migrations added, which an
// older layout lacks).
func dumpRelations(t *testing.T, w *load.Warehouse, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range upgradeRelations {
		var header string
		var lines []string
		err := w.Stream(context.Background(), "SELECT * FROM "+r, nil, func(cols []string, vals []any) error {
			var names, cells []string
			for i, v := range vals {
				if !slices.Contains(skip, cols[i]) {
					names, cells = append(names, cols[i]), append(cells, dumpCell(v))
				}
			}
			header = strings.Join(names, ",")
			lines = append(lines, strings.Join(cells, ","))
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		sort.Strings(lines)
		out[r] = header + "\n" + strings.Join(lines, "\n") + "\n"
	}
	return out
}

func dumpCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprintf("%.2f", x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// diffText lists the lines only in got (+) and only in want (-).
func diffText(got, want string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	var out []string
	for _, l := range strings.Split(got, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		out = append(out, "+ "+l)
	}
	for l, n := range count {
		for ; n > 0; n-- {
			out = append(out, "- "+l)
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("... %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
