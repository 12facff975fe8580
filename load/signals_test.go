package load_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/load"
)

// signalRelations are the raw relations of the usage signals, with their
// datasets (raw_dataset_status.dataset).
var signalRelations = []struct{ dataset, relation string }{
	{"copilot_usage", "raw_copilot_usage"},
	{"apps_usage", "raw_apps_usage"},
	{"office_activations", "raw_office_activations"},
	{"mailbox_usage", "raw_mailbox_usage"},
}

// ymd is the date d of March 2025 (0 and below: February).
func ymd(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }

// streamRows reads query's rows with their column names.
func streamRows(t *testing.T, w *load.Warehouse, query string, args ...any) (cols []string, rows [][]any) {
	t.Helper()
	err := w.Stream(context.Background(), query, args, func(c []string, vals []any) error {
		cols = c
		rows = append(rows, slices.Clone(vals))
		return nil
	})
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	if cols == nil {
		if cols, err = w.Columns(context.Background(), query); err != nil {
			t.Fatalf("columns of %q: %v", query, err)
		}
	}
	return cols, rows
}

// TestAppendSignalsRoundTrip appends a full row and a sparse one (Unknown
// flags, unknown counts, zero dates, empty strings) to each usage signal,
// and reads them back through the raw_ view, every column by name: the
// sparse row's are NULL but for the snapshot key and the period.
func TestAppendSignalsRoundTrip(t *testing.T) {
	refresh := ymd(-1) // 2025-02-27
	apps := extract.AppsUsageRow{ReportRefreshDate: refresh, UserPrincipalName: "a@contoso.com",
		LastActivationDate: ymd(-100), LastActivityDate: ymd(-3), ReportPeriod: "180",
		Platform: [4]extract.Tri{extract.Yes, extract.No, extract.Unknown, extract.Yes},
		App:      [6]extract.Tri{extract.Yes, extract.No, extract.Yes, extract.No, extract.Unknown, extract.Yes}}
	// Two cells only, to catch an app × platform transposed.
	apps.AppPlatform[1][3], apps.AppPlatform[5][0] = extract.Yes, extract.No // Word (Web), Teams (Windows)
	copilot := extract.CopilotUsageRow{ReportRefreshDate: refresh, UserPrincipalName: "a@contoso.com",
		DisplayName: "A", LastActivityDate: ymd(-2), ReportPeriod: "90"}
	for i := range copilot.AppLastActivity {
		copilot.AppLastActivity[i] = ymd(-10 - i)
	}
	copilot.AppLastActivity[6] = time.Time{} // OneNote Copilot never used
	known := func(n int64) extract.Count { return extract.Count{N: n, Known: true} }
	tests := []struct {
		name, relation string
		columns        int // in the view, the key included
		full, sparse   func(*load.Snapshot) error
		counts         load.SnapshotCounts
		// want and wantSparse are the rows by column, but for the snapshot
		// key; columns they do not name must be NULL.
		want, wantSparse map[string]any
	}{
		{
			name: "copilot usage", relation: "raw_copilot_usage", columns: 16,
			wantSparse: map[string]any{"report_period": "ALL"},
			full:       func(s *load.Snapshot) error { return s.AppendCopilotUsage("D90", copilot) },
			sparse:     func(s *load.Snapshot) error { return s.AppendCopilotUsage("ALL", extract.CopilotUsageRow{}) },
			counts:     load.SnapshotCounts{CopilotRows: 2},
			want: map[string]any{"report_period": "D90", "report_refresh_date": refresh, "user_principal_name": "a@contoso.com",
				"display_name": "A", "last_activity_date": ymd(-2),
				"copilot_chat_last_activity_date": ymd(-10), "teams_copilot_last_activity_date": ymd(-11),
				"word_copilot_last_activity_date": ymd(-12), "excel_copilot_last_activity_date": ymd(-13),
				"powerpoint_copilot_last_activity_date": ymd(-14), "outlook_copilot_last_activity_date": ymd(-15),
				"loop_copilot_last_activity_date": ymd(-17)},
		},
		{
			name: "apps usage", relation: "raw_apps_usage", columns: 42,
			wantSparse: map[string]any{"report_period": "D7"},
			full:       func(s *load.Snapshot) error { return s.AppendAppsUsage("D180", apps) },
			sparse:     func(s *load.Snapshot) error { return s.AppendAppsUsage("D7", extract.AppsUsageRow{}) },
			counts:     load.SnapshotCounts{AppsRows: 2},
			want: map[string]any{"report_period": "D180", "report_refresh_date": refresh, "user_principal_name": "a@contoso.com",
				"last_activation_date": ymd(-100), "last_activity_date": ymd(-3),
				"windows": true, "mac": false, "web": true,
				"outlook": true, "word": false, "excel": true, "powerpoint": false, "teams": true,
				"word_web": true, "teams_windows": false},
		},
		{
			name: "office activations", relation: "raw_office_activations", columns: 14,
			full: func(s *load.Snapshot) error {
				return s.AppendActivation(extract.ActivationRow{ReportRefreshDate: refresh, UserPrincipalName: "a@contoso.com",
					DisplayName: "A", ProductType: "MICROSOFT 365 APPS FOR ENTERPRISE", LastActivatedDate: ymd(-40),
					Windows: known(2), Mac: known(0), Windows10Mobile: known(0), IOS: known(1), Android: known(3),
					ActivatedOnSharedComputer: extract.No})
			},
			sparse: func(s *load.Snapshot) error { return s.AppendActivation(extract.ActivationRow{}) },
			counts: load.SnapshotCounts{ActivationRows: 2},
			want: map[string]any{"report_refresh_date": refresh, "user_principal_name": "a@contoso.com", "display_name": "A",
				"product_type": "MICROSOFT 365 APPS FOR ENTERPRISE", "last_activated_date": ymd(-40),
				"windows": int64(2), "mac": int64(0), "windows10_mobile": int64(0), "ios": int64(1), "android": int64(3),
				"activated_on_shared_computer": false},
		},
		{
			name: "mailbox usage", relation: "raw_mailbox_usage", columns: 21,
			// Is Deleted is a plain flag (extract.MailboxUsageRow).
			wantSparse: map[string]any{"report_period": "D30", "is_deleted": false},
			full: func(s *load.Snapshot) error {
				return s.AppendMailboxUsage("D7", extract.MailboxUsageRow{ReportRefreshDate: refresh,
					UserPrincipalName: "a@contoso.com", DisplayName: "A", IsDeleted: true, DeletedDate: ymd(-5),
					CreatedDate: ymd(-700), LastActivityDate: ymd(-6), ItemCount: known(1200),
					StorageUsedBytes: known(5 << 30), IssueWarningQuotaBytes: known(98 << 30),
					ProhibitSendQuotaBytes: known(99 << 30), ProhibitSendReceiveBytes: known(100 << 30),
					DeletedItemCount: known(0), DeletedItemSizeBytes: known(7), DeletedItemQuotaBytes: known(30 << 30),
					HasArchive: extract.Yes, RecipientType: "Shared", ReportPeriod: "7"})
			},
			sparse: func(s *load.Snapshot) error { return s.AppendMailboxUsage("D30", extract.MailboxUsageRow{}) },
			counts: load.SnapshotCounts{MailboxRows: 2},
			want: map[string]any{"report_period": "D7", "report_refresh_date": refresh, "user_principal_name": "a@contoso.com",
				"display_name": "A", "is_deleted": true, "deleted_date": ymd(-5), "created_date": ymd(-700),
				"last_activity_date": ymd(-6), "item_count": int64(1200), "storage_used_bytes": int64(5 << 30),
				"issue_warning_quota_bytes": int64(98 << 30), "prohibit_send_quota_bytes": int64(99 << 30),
				"prohibit_send_receive_quota_bytes": int64(100 << 30), "deleted_item_count": int64(0),
				"deleted_item_size_bytes": int64(7), "deleted_item_quota_bytes": int64(30 << 30), "has_archive": true,
				"recipient_type": "Shared"},
		},
	}
	w, _ := mustOpen(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := strings.ReplaceAll(tt.name, " ", "-")
			s, err := w.BeginSnapshot(context.Background(), tenant, day1, "run-1")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			if err := tt.full(s); err != nil {
				t.Fatalf("full row: %v", err)
			}
			if err := tt.sparse(s); err != nil {
				t.Fatalf("sparse row: %v", err)
			}
			if got := s.Counts(); got != tt.counts {
				t.Errorf("Counts: got %+v, want %+v", got, tt.counts)
			}
			if err := s.Commit("ok"); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			cols, rows := streamRows(t, w, "SELECT * FROM "+tt.relation+" WHERE tenant = ? ORDER BY user_principal_name NULLS LAST", tenant)
			if len(cols) != tt.columns || !slices.Equal(cols[:3], []string{"tenant", "snapshot_date", "run_id"}) {
				t.Fatalf("columns: got %d %v, want %d beginning with the snapshot key", len(cols), cols, tt.columns)
			}
			for c := range tt.want {
				if !slices.Contains(cols, c) {
					t.Errorf("column %s: missing from the view", c)
				}
			}
			if len(rows) != 2 {
				t.Fatalf("rows: got %d, want 2", len(rows))
			}
			key := map[string]any{"tenant": tenant, "snapshot_date": day1, "run_id": "run-1"}
			for i, want := range []map[string]any{tt.want, tt.wantSparse} {
				for j, c := range cols {
					v, ok := key[c]
					if !ok {
						v = want[c]
					}
					if got := rows[i][j]; !reflect.DeepEqual(got, v) {
						t.Errorf("row %d, %s: got %#v, want %#v", i+1, c, got, v)
					}
				}
			}
		})
	}
}

