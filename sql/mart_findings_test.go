package sql_test

import (
	"database/sql"
	"slices"
	"testing"
)

// TestFindingThresholds pins the boundaries of the two findings with a
// threshold (transform/01_thresholds.sql, read by
// marts/60_mart_findings.sql): a usage report 7 days older than the
// snapshot is fresh and 8 days is stale; a subscription renewing 30 days
// after as_of is expiring, 31 days or a date already past is not; a SKU
// passes its hard limit (tenants[].limits) with one consumed unit more than
// the limit, not on reaching it, and never without a limit.
func TestFindingThresholds(t *testing.T) {
	tests := []struct {
		name      string
		reportAge int  // days between report refresh and snapshot date
		renewalIn int  // days_to_renewal
		limit     *int // the SKU's limit_units (10 units are consumed)
		wantCodes []string
		toSKU     string // a rightsizing row to this SKU; "": none
		toPrice   bool   // the price book prices toSKU
	}{
		{"report 7 days old, renewal in 31 days: nothing", 7, 31, nil, nil, "", false},
		{"report 8 days old: stale", 8, 31, nil, []string{"stale_usage_report"}, "", false},
		{"renewal in 30 days: expiring", 7, 30, nil, []string{"subscription_expiring"}, "", false},
		{"renewal today: expiring", 0, 0, nil, []string{"subscription_expiring"}, "", false},
		{"renewal a day past: not expiring", 0, -1, nil, nil, "", false},
		{"10 consumed, limit 10: within", 7, 31, ptr(10), nil, "", false},
		{"10 consumed, limit 9: over", 7, 31, ptr(9), []string{"over_limit"}, "", false},
		{"10 consumed, limit 0: over", 7, 31, ptr(0), []string{"over_limit"}, "", false},
		{"rightsizing to an unpriced SKU: missing_price", 7, 31, nil, []string{"missing_price"}, "STANDARDPACK", false},
		{"rightsizing to a priced SKU: nothing", 7, 31, nil, nil, "STANDARDPACK", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			snapshot := asOf.AddDate(0, 0, 2)
			mustExec(t, db, `CREATE TEMP TABLE stg_snapshots AS SELECT 't' AS tenant, ?::DATE AS snapshot_date,
				?::DATE AS as_of, ?::DATE AS report_refresh_date, false AS concealed, true AS has_report,
				false AS settings_concealed, 0 AS hex_rows, NULL::DATE AS powerbi_window_from,
				NULL::INTEGER AS powerbi_window_days`, snapshot, asOf, snapshot.AddDate(0, 0, -tc.reportAge))
			createFindingInputs(t, db)
			mustExec(t, db, `CREATE TEMP TABLE stg_skus (tenant VARCHAR, snapshot_date DATE, as_of DATE, sku_id VARCHAR,
				sku_part_number VARCHAR, consumed_units INTEGER, active_units INTEGER, unit_price_annual DECIMAL(18,2),
				ignored BOOLEAN, missing_fx BOOLEAN, price_currency VARCHAR, currency VARCHAR, limit_units BIGINT)`)
			mustExec(t, db, `INSERT INTO stg_skus VALUES ('t', ?, ?, 'sku-1', 'SPE_E3', 10, 12, 468, false, false, 'USD', 'USD', ?)`,
				snapshot, asOf, tc.limit)
			mustExec(t, db, `CREATE TEMP TABLE calc_mart_renewals AS SELECT 't' AS tenant, ?::DATE AS snapshot_date,
				?::DATE AS as_of, 'sub-1' AS subscription_id, false AS is_trial, 'SPE_E3' AS sku_part_number,
				100 AS total_licenses, (?::DATE)::TIMESTAMPTZ AS next_lifecycle_at, ? AS days_to_renewal`,
				snapshot, asOf, asOf.AddDate(0, 0, tc.renewalIn), tc.renewalIn)
			mustExec(t, db, `CREATE TEMP TABLE stg_prices (tenant VARCHAR, snapshot_date DATE, sku_key VARCHAR,
				unit_price_annual DECIMAL(18,2))`)
			mustExec(t, db, `CREATE TEMP TABLE calc_mart_rightsizing (tenant VARCHAR, snapshot_date DATE, as_of DATE,
				to_sku VARCHAR)`)
			if tc.toSKU != "" {
				mustExec(t, db, `INSERT INTO calc_mart_rightsizing VALUES ('t', ?, ?, ?)`, snapshot, asOf, tc.toSKU)
				if tc.toPrice {
					mustExec(t, db, `INSERT INTO stg_prices VALUES ('t', ?, upper(?), 96)`, snapshot, tc.toSKU)
				}
			}
			runModels(t, db, "utc_date", "thresholds")
			runMarts(t, db, "mart_findings")
			got := strs(t, db, "SELECT code FROM calc_mart_findings ORDER BY code")
			if !slices.Equal(got, tc.wantCodes) {
				t.Errorf("findings: got %v, want %v", got, tc.wantCodes)
			}
		})
	}
}

