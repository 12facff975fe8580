package load_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

// perNight is the statement that copies relation r into a table
// per_night as an older layout had it: without the columns of 0009.
func perNight(r string) string {
	if r == "raw_users" || r == "mart_user_licenses_history" {
		return "CREATE TABLE per_night AS SELECT * EXCLUDE (" + strings.Join(onPremColumns, ", ") + ") FROM " + r
	}
	return "CREATE TABLE per_night AS FROM " + r
}

// dropOnPrem drops the columns of 0009 from tables.
// latestAsTable turns mart_user_licenses back into the table it was
// before migration 0015 (with its rows) and unrecords 0015: the first
// statements of a layout older than that.
var latestAsTable = []string{
	"CREATE TABLE latest_copy AS SELECT * FROM mart_user_licenses",
	"DROP VIEW mart_user_licenses",
	"ALTER TABLE latest_copy RENAME TO mart_user_licenses",
	"DELETE FROM schema_migrations WHERE version = 15",
}

func dropOnPrem(tables ...string) []string {
	var out []string
	for _, t := range tables {
		for _, c := range onPremColumns {
			out = append(out, "ALTER TABLE "+t+" DROP COLUMN "+c)
		}
	}
	return out
}

// wantNoOnPrem checks that no relation holds an on-premises value: what a
// warehouse upgraded from a layout before 0009 must show for its past.
func wantNoOnPrem(t *testing.T, w *load.Warehouse) {
	t.Helper()
	for _, r := range []string{"raw_users", "mart_user_licenses", "mart_user_licenses_history"} {
		got := queryRow(t, w, "SELECT count(*), count(on_premises_distinguished_name), count(on_premises_sync_enabled) FROM "+r)
		if got[0].(int64) == 0 || got[1].(int64) != 0 || got[2].(int64) != 0 {
			t.Errorf("%s after the upgrade: rows, DNs, sync flags: got %v, want rows and no on-premises value", r, got)
		}
	}
}

// TestUpgradeToOnPremises opens a warehouse written before migration 0009
// (rebuilt from a current one: the columns dropped, the migration
// unrecorded, a users delta state stored): read-only, the reclaim reads
// work and know no DN; opened for writing, it gains the columns, reads
// exactly as before with NULL in them, forgets the delta state (so that
// the next run reads every user in full), and the next snapshot stores
// the DNs while the past stays as reported.
func TestUpgradeToOnPremises(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	writeFullSnapshot(t, w, "contoso", day1, "run-1", genUsers(0, 100))
	writeFullSnapshot(t, w, "fabrikam", day1, "run-2", genUsers(500, 40))
	before := dumpRelations(t, w, onPremColumns...)
	stmts := append(append(slices.Clone(latestAsTable), dropOnPrem("raw_users_versions", "mart_user_licenses_history_versions", "mart_user_licenses")...),
		"DELETE FROM schema_migrations WHERE version = 9",
		`INSERT INTO user_delta_state VALUES ('contoso', 'https://graph.example/v1.0/users/delta?$deltatoken=x', DATE '2025-03-01', TIMESTAMPTZ '2025-03-01 01:00:00Z', TIMESTAMPTZ '2025-03-01 01:00:00Z')`)
	for _, q := range stmts {
		if _, err := w.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	ro := mustOpenReadOnly(t, path)
	cands, err := ro.ReclaimCandidates(ctx, load.CandidateFilter{})
	if err != nil || len(cands) == 0 {
		t.Fatalf("ReclaimCandidates of a warehouse before 0009: got %d, %v; want candidates", len(cands), err)
	}
	lic, err := ro.UserLicencesOf(ctx, []string{cands[0].UserID}, nil)
	if err != nil || len(lic) == 0 {
		t.Fatalf("UserLicencesOf of a warehouse before 0009: got %d, %v; want licences", len(lic), err)
	}
	if cands[0].OnPremisesDistinguishedName != "" || lic[0].OnPremisesDistinguishedName != "" || cands[0].UsageLocation != "GB" {
		t.Errorf("before 0009: got DN %q and %q, usage location %q; want no DN and GB",
			cands[0].OnPremisesDistinguishedName, lic[0].OnPremisesDistinguishedName, cands[0].UsageLocation)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	up := mustOpenPath(t, path)
	after := dumpRelations(t, up, onPremColumns...)
	for _, r := range upgradeRelations {
		if after[r] != before[r] {
			t.Errorf("%s after the upgrade: got rows (+) that differ (-):\n%s", r, diffText(after[r], before[r]))
		}
	}
	wantNoOnPrem(t, up)
	if _, ok, err := up.UserDeltaState(ctx, "contoso"); ok || err != nil {
		t.Errorf("users delta state after the upgrade: got ok %v, err %v; want none (the next run reads users in full)", ok, err)
	}

	writeFullSnapshot(t, up, "contoso", day2, "run-3", genUsers(0, 100))
	for _, tc := range []struct {
		query string
		want  []any
	}{
		// genUsers: users 0-99, three in five synced, one in five no longer.
		{"SELECT count(on_premises_distinguished_name), count(*) FILTER (WHERE on_premises_sync_enabled) FROM raw_users WHERE tenant = 'contoso' AND snapshot_date = DATE '2025-03-02'",
			[]any{int64(80), int64(60)}},
		{"SELECT count(on_premises_distinguished_name) FROM raw_users WHERE snapshot_date = DATE '2025-03-01'", []any{int64(0)}},
		{"SELECT count(DISTINCT user_id) FILTER (WHERE on_premises_distinguished_name LIKE 'CN=Firstname Lastname %,OU=Users,DC=contoso,DC=com' OR on_premises_distinguished_name LIKE 'CN=Firstname Lastname %,OU=%,OU=Users,DC=contoso,DC=com'), count(DISTINCT user_id) FILTER (WHERE on_premises_sync_enabled) FROM mart_user_licenses WHERE tenant = 'contoso'",
			[]any{int64(80), int64(60)}},
		{"SELECT count(on_premises_distinguished_name) FROM mart_user_licenses_history WHERE snapshot_date = DATE '2025-03-01'", []any{int64(0)}},
	} {
		if got := queryRow(t, up, tc.query); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	// A user's DN, as the next snapshot read it, is a new version from day2.
	got := queryRow(t, up, "SELECT min(valid_from), count(*) FROM raw_users_versions WHERE tenant = 'contoso' AND on_premises_distinguished_name IS NOT NULL")
	if d, _ := got[0].(time.Time); !d.Equal(day2) || got[1].(int64) != 80 {
		t.Errorf("raw_users_versions with a DN: got from %v, %v rows; want from %s, 80", got[0], got[1], day2.Format(time.DateOnly))
	}
	if !slices.Contains(load.ReportMarts(), "mart_user_licenses") {
		t.Fatal("mart_user_licenses is not a report mart")
	}
	shape, err := up.MartShape(ctx, "mart_user_licenses")
	if err != nil || !slices.Equal(shape.Columns[len(shape.Columns)-2:], onPremColumns) {
		t.Errorf("mart_user_licenses columns: got %v (%v), want the on-premises columns last", shape.Columns, err)
	}
}