// signalCase writes one row of a usage signal for the versions tests:
// upn's row of date, with a stable column changed or not.
type signalCase struct {
	dataset, relation string
	stable            string // the stable column that changed rows differ in
	add               func(s *load.Snapshot, upn string, date time.Time, changed bool) error
}

var signalCases = []signalCase{
	{"copilot_usage", "raw_copilot_usage", "display_name", func(s *load.Snapshot, upn string, date time.Time, changed bool) error {
		r := extract.CopilotUsageRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: upn,
			DisplayName: upn, LastActivityDate: date.AddDate(0, 0, -3)}
		r.AppLastActivity[1] = r.LastActivityDate
		if changed {
			r.DisplayName += " (renamed)"
		}
		return s.AppendCopilotUsage("D90", r)
	}},
	{"apps_usage", "raw_apps_usage", "teams_windows", func(s *load.Snapshot, upn string, date time.Time, changed bool) error {
		r := extract.AppsUsageRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: upn,
			LastActivationDate: day1.AddDate(0, 0, -50), LastActivityDate: date.AddDate(0, 0, -3)}
		r.Platform[0], r.App[5], r.AppPlatform[5][0] = extract.Yes, extract.Yes, extract.Yes
		if changed {
			r.AppPlatform[5][0] = extract.No
		}
		return s.AppendAppsUsage("D180", r)
	}},
	{"office_activations", "raw_office_activations", "windows", func(s *load.Snapshot, upn string, date time.Time, changed bool) error {
		r := extract.ActivationRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: upn,
			ProductType: "MICROSOFT 365 APPS FOR ENTERPRISE", LastActivatedDate: day1.AddDate(0, 0, -50),
			Windows: extract.Count{N: 1, Known: true}}
		if changed {
			r.Windows.N = 2
		}
		return s.AppendActivation(r)
	}},
	{"mailbox_usage", "raw_mailbox_usage", "recipient_type", func(s *load.Snapshot, upn string, date time.Time, changed bool) error {
		r := extract.MailboxUsageRow{ReportRefreshDate: date.AddDate(0, 0, -2), UserPrincipalName: upn,
			LastActivityDate: date.AddDate(0, 0, -3), StorageUsedBytes: extract.Count{N: int64(date.Day()) << 20, Known: true},
			ItemCount: extract.Count{N: int64(date.Day()), Known: true}, RecipientType: "User"}
		if changed {
			r.RecipientType = "Shared"
		}
		return s.AppendMailboxUsage("D7", r)
	}},
}