// createFindingInputs creates the inputs of 60_mart_findings.sql that a
// test does not set itself, empty (one licence row), and the rules
// (inactivity 90 days, grace 30).
func createFindingInputs(t *testing.T, db *sql.DB) {
	t.Helper()
	createLicenceRows(t, db)
	createRules(t, db, 90, 30)
	mustExec(t, db, `CREATE TEMP TABLE raw_dataset_status (tenant VARCHAR, snapshot_date DATE, dataset VARCHAR,
		ok BOOLEAN, error VARCHAR)`)
	mustExec(t, db, `CREATE TEMP TABLE raw_license_assignment_states (tenant VARCHAR, snapshot_date DATE,
		user_id VARCHAR, sku_id VARCHAR, assigned_by_group VARCHAR, state VARCHAR, error VARCHAR)`)
	mustExec(t, db, `CREATE TEMP TABLE raw_signin_log_reads (tenant VARCHAR, snapshot_date DATE, app_id VARCHAR,
		window_from TIMESTAMPTZ, window_to TIMESTAMPTZ, pages BIGINT, events BIGINT, truncated BOOLEAN)`)
}

// TestSignalFindings pins the findings about the usage-signal datasets: a
// report that failed is a warning, a sign-in dataset refused only
// information; a read of the sign-in logs that stopped at its bound is a
// warning; a Power BI window shorter than inactivity_days (90) is
// information, and one of 90 days says nothing.
func TestSignalFindings(t *testing.T) {
	tests := []struct {
		name      string
		failed    []string // datasets that failed
		truncated bool
		window    *int // powerbi_window_days
		want      []string
	}{
		{"nothing failed", nil, false, nil, nil},
		{"the Copilot report failed", []string{"copilot_usage"}, false, nil, []string{"warning|signal_unavailable|copilot_usage"}},
		{"signInActivity refused", []string{"signin_activity"}, false, nil, []string{"info|signal_unavailable|signin_activity"}},
		{"the sign-in logs read stopped at its bound", nil, true, ptr(90), []string{"warning|signin_logs_truncated|powerbi_signins"}},
		{"a Power BI window of 89 days", nil, false, ptr(89), []string{"info|powerbi_window_short|powerbi_signins"}},
		{"a Power BI window of 90 days", nil, false, ptr(90), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := mustOpenDB(t)
			snapshot := asOf.AddDate(0, 0, 2)
			var window any
			if tc.window != nil {
				window = *tc.window
			}
			mustExec(t, db, `CREATE TEMP TABLE stg_snapshots AS SELECT 't' AS tenant, ?::DATE AS snapshot_date,
				?::DATE AS as_of, ?::DATE AS report_refresh_date, false AS concealed, true AS has_report,
				false AS settings_concealed, 0 AS hex_rows, ?::DATE - ?::INTEGER AS powerbi_window_from,
				?::INTEGER AS powerbi_window_days`, snapshot, asOf, asOf, snapshot, window, window)
			createFindingInputs(t, db)
			for _, d := range tc.failed {
				mustExec(t, db, `INSERT INTO raw_dataset_status VALUES ('t', ?, ?, false, 'HTTP 403')`, snapshot, d)
			}
			mustExec(t, db, `INSERT INTO raw_signin_log_reads VALUES ('t', ?, '00000009-0000-0000-c000-000000000000',
				?::TIMESTAMPTZ, ?::TIMESTAMPTZ, 100, 100000, ?)`, snapshot, snapshot.AddDate(0, 0, -3), snapshot, tc.truncated)
			mustExec(t, db, `CREATE TEMP TABLE stg_skus (tenant VARCHAR, snapshot_date DATE, as_of DATE, sku_id VARCHAR,
				sku_part_number VARCHAR, consumed_units INTEGER, active_units INTEGER, unit_price_annual DECIMAL(18,2),
				ignored BOOLEAN, missing_fx BOOLEAN, price_currency VARCHAR, currency VARCHAR, limit_units BIGINT)`)
			mustExec(t, db, `CREATE TEMP TABLE calc_mart_renewals (tenant VARCHAR, snapshot_date DATE, as_of DATE,
				subscription_id VARCHAR, is_trial BOOLEAN, sku_part_number VARCHAR, total_licenses INTEGER,
				next_lifecycle_at TIMESTAMPTZ, days_to_renewal INTEGER)`)
			mustExec(t, db, `CREATE TEMP TABLE stg_prices (tenant VARCHAR, snapshot_date DATE, sku_key VARCHAR,
				unit_price_annual DECIMAL(18,2))`)
			mustExec(t, db, `CREATE TEMP TABLE calc_mart_rightsizing (tenant VARCHAR, snapshot_date DATE, as_of DATE,
				to_sku VARCHAR)`)
			runModels(t, db, "utc_date", "thresholds")
			runMarts(t, db, "mart_findings")
			got := strs(t, db, `SELECT severity || '|' || code || '|' || subject FROM calc_mart_findings
				WHERE code IN ('signal_unavailable', 'signin_logs_truncated', 'powerbi_window_short') ORDER BY 1`)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings: got %v, want %v", got, tc.want)
			}
		})
	}
}
