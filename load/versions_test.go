package load_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// night is what one snapshot of the versions test writes: users by id
// with a department, and usage report rows (upn, Teams last activity).
type versionNight struct {
	users  map[string]string
	report [][2]string
}

// writeVersionNight commits n as tenant's snapshot of date.
func writeVersionNight(t *testing.T, w *load.Warehouse, tenant string, date time.Time, runID string, n versionNight) {
	t.Helper()
	s, err := w.BeginSnapshot(context.Background(), tenant, date, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Rollback()
	var users []extract.User
	for _, id := range slices.Sorted(maps.Keys(n.users)) {
		users = append(users, extract.User{ID: id, UserPrincipalName: id + "@contoso.com", Department: n.users[id],
			AccountEnabled: true, AssignedLicenses: []extract.AssignedLicense{{SkuID: skuIDs[0]}}})
	}
	if err := s.AppendUsers(users); err != nil {
		t.Fatal(err)
	}
	for _, r := range n.report {
		row := extract.ActivityRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: r[0], AssignedProducts: "MICROSOFT 365 E3"}
		row.HasLicense[5] = true
		if r[1] != "" {
			row.LastActivityDate[5], _ = time.Parse(time.DateOnly, r[1])
		}
		if err := s.AppendActivity("D7", row); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendSKUs(testSKUs()); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("ok"); err != nil {
		t.Fatalf("commit %s: %v", date.Format(time.DateOnly), err)
	}
}

// renderNight is n as the raw relations must show it.
func renderNight(n versionNight) string {
	var users, report []string
	for id, dept := range n.users {
		users = append(users, id+":"+dept)
	}
	for _, r := range n.report {
		report = append(report, r[0]+":"+r[1])
	}
	slices.Sort(users)
	slices.Sort(report)
	return strings.Join(users, ",") + " | " + strings.Join(report, ",")
}

// readNight renders what the raw relations show for tenant on date.
func readNight(t *testing.T, w *load.Warehouse, tenant string, date time.Time) string {
	t.Helper()
	got := queryRow(t, w, `SELECT
		coalesce((SELECT string_agg(id || ':' || department, ',' ORDER BY id || ':' || department) FROM raw_users WHERE tenant = ? AND snapshot_date = ?), ''),
		coalesce((SELECT string_agg(user_principal_name || ':' || coalesce(teams_last_activity_date::VARCHAR, ''), ',' ORDER BY user_principal_name || ':' || coalesce(teams_last_activity_date::VARCHAR, ''))
			FROM raw_usage_report WHERE tenant = ? AND snapshot_date = ?), '')`, tenant, date, tenant, date)
	return fmt.Sprintf("%v | %v", got[0], got[1])
}

// TestVersionsReproduceEveryNight writes nights in order, out of order and
// again on the same day, and checks after every step that every stored
// snapshot reads back exactly as it was last written, and that unchanged
// rows are stored once.
func TestVersionsReproduceEveryNight(t *testing.T) {
	w, _ := mustOpen(t)
	d := func(n int) time.Time { return day1.AddDate(0, 0, n) }
	base := versionNight{users: map[string]string{"a": "Sales", "b": "Legal", "c": "IT"},
		report: [][2]string{{"a@contoso.com", "2025-02-20"}, {"b@contoso.com", ""}, {"c@contoso.com", "2025-01-01"}}}
	changed := versionNight{users: map[string]string{"a": "Sales", "b": "Finance", "d": "IT"},
		report: [][2]string{{"a@contoso.com", "2025-02-21"}, {"b@contoso.com", ""}, {"d@contoso.com", ""}}}
	// Two report rows alike in every stable column, with different activity.
	dupes := versionNight{users: map[string]string{"a": "Sales"},
		report: [][2]string{{"a@contoso.com", "2025-02-22"}, {"a@contoso.com", "2025-02-23"}, {"a@contoso.com", "2025-02-23"}}}
	steps := []struct {
		name string
		date time.Time
		n    versionNight
		// versions is the number of raw_users versions of the tenant after the step.
		versions int64
	}{
		{"first night", d(0), base, 3},
		{"same again", d(1), base, 3},
		{"b moves, c leaves, d joins", d(2), changed, 5},
		{"same-day re-run undoes the change", d(2), base, 3},
		{"and redoes it", d(2), changed, 5},
		{"a later night", d(4), changed, 5},
		{"a night between two stored ones", d(3), base, 9},
		{"the first night rewritten", d(0), changed, 11},
		{"report rows alike but for activity", d(5), dupes, 11},
	}
	written := map[time.Time]versionNight{}
	for i, st := range steps {
		writeVersionNight(t, w, "contoso", st.date, fmt.Sprintf("run-%d", i), st.n)
		written[st.date] = st.n
		for date, n := range written {
			if got, want := readNight(t, w, "contoso", date), renderNight(n); got != want {
				t.Errorf("after %q, %s: got %q, want %q", st.name, date.Format(time.DateOnly), got, want)
			}
		}
		if got := queryRow(t, w, "SELECT count(*) FROM raw_users_versions WHERE tenant = 'contoso'")[0]; got != st.versions {
			t.Errorf("after %q: got %v raw_users versions, want %d", st.name, got, st.versions)
		}
	}
	// Every night shares the unchanged licence row of a: one version.
	if got := queryRow(t, w, "SELECT count(*) FROM raw_user_licenses_versions WHERE user_id = 'a'")[0]; got != int64(1) {
		t.Errorf("licence versions of a: got %v, want 1", got)
	}

	// A tenant whose first night has rows alike: each is a version of its
	// own, and later nights match them one to one.
	for i, date := range []time.Time{d(0), d(1), d(1), d(2)} {
		writeVersionNight(t, w, "fabrikam", date, fmt.Sprintf("alike-%d", i), dupes)
		if got, want := readNight(t, w, "fabrikam", date), renderNight(dupes); got != want {
			t.Errorf("alike rows, night %d: got %q, want %q", i, got, want)
		}
	}
	if got := queryRow(t, w, `SELECT (SELECT count(*) FROM raw_usage_report_versions WHERE tenant = 'fabrikam'),
		(SELECT count(*) FROM raw_usage_report_nightly WHERE tenant = 'fabrikam')`); fmt.Sprint(got) != "[3 9]" {
		t.Errorf("alike rows: got %v versions and nightly rows, want [3 9]", got)
	}

	t.Run("prune keeps the rest exact", func(t *testing.T) {
		if _, err := w.Prune(context.Background(), 1, d(2).AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
		for date, n := range written {
			want := renderNight(n)
			if date.Before(d(2)) {
				want = " | "
			}
			if got := readNight(t, w, "contoso", date); got != want {
				t.Errorf("after prune, %s: got %q, want %q", date.Format(time.DateOnly), got, want)
			}
		}
		got := queryRow(t, w, `SELECT (SELECT count(*) FROM raw_users_versions WHERE valid_to <= ?),
			(SELECT count(*) FROM raw_usage_report_nightly WHERE snapshot_date < ?)`, d(2), d(2))
		if fmt.Sprint(got) != "[0 0]" {
			t.Errorf("versions ended before and nightly rows of pruned nights: got %v, want [0 0]", got)
		}
	})
}