// TestSignalVersions writes two nights of each usage signal, a same-day
// re-run and a prune: unchanged stable columns keep one version while the
// refresh and activity dates of each night land in the nightly table, a
// changed stable column starts a new version, a re-run replaces the day
// (undoing a change extends the version again), and every night reads
// back as written, also as of day1 from a read-only file.
func TestSignalVersions(t *testing.T) {
	for _, c := range signalCases {
		t.Run(c.dataset, func(t *testing.T) {
			w, path := mustOpen(t)
			// night writes a (never changed) and b (changed or not).
			night := func(date time.Time, runID string, bChanged bool) {
				t.Helper()
				s, err := w.BeginSnapshot(context.Background(), "contoso", date, runID)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Rollback()
				for _, r := range []struct {
					upn     string
					changed bool
				}{{"a@contoso.com", false}, {"b@contoso.com", bChanged}} {
					if err := c.add(s, r.upn, date, r.changed); err != nil {
						t.Fatalf("%s: %v", r.upn, err)
					}
				}
				if err := s.Commit("ok"); err != nil {
					t.Fatalf("Commit: %v", err)
				}
			}
			// read renders the night: upn, the stable column, the refresh date.
			read := func(w *load.Warehouse, date time.Time) string {
				t.Helper()
				var out []string
				for _, r := range rowsOf(t, w, fmt.Sprintf(`SELECT user_principal_name, %s, strftime(report_refresh_date, '%%m-%%d')
					FROM %s WHERE snapshot_date = DATE '%s' ORDER BY 1`, c.stable, c.relation, date.Format(time.DateOnly))) {
					out = append(out, fmt.Sprintf("%v %v %v", r...))
				}
				return strings.Join(out, ",")
			}
			stored := func() string {
				t.Helper()
				got := queryRow(t, w, fmt.Sprintf(`SELECT (SELECT count(*) FROM %[1]s_versions),
					(SELECT count(*) FROM %[1]s_nightly), (SELECT count(DISTINCT snapshot_date) FROM %[1]s_nightly)`, c.relation))
				return fmt.Sprintf("%d versions, %d nightly rows over %d nights", got...)
			}
			night(day1, "run-1", false)
			want1 := read(w, day1)
			night(day2, "run-2", false)
			steps := []struct {
				name   string
				do     func()
				stored string
			}{
				{"unchanged", func() {}, "2 versions, 4 nightly rows over 2 nights"},
				{"b changes on day2 (a re-run)", func() { night(day2, "run-3", true) }, "3 versions, 4 nightly rows over 2 nights"},
				{"a re-run undoes it", func() { night(day2, "run-4", false) }, "2 versions, 4 nightly rows over 2 nights"},
				{"and redoes it", func() { night(day2, "run-5", true) }, "3 versions, 4 nightly rows over 2 nights"},
			}
			for _, st := range steps {
				st.do()
				if got := stored(); got != st.stored {
					t.Errorf("%s: got %s, want %s", st.name, got, st.stored)
				}
				if got := read(w, day1); got != want1 {
					t.Errorf("%s: day1 reads %q, want %q as written", st.name, got, want1)
				}
			}
			want2 := read(w, day2)
			if a, b := strings.Split(want1, ","), strings.Split(want2, ","); len(a) != 2 || len(b) != 2 ||
				!strings.HasSuffix(a[0], "02-27") || !strings.HasSuffix(b[0], "02-28") || a[1] == b[1] || a[0][:len(a[0])-5] != b[0][:len(b[0])-5] {
				t.Errorf("day1 %q, day2 %q: want a alike but for the refresh date, b's stable column changed", want1, want2)
			}
			if got := queryRow(t, w, "SELECT count(*), count(DISTINCT run_id) FROM "+c.relation+" WHERE snapshot_date = ?", day2); fmt.Sprint(got) != "[2 1]" {
				t.Errorf("day2 rows and runs: got %v, want [2 1] (the last re-run's)", got)
			}

			if _, err := w.Prune(context.Background(), 1, day2.AddDate(0, 0, 1)); err != nil {
				t.Fatal(err)
			}
			if got := stored(); got != "2 versions, 2 nightly rows over 1 nights" {
				t.Errorf("after pruning day1: got %s, want 2 versions, 2 nightly rows over 1 nights", got)
			}
			if got := read(w, day2); got != want2 {
				t.Errorf("after pruning day1: day2 reads %q, want %q", got, want2)
			}

			night(day1, "run-6", false) // day1 again, before day2
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			ro := mustOpenReadOnly(t, path, load.AsOf(day1))
			if got := read(ro, day1); got != want1 {
				t.Errorf("as of day1: got %q, want %q", got, want1)
			}
			if got := queryRow(t, ro, "SELECT count(*) FROM "+c.relation+" WHERE snapshot_date > ?", day1); got[0] != int64(0) {
				t.Errorf("as of day1: got %v rows of later nights, want 0", got[0])
			}
		})
	}
}

