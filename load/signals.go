package load

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// The reports behind the further usage signals (extract/signals.go), one
// raw relation each (sql/schema/0012_usage_signals.sql). Each is an
// optional dataset: DatasetStatus with ok false discards its rows.

// copilotColumns are raw_copilot_usage's columns; the app dates are in the
// order of extract.CopilotApps.
var copilotColumns = withKey("report_period", "report_refresh_date", "user_principal_name", "display_name",
	"last_activity_date",
	"copilot_chat_last_activity_date", "teams_copilot_last_activity_date", "word_copilot_last_activity_date",
	"excel_copilot_last_activity_date", "powerpoint_copilot_last_activity_date", "outlook_copilot_last_activity_date",
	"onenote_copilot_last_activity_date", "loop_copilot_last_activity_date")

// appsColumns are raw_apps_usage's columns: the platform flags, the app
// flags and one flag per app × platform (outlook_windows, outlook_mac, …),
// named and ordered after extract.OfficePlatforms and extract.OfficeApps.
var appsColumns = func() []string {
	cols := withKey("report_period", "report_refresh_date", "user_principal_name", "last_activation_date",
		"last_activity_date")
	for _, p := range extract.OfficePlatforms {
		cols = append(cols, strings.ToLower(p))
	}
	for _, a := range extract.OfficeApps {
		cols = append(cols, strings.ToLower(a))
	}
	for _, a := range extract.OfficeApps {
		for _, p := range extract.OfficePlatforms {
			cols = append(cols, strings.ToLower(a)+"_"+strings.ToLower(p))
		}
	}
	return cols
}()

// activationColumns are raw_office_activations' columns: one row per user
// × product type, the device counts per platform.
var activationColumns = withKey("report_refresh_date", "user_principal_name", "display_name", "product_type",
	"last_activated_date", "windows", "mac", "windows10_mobile", "ios", "android", "activated_on_shared_computer")

// mailboxColumns are raw_mailbox_usage's columns.
var mailboxColumns = withKey("report_period", "report_refresh_date", "user_principal_name", "display_name",
	"is_deleted", "deleted_date", "created_date", "last_activity_date", "item_count", "storage_used_bytes",
	"issue_warning_quota_bytes", "prohibit_send_quota_bytes", "prohibit_send_receive_quota_bytes",
	"deleted_item_count", "deleted_item_size_bytes", "deleted_item_quota_bytes", "has_archive", "recipient_type")

// The periods each report takes: the Copilot usage report also ALL.
var (
	copilotPeriods = []string{"D7", "D30", "D90", "D180", "ALL"}
	signalPeriods  = []string{"D7", "D30", "D90", "D180"}
)

// checkPeriod refuses a period the report does not take.
func checkPeriod(report, period string, periods []string) error {
	for _, p := range periods {
		if p == period {
			return nil
		}
	}
	return fmt.Errorf("%s period %q: want %s or %s", report, period,
		strings.Join(periods[:len(periods)-1], ", "), periods[len(periods)-1])
}

// nullTri is a BOOLEAN column of a report flag: Unknown is NULL.
func nullTri(v extract.Tri) driver.Value {
	switch v {
	case extract.Yes:
		return true
	case extract.No:
		return false
	}
	return nil
}

// nullCount is a BIGINT column of a report number: an unknown one is NULL.
func nullCount(c extract.Count) driver.Value {
	if !c.Known {
		return nil
	}
	return c.N
}

// appendSignal appends one row of dataset to table; n is the dataset's
// row count, advanced when the row is in. A failure fails the snapshot and
// names the row by its number (a row's names are user data).
func (s *Snapshot) appendSignal(dataset, table string, n *int64, vals ...driver.Value) error {
	if err := s.row(table, vals...); err != nil {
		return s.fail(fmt.Errorf("append %s row %d: %w", dataset, *n+1, err))
	}
	*n++
	return s.maybeFlush()
}

// AppendCopilotUsage appends one row of the Microsoft 365 Copilot usage
// report read for period (D7, D30, D90, D180 or ALL) to
// raw_copilot_usage. Rows are buffered by the appender, so calling it per
// row is cheap.
func (s *Snapshot) AppendCopilotUsage(period string, r extract.CopilotUsageRow) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := checkPeriod("copilot usage report", period, copilotPeriods); err != nil {
		return err
	}
	a := r.AppLastActivity
	return s.appendSignal("copilot_usage", "raw_copilot_usage", &s.counts.CopilotRows,
		period, date(r.ReportRefreshDate), str(r.UserPrincipalName), str(r.DisplayName), date(r.LastActivityDate),
		date(a[0]), date(a[1]), date(a[2]), date(a[3]), date(a[4]), date(a[5]), date(a[6]), date(a[7]))
}

