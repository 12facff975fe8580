package sql_test

import (
	"database/sql"
	"slices"
	"strconv"
	"testing"
)

// TestSnapshotSignals pins stg_snapshots.signals
// (transform/11_stg_snapshots.sql): a usage-signal report counts when its
// dataset was read whole, the snapshot is not concealed, and the report
// itself shows no concealed name (32 upper-case hex characters matching
// no roster user).
func TestSnapshotSignals(t *testing.T) {
	const hexName = "E58EEF6A6BBD3D0293CB306D24A42057"
	tests := []struct {
		name     string
		ok       map[string]bool   // dataset -> read whole; absent: not read
		names    map[string]string // raw relation -> the one row's user principal name
		settings bool              // displayConcealedNames
		want     []string
	}{
		{"all read whole", map[string]bool{"copilot_usage": true, "apps_usage": true, "mailbox_usage": true, "office_activations": true},
			nil, false, []string{"Copilot", "Apps", "Mailbox", "Activations"}},
		{"not read", nil, nil, false, nil},
		{"read but failed", map[string]bool{"copilot_usage": false, "apps_usage": true}, nil, false, []string{"Apps"}},
		{"a signal report with a concealed name", map[string]bool{"copilot_usage": true, "apps_usage": true},
			map[string]string{"raw_copilot_usage": hexName, "raw_apps_usage": "ann@contoso.example"}, false, []string{"Apps"}},
		{"a hex name that is a roster user's", map[string]bool{"copilot_usage": true},
			map[string]string{"raw_copilot_usage": "0123456789ABCDEF0123456789ABCDEF"}, false, []string{"Copilot"}},
		{"the usage report concealed: no signal at all", map[string]bool{"copilot_usage": true},
			map[string]string{"raw_usage_report": hexName}, false, nil},
		{"report settings conceal names: no signal at all", map[string]bool{"apps_usage": true}, nil, true, nil},
		{"sign-in datasets read whole", map[string]bool{"copilot_usage": true, "signin_activity": true, "powerbi_signins": true},
			nil, false, []string{"Copilot", "SignIn", "PowerBI"}},
		{"sign-in data is not concealed", map[string]bool{"copilot_usage": true, "signin_activity": true, "powerbi_signins": true},
			nil, true, []string{"SignIn", "PowerBI"}},
		{"a sign-in dataset refused", map[string]bool{"signin_activity": false, "powerbi_signins": true},
			nil, false, []string{"PowerBI"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			mustExec(t, db, `CREATE TEMP TABLE snapshots AS SELECT 't' AS tenant, DATE '2026-11-05' AS snapshot_date,
				'run-1' AS run_id, 'ok' AS status`)
			mustExec(t, db, `CREATE TEMP TABLE raw_users AS SELECT 't' AS tenant, DATE '2026-11-05' AS snapshot_date,
				'0123456789abcdef0123456789abcdef' AS user_principal_name`)
			for _, rel := range []string{"raw_usage_report", "raw_copilot_usage", "raw_apps_usage", "raw_mailbox_usage", "raw_office_activations"} {
				mustExec(t, db, "CREATE TEMP TABLE "+rel+` (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR,
					report_refresh_date DATE)`)
				if n, ok := tc.names[rel]; ok {
					mustExec(t, db, "INSERT INTO "+rel+" VALUES ('t', DATE '2026-11-05', ?, DATE '2026-11-03')", n)
				}
			}
			mustExec(t, db, `CREATE TEMP TABLE raw_report_settings AS SELECT 't' AS tenant, DATE '2026-11-05' AS snapshot_date,
				? AS display_concealed_names`, tc.settings)
			mustExec(t, db, `CREATE TEMP TABLE raw_dataset_status (tenant VARCHAR, snapshot_date DATE, dataset VARCHAR, ok BOOLEAN)`)
			for d, ok := range tc.ok {
				mustExec(t, db, "INSERT INTO raw_dataset_status VALUES ('t', DATE '2026-11-05', ?, ?)", d, ok)
			}
			createSignInReads(t, db)
			if tc.ok["powerbi_signins"] {
				mustExec(t, db, `INSERT INTO raw_signin_log_reads_through VALUES ('t', DATE '2026-11-05',
					'00000009-0000-0000-c000-000000000000', TIMESTAMPTZ '2026-10-06 02:00:00+00', TIMESTAMPTZ '2026-11-05 02:00:00+00')`)
			}
			runModels(t, db, "utc_date", "stg_hex_report_rows", "stg_snapshots")
			got := strs(t, db, "SELECT unnest(signals) FROM stg_snapshots")
			if !slices.Equal(got, tc.want) {
				t.Errorf("signals: got %v, want %v", got, tc.want)
			}
		})
	}
}