// TestFailedSignalIsDiscarded fails each usage signal in turn, after rows
// of all four were appended (and flushed to the transaction every few
// rows, as in a large tenant): its rows and count are gone, its status is
// recorded, and the other three are kept.
func TestFailedSignalIsDiscarded(t *testing.T) {
	defer load.SetFlushRows(2)()
	w, _ := mustOpen(t)
	for i, failed := range signalCases {
		t.Run(failed.dataset, func(t *testing.T) {
			tenant := fmt.Sprintf("tenant-%d", i)
			s, err := w.BeginSnapshot(context.Background(), tenant, day1, "run-1")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			if err := s.AppendUsers(genUsers(0, 5)); err != nil {
				t.Fatal(err)
			}
			for _, c := range signalCases {
				for n := range 3 {
					if err := c.add(s, fmt.Sprintf("u%d@contoso.com", n), day1, false); err != nil {
						t.Fatalf("%s: %v", c.dataset, err)
					}
				}
			}
			if err := s.DatasetStatus(failed.dataset, false, 3, errors.New("report: status 403")); err != nil {
				t.Fatalf("DatasetStatus: %v", err)
			}
			want := load.SnapshotCounts{Users: 5, Licenses: licenceRows(0, 5), AssignmentStates: licenceRows(0, 5),
				CopilotRows: 3, AppsRows: 3, ActivationRows: 3, MailboxRows: 3}
			switch failed.dataset {
			case "copilot_usage":
				want.CopilotRows = 0
			case "apps_usage":
				want.AppsRows = 0
			case "office_activations":
				want.ActivationRows = 0
			case "mailbox_usage":
				want.MailboxRows = 0
			}
			if got := s.Counts(); got != want {
				t.Errorf("Counts after the discard: got %+v, want %+v", got, want)
			}
			if err := s.Commit("degraded"); err != nil {
				t.Fatal(err)
			}
			for _, c := range signalCases {
				want := int64(3)
				if c.dataset == failed.dataset {
					want = 0
				}
				if got := count(t, w, c.relation, tenant, day1); got != want {
					t.Errorf("%s: got %d rows, want %d", c.relation, got, want)
				}
			}
			if got := count(t, w, "raw_users", tenant, day1); got != 5 {
				t.Errorf("raw_users: got %d, want 5", got)
			}
			got := queryRow(t, w, "SELECT dataset, ok, rows, error FROM raw_dataset_status WHERE tenant = ?", tenant)
			if want := []any{failed.dataset, false, int64(3), "report: status 403"}; !reflect.DeepEqual(got, want) {
				t.Errorf("raw_dataset_status: got %v, want %v", got, want)
			}
		})
	}
}

