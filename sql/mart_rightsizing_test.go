package sql_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestMartRightsizing pins the boundaries of marts/35_mart_rightsizing.sql:
// shared_mailbox (Recipient Type containing "shared", at most 50 GB, Has
// Archive false, an Exchange workload) and no_desktop_apps (all ten
// desktop flags known and false, no Apps activation; ENTERPRISEPACK safe
// with a mailbox of at most 50 GB, SPE_E3 review), each only with the
// reports it reads usable; e5_extras_unused (SPE_E5, the PowerBI signal
// usable, its window at least inactivity_days (90 here), no Power BI
// sign-in in it).
func TestMartRightsizing(t *testing.T) {
	const limit = int64(50) << 30
	type mailbox struct {
		recipient string
		storage   int64
		archive   string // SQL literal: true, false or NULL
	}
	type apps struct {
		flag      string // the SQL literal of every desktop flag
		activated bool   // an Apps activation with a date
	}
	type powerbi struct {
		window int // powerbi_window_days, up to the snapshot date
		last   int // days before the snapshot date of the last Power BI sign-in; -1: none
	}
	tests := []struct {
		name      string
		part      string
		workloads string
		signals   string
		mailbox   *mailbox
		apps      *apps
		powerbi   *powerbi
		want      []string // rule|to|confidence
	}{
		{"shared, 50 GB exactly, no archive", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"Shared", limit, "false"}, nil, nil, []string{"shared_mailbox||safe"}},
		{"shared, a byte over 50 GB", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"Shared", limit + 1, "false"}, nil, nil, nil},
		{"shared, archive unknown", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"Shared", 1 << 30, "NULL"}, nil, nil, nil},
		{"shared, with an archive", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"Shared", 1 << 30, "true"}, nil, nil, nil},
		{"SharedMailbox spelling", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"SharedMailbox", 1 << 30, "false"}, nil, nil, []string{"shared_mailbox||safe"}},
		{"a user mailbox", "SPE_E3", "['Exchange']", "['Mailbox']",
			&mailbox{"User", 1 << 30, "false"}, nil, nil, nil},
		{"shared, but the SKU carries no Exchange plan", "POWER_BI_PRO", "[]", "['Mailbox']",
			&mailbox{"Shared", 1 << 30, "false"}, nil, nil, nil},
		{"shared, mailbox report not usable", "SPE_E3", "['Exchange']", "[]",
			&mailbox{"Shared", 1 << 30, "false"}, nil, nil, nil},
		{"E3 suite without desktop use: review", "SPE_E3", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"false", false}, nil, []string{"no_desktop_apps|STANDARDPACK|review"}},
		{"O365 E3 without desktop use, small mailbox: safe", "ENTERPRISEPACK", "['Exchange']", "['Apps', 'Activations', 'Mailbox']",
			&mailbox{"User", limit, "true"}, &apps{"false", false}, nil, []string{"no_desktop_apps|STANDARDPACK|safe"}},
		{"O365 E3 without desktop use, mailbox over 50 GB: review", "ENTERPRISEPACK", "['Exchange']", "['Apps', 'Activations', 'Mailbox']",
			&mailbox{"User", limit + 1, "false"}, &apps{"false", false}, nil, []string{"no_desktop_apps|STANDARDPACK|review"}},
		{"O365 E3 without desktop use, no mailbox report: review", "ENTERPRISEPACK", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"false", false}, nil, []string{"no_desktop_apps|STANDARDPACK|review"}},
		{"desktop flags unknown", "SPE_E3", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"NULL", false}, nil, nil},
		{"desktop used", "SPE_E3", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"true", false}, nil, nil},
		{"activated once", "SPE_E3", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"false", true}, nil, nil},
		{"activations report not usable", "SPE_E3", "['Exchange']", "['Apps']",
			nil, &apps{"false", false}, nil, nil},
		{"another SKU", "SPE_E5", "['Exchange']", "['Apps', 'Activations']",
			nil, &apps{"false", false}, nil, nil},
		{"E5, no Power BI sign-in in 90 days of logs: review", "SPE_E5", "['Exchange', 'PowerBI']", "['PowerBI']",
			nil, nil, &powerbi{90, -1}, []string{"e5_extras_unused|SPE_E3|review"}},
		{"E5, logs cover 89 days", "SPE_E5", "['Exchange', 'PowerBI']", "['PowerBI']",
			nil, nil, &powerbi{89, -1}, nil},
		{"E5, a sign-in on the window's first day", "SPE_E5", "['Exchange', 'PowerBI']", "['PowerBI']",
			nil, nil, &powerbi{120, 120}, nil},
		{"E5, the last sign-in a day before the window", "SPE_E5", "['Exchange', 'PowerBI']", "['PowerBI']",
			nil, nil, &powerbi{120, 121}, []string{"e5_extras_unused|SPE_E3|review"}},
		{"E5, Power BI plan disabled, no sign-in: still review", "SPE_E5", "['Exchange']", "['PowerBI']",
			nil, nil, &powerbi{90, -1}, []string{"e5_extras_unused|SPE_E3|review"}},
		{"E5, PowerBI signal not usable", "SPE_E5", "['Exchange', 'PowerBI']", "[]",
			nil, nil, &powerbi{120, -1}, nil},
		{"E3, no Power BI sign-in", "SPE_E3", "['Exchange']", "['PowerBI']",
			nil, nil, &powerbi{120, -1}, nil},
	}
	flags := []string{"outlook_windows", "word_windows", "excel_windows", "powerpoint_windows", "onenote_windows",
		"outlook_mac", "word_mac", "excel_mac", "powerpoint_mac", "onenote_mac"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			const key = `'t' AS tenant, DATE '2026-11-05' AS snapshot_date`
			window := 0
			if tc.powerbi != nil {
				window = tc.powerbi.window
			}
			mustExec(t, db, "CREATE TEMP TABLE stg_snapshots AS SELECT "+key+", "+tc.signals+`::VARCHAR[] AS signals,
				DATE '2026-11-05' - ?::INTEGER AS powerbi_window_from, ?::INTEGER AS powerbi_window_days`, window, window)
			mustExec(t, db, `CREATE TEMP TABLE stg_signin_usage (tenant VARCHAR, snapshot_date DATE, user_id VARCHAR,
				powerbi_last_date DATE)`)
			if pb := tc.powerbi; pb != nil && pb.last >= 0 {
				mustExec(t, db, `INSERT INTO stg_signin_usage VALUES ('t', DATE '2026-11-05', 'u1', DATE '2026-11-05' - ?::INTEGER)`, pb.last)
			}
			mustExec(t, db, "CREATE TEMP TABLE stg_license_reasons AS SELECT "+key+`, DATE '2026-11-03' AS as_of,
				'u1' AS user_id, 'Ann@contoso.example' AS user_principal_name, 'sku-1' AS sku_id, ? AS sku_part_number,
				`+tc.workloads+`::VARCHAR[] AS workloads, 468.00::DECIMAL(18,2) AS unit_price_annual, 'USD' AS currency,
				DATE '2027-01-01' AS reducible_from, 'Ann' AS display_name, 'Sales' AS department, 'CC-1' AS cost_center,
				false AS ignored, NULL::VARCHAR AS exclusion_reason, 90 AS inactivity_days`, tc.part)
			mustExec(t, db, "CREATE TEMP TABLE stg_prices AS SELECT "+key+`, unnest(['STANDARDPACK', 'SPE_E3']) AS sku_key,
				unnest([120.00, 400.00])::DECIMAL(18,2) AS unit_price_annual`)
			mustExec(t, db, `CREATE TEMP TABLE raw_mailbox_usage (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR,
				is_deleted BOOLEAN, recipient_type VARCHAR, storage_used_bytes BIGINT, has_archive BOOLEAN, report_refresh_date DATE)`)
			if m := tc.mailbox; m != nil {
				mustExec(t, db, fmt.Sprintf(`INSERT INTO raw_mailbox_usage VALUES ('t', DATE '2026-11-05', 'ann@contoso.example',
					false, ?, ?, %s, DATE '2026-11-03')`, m.archive), m.recipient, m.storage)
			}
			mustExec(t, db, `CREATE TEMP TABLE raw_apps_usage (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR,
				report_period VARCHAR, last_activity_date DATE, report_refresh_date DATE, `+strings.Join(flags, " BOOLEAN, ")+` BOOLEAN)`)
			mustExec(t, db, `CREATE TEMP TABLE raw_office_activations (tenant VARCHAR, snapshot_date DATE, user_principal_name VARCHAR,
				product_type VARCHAR, last_activated_date DATE, windows BIGINT, mac BIGINT, windows10_mobile BIGINT, ios BIGINT, android BIGINT)`)
			if a := tc.apps; a != nil {
				mustExec(t, db, `INSERT INTO raw_apps_usage VALUES ('t', DATE '2026-11-05', 'ANN@contoso.example', 'D180',
					DATE '2026-10-01', DATE '2026-11-03'`+strings.Repeat(", "+a.flag, len(flags))+")")
				activated := "NULL"
				if a.activated {
					activated = "DATE '2025-01-01'"
				}
				mustExec(t, db, `INSERT INTO raw_office_activations VALUES ('t', DATE '2026-11-05', 'ann@contoso.example',
					'MICROSOFT 365 APPS FOR ENTERPRISE', `+activated+`, 0, 0, 0, 0, 0)`)
			}
			runModels(t, db, "thresholds")
			runMarts(t, db, "mart_rightsizing")
			got := strs(t, db, `SELECT rule || '|' || coalesce(to_sku, '') || '|' || confidence FROM calc_mart_rightsizing ORDER BY 1`)
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows: got %v, want %v", got, tc.want)
			}
			if len(got) > 0 {
				var saving string
				got := strs(t, db, "SELECT annual_saving::VARCHAR FROM calc_mart_rightsizing")
				if saving = got[0]; (tc.mailbox != nil && tc.apps == nil && saving != "468.00") || (tc.apps != nil && saving != "348.00") ||
					(tc.powerbi != nil && saving != "68.00") {
					t.Errorf("annual_saving: got %s, want the whole price for shared_mailbox, 468.00 - 120.00 to STANDARDPACK, 468.00 - 400.00 to SPE_E3", saving)
				}
			}
		})
	}
}