// createSignInReads creates raw_signin_log_reads_through, empty.
func createSignInReads(t *testing.T, db *sql.DB) {
	t.Helper()
	mustExec(t, db, `CREATE TEMP TABLE raw_signin_log_reads_through (tenant VARCHAR, snapshot_date DATE, app_id VARCHAR,
		window_from TIMESTAMPTZ, window_to TIMESTAMPTZ)`)
}

// TestPowerBIWindow pins stg_snapshots.powerbi_window_from and _days: the
// reads of the Power BI sign-in logs chain back from this night's (the
// 2026-11-05 snapshot) while each window starts no later than an earlier
// one ended; the window starts where the chain's first read did. Without
// this night's read there is no window.
func TestPowerBIWindow(t *testing.T) {
	const app = "00000009-0000-0000-c000-000000000000"
	type read struct {
		night    string // snapshot date
		from, to string // the window, UTC timestamps
		app      string
	}
	tests := []struct {
		name     string
		reads    []read
		wantFrom string // "": NULL
		wantDays int
	}{
		{"first read: the logs' 30 days", []read{{"2026-11-05", "2026-10-06 02:00", "2026-11-05 02:00", app}}, "2026-10-06", 30},
		{"nightly reads chain back to the first",
			[]read{{"2026-11-03", "2026-10-04 02:00", "2026-11-03 02:00", app}, {"2026-11-04", "2026-11-03 02:00", "2026-11-04 02:00", app},
				{"2026-11-05", "2026-11-04 02:00", "2026-11-05 02:00", app}}, "2026-10-04", 32},
		{"a gap restarts the window",
			[]read{{"2026-10-01", "2026-09-01 02:00", "2026-10-01 02:00", app}, {"2026-11-05", "2026-10-06 02:00", "2026-11-05 02:00", app}},
			"2026-10-06", 30},
		{"a read that stopped at its bound starts the window at its oldest event",
			[]read{{"2026-11-04", "2026-10-05 02:00", "2026-11-04 02:00", app}, {"2026-11-05", "2026-11-04 20:00", "2026-11-05 02:00", app}},
			"2026-11-04", 1},
		{"another application's reads do not count",
			[]read{{"2026-11-04", "2026-10-01 02:00", "2026-11-04 02:00", "other"}, {"2026-11-05", "2026-11-04 02:00", "2026-11-05 02:00", app}},
			"2026-11-04", 1},
		{"no read this night: no window", []read{{"2026-11-04", "2026-10-05 02:00", "2026-11-04 02:00", app}}, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			mustExec(t, db, `CREATE TEMP TABLE snapshots AS SELECT 't' AS tenant, DATE '2026-11-05' AS snapshot_date,
				'run-1' AS run_id, 'ok' AS status`)
			mustExec(t, db, `CREATE TEMP TABLE raw_users (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR)`)
			for _, rel := range []string{"raw_usage_report", "raw_copilot_usage", "raw_apps_usage", "raw_mailbox_usage", "raw_office_activations"} {
				mustExec(t, db, "CREATE TEMP TABLE "+rel+` (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR,
					report_refresh_date DATE)`)
			}
			mustExec(t, db, `CREATE TEMP TABLE raw_report_settings (tenant VARCHAR, snapshot_date DATE, display_concealed_names BOOLEAN)`)
			mustExec(t, db, `CREATE TEMP TABLE raw_dataset_status (tenant VARCHAR, snapshot_date DATE, dataset VARCHAR, ok BOOLEAN)`)
			createSignInReads(t, db)
			for _, r := range tc.reads {
				mustExec(t, db, `INSERT INTO raw_signin_log_reads_through VALUES ('t', ?::DATE, ?, (? || ':00+00')::TIMESTAMPTZ,
					(? || ':00+00')::TIMESTAMPTZ)`, r.night, r.app, r.from, r.to)
				if r.night == "2026-11-05" {
					mustExec(t, db, "INSERT INTO raw_dataset_status VALUES ('t', DATE '2026-11-05', 'powerbi_signins', true)")
				}
			}
			runModels(t, db, "utc_date", "stg_hex_report_rows", "stg_snapshots")
			got := strs(t, db, "SELECT coalesce(powerbi_window_from::VARCHAR, '') || '|' || coalesce(powerbi_window_days::VARCHAR, '') FROM stg_snapshots")
			want := "|"
			if tc.wantFrom != "" {
				want = tc.wantFrom + "|" + strconv.Itoa(tc.wantDays)
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("window: got %v, want %s", got, want)
			}
		})
	}
}