// TestSignalBadPeriod: a period the report does not take is refused with
// an error naming it; nothing is appended, and the snapshot commits
// without a row of that report.
func TestSignalBadPeriod(t *testing.T) {
	w, _ := mustOpen(t)
	tests := []struct {
		name, relation string
		do             func(*load.Snapshot) error
		want           string
	}{
		{"copilot D8", "raw_copilot_usage", func(s *load.Snapshot) error {
			return s.AppendCopilotUsage("D8", extract.CopilotUsageRow{UserPrincipalName: "a@contoso.com"})
		}, `copilot usage report period "D8": want D7, D30, D90, D180 or ALL`},
		{"copilot lower case", "raw_copilot_usage", func(s *load.Snapshot) error {
			return s.AppendCopilotUsage("d90", extract.CopilotUsageRow{})
		}, `period "d90"`},
		{"apps ALL", "raw_apps_usage", func(s *load.Snapshot) error {
			return s.AppendAppsUsage("ALL", extract.AppsUsageRow{UserPrincipalName: "a@contoso.com"})
		}, `apps usage report period "ALL": want D7, D30, D90 or D180`},
		{"apps as sent", "raw_apps_usage", func(s *load.Snapshot) error {
			return s.AppendAppsUsage("180", extract.AppsUsageRow{})
		}, `period "180"`},
		{"mailbox empty", "raw_mailbox_usage", func(s *load.Snapshot) error {
			return s.AppendMailboxUsage("", extract.MailboxUsageRow{UserPrincipalName: "a@contoso.com"})
		}, `mailbox usage report period "": want D7, D30, D90 or D180`},
		{"mailbox D365", "raw_mailbox_usage", func(s *load.Snapshot) error {
			return s.AppendMailboxUsage("D365", extract.MailboxUsageRow{})
		}, `period "D365"`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := fmt.Sprintf("tenant-%d", i)
			s, err := w.BeginSnapshot(context.Background(), tenant, day1, "run-1")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			err = tt.do(s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "a@contoso.com") {
				t.Errorf("error %q names the user", err)
			}
			if got := s.Counts(); got != (load.SnapshotCounts{}) {
				t.Errorf("Counts after a refused row: got %+v, want zero", got)
			}
			if err := s.Commit("ok"); err != nil {
				t.Fatalf("Commit after a refused row: %v", err)
			}
			if got := count(t, w, tt.relation, tenant, day1); got != 0 {
				t.Errorf("%s: got %d rows, want 0", tt.relation, got)
			}
		})
	}
}