// AppendAppsUsage appends one row of the Microsoft 365 Apps usage report
// read for period (D7, D30, D90 or D180) to raw_apps_usage; Unknown flags
// are NULL.
func (s *Snapshot) AppendAppsUsage(period string, r extract.AppsUsageRow) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := checkPeriod("apps usage report", period, signalPeriods); err != nil {
		return err
	}
	// One buffer serves every row: the appender copies the values.
	vals := append(s.scratch[:0], period, date(r.ReportRefreshDate), str(r.UserPrincipalName),
		date(r.LastActivationDate), date(r.LastActivityDate))
	for _, f := range r.Platform {
		vals = append(vals, nullTri(f))
	}
	for _, f := range r.App {
		vals = append(vals, nullTri(f))
	}
	for _, app := range r.AppPlatform {
		for _, f := range app {
			vals = append(vals, nullTri(f))
		}
	}
	s.scratch = vals
	return s.appendSignal("apps_usage", "raw_apps_usage", &s.counts.AppsRows, vals...)
}

// AppendActivation appends one row of the Office activations report (it
// has no period) to raw_office_activations; unknown counts are NULL.
func (s *Snapshot) AppendActivation(r extract.ActivationRow) error {
	if err := s.usable(); err != nil {
		return err
	}
	return s.appendSignal("office_activations", "raw_office_activations", &s.counts.ActivationRows,
		date(r.ReportRefreshDate), str(r.UserPrincipalName), str(r.DisplayName), str(r.ProductType),
		date(r.LastActivatedDate), nullCount(r.Windows), nullCount(r.Mac), nullCount(r.Windows10Mobile), nullCount(r.IOS),
		nullCount(r.Android), nullTri(r.ActivatedOnSharedComputer))
}

// AppendMailboxUsage appends one row of the mailbox usage report read for
// period (D7, D30, D90 or D180) to raw_mailbox_usage; unknown counts and
// flags are NULL.
func (s *Snapshot) AppendMailboxUsage(period string, r extract.MailboxUsageRow) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := checkPeriod("mailbox usage report", period, signalPeriods); err != nil {
		return err
	}
	return s.appendSignal("mailbox_usage", "raw_mailbox_usage", &s.counts.MailboxRows,
		period, date(r.ReportRefreshDate), str(r.UserPrincipalName), str(r.DisplayName), r.IsDeleted,
		date(r.DeletedDate), date(r.CreatedDate), date(r.LastActivityDate), nullCount(r.ItemCount),
		nullCount(r.StorageUsedBytes), nullCount(r.IssueWarningQuotaBytes), nullCount(r.ProhibitSendQuotaBytes),
		nullCount(r.ProhibitSendReceiveBytes), nullCount(r.DeletedItemCount), nullCount(r.DeletedItemSizeBytes),
		nullCount(r.DeletedItemQuotaBytes), nullTri(r.HasArchive), str(r.RecipientType))
}

// AppendSignInActivity appends one user's signInActivity to
// raw_signin_activity, each date the UTC day of its time (NULL when
// Graph sent null).
func (s *Snapshot) AppendSignInActivity(r extract.SignInActivity) error {
	if err := s.usable(); err != nil {
		return err
	}
	return s.appendSignal("signin_activity", "raw_signin_activity", &s.counts.SignInActivity,
		str(r.UserID), date(r.LastSignIn), date(r.LastNonInteractive), date(r.LastSuccessful))
}

// SignInUser is what one read of the sign-in logs saw of one user and
// application: the latest successful sign-in (zero when none) and the
// successful and failed events.
type SignInUser struct {
	UserID              string
	LastSuccess         time.Time
	Successes, Failures int64
}

// AppendPowerBISignIns appends one read of the Power BI service's sign-in
// logs: its window to raw_signin_log_reads, and one row per user seen to
// raw_powerbi_signins.
func (s *Snapshot) AppendPowerBISignIns(win extract.SignInWindow, events int64, users []SignInUser) error {
	if err := s.usable(); err != nil {
		return err
	}
	var reads int64
	if err := s.appendSignal("powerbi_signins", "raw_signin_log_reads", &reads,
		extract.PowerBIAppID, ts(win.From), ts(win.To), int64(win.Pages), events, win.Truncated); err != nil {
		return err
	}
	for _, u := range users {
		if err := s.appendSignal("powerbi_signins", "raw_powerbi_signins", &s.counts.PowerBIUsers,
			str(u.UserID), ts(u.LastSuccess), u.Successes, u.Failures); err != nil {
			return err
		}
	}
	return nil
}
