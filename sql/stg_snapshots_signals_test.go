package sql_test

import (
	"slices"
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
			runModels(t, db, "stg_hex_report_rows", "stg_snapshots")
			got := strs(t, db, "SELECT unnest(signals) FROM stg_snapshots")
			if !slices.Equal(got, tc.want) {
				t.Errorf("signals: got %v, want %v", got, tc.want)
			}
		})
	}
}