// TestUpgradeToUsageSignals opens a warehouse of migration 0011 (a current
// one without the objects of 0012, the migration unrecorded): read-only it
// opens; opened for writing it gains the tables and views, its past
// snapshots have no signal rows, and the next snapshot stores them. A
// fresh warehouse has them all from the start.
func TestUpgradeToUsageSignals(t *testing.T) {
	ctx := context.Background()
	old, oldPath := mustOpen(t)
	writeSnapshot(t, old, "contoso", day1, "run-1", genUsers(0, 20))
	// Later migrations go too: the file is as 0011 left it.
	stmts := []string{"DELETE FROM schema_migrations WHERE version >= 12",
		"DROP VIEW mart_rightsizing_history", "DROP TABLE mart_rightsizing_history_versions",
		"DROP TABLE mart_rightsizing_history_nightly", "DROP TABLE mart_rightsizing"}
	for _, r := range signalRelations {
		stmts = append(stmts, "DROP VIEW "+r.relation, "DROP TABLE "+r.relation+"_versions", "DROP TABLE "+r.relation+"_nightly")
	}
	for _, q := range stmts {
		if _, err := old.SQLForTests().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	ro := mustOpenReadOnly(t, oldPath)
	if got := scalar(t, ro, "SELECT max(version) FROM schema_migrations"); got != int32(11) {
		t.Fatalf("the old warehouse: got version %v, want 11", got)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	upgraded := mustOpenPath(t, oldPath)
	fresh, _ := mustOpen(t)
	for _, tc := range []struct {
		name string
		w    *load.Warehouse
	}{{"upgraded", upgraded}, {"fresh", fresh}} {
		t.Run(tc.name, func(t *testing.T) {
			got := queryRow(t, tc.w, "SELECT name FROM schema_migrations WHERE version = 12")
			if got[0] != "0012_usage_signals" {
				t.Errorf("migration 12: got %v, want 0012_usage_signals", got[0])
			}
			for _, r := range signalRelations {
				got := queryRow(t, tc.w, `SELECT
					(SELECT count(*) FROM duckdb_tables() WHERE table_name IN (?, ?)),
					(SELECT count(*) FROM duckdb_views() WHERE view_name = ?)`, r.relation+"_versions", r.relation+"_nightly", r.relation)
				if fmt.Sprint(got) != "[2 1]" {
					t.Errorf("%s: got %v tables and views, want [2 1]", r.relation, got)
				}
				if got := queryRow(t, tc.w, "SELECT count(*) FROM "+r.relation); got[0] != int64(0) {
					t.Errorf("%s: got %v rows, want 0", r.relation, got[0])
				}
			}
			s, err := tc.w.BeginSnapshot(ctx, "contoso", day2, "run-2")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Rollback()
			for _, c := range signalCases {
				if err := c.add(s, "a@contoso.com", day2, false); err != nil {
					t.Fatalf("%s: %v", c.dataset, err)
				}
			}
			if err := s.Commit("ok"); err != nil {
				t.Fatal(err)
			}
			for _, r := range signalRelations {
				if got := count(t, tc.w, r.relation, "contoso", day2); got != 1 {
					t.Errorf("%s on day2: got %d rows, want 1", r.relation, got)
				}
			}
		})
	}
	// The snapshot from before the upgrade still reads as written.
	if got := count(t, upgraded, "raw_users", "contoso", day1); got != 20 {
		t.Errorf("raw_users of the snapshot before the upgrade: got %d, want 20", got)
	}
}
