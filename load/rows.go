package load

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/seatledger/seatledger/extract"
)

// key is the leading columns of every raw_ table.
var key = []string{"tenant", "snapshot_date", "run_id"}

func withKey(cols ...string) []string { return append(append([]string{}, key...), cols...) }

// tableColumns lists the columns each appender fills, in the order the
// Append* methods pass values. Naming them (instead of relying on the
// table's order) keeps appends right when a migration adds a column.
var tableColumns = map[string][]string{
	"raw_users": withKey("id", "user_principal_name", "display_name", "mail", "department",
		"cost_center", "company_name", "country", "usage_location", "user_type", "account_enabled",
		"created_date_time", "on_premises_distinguished_name", "on_premises_sync_enabled"),
	"raw_user_licenses": withKey("user_id", "sku_id", "disabled_plans"),
	"raw_license_assignment_states": withKey("user_id", "sku_id", "assigned_by_group", "state", "error",
		"disabled_plans", "last_updated_date_time"),
	"raw_subscribed_skus": withKey("id", "sku_id", "sku_part_number", "account_id", "account_name",
		"applies_to", "capability_status", "consumed_units", "enabled_units", "suspended_units",
		"warning_units", "locked_out_units", "subscription_ids"),
	"raw_sku_service_plans": withKey("sku_id", "service_plan_id", "service_plan_name",
		"provisioning_status", "applies_to"),
	"raw_subscriptions": withKey("id", "commerce_subscription_id", "sku_id", "sku_part_number", "status",
		"is_trial", "total_licenses", "created_date_time", "next_lifecycle_date_time", "owner_id",
		"owner_tenant_id", "owner_type"),
	"raw_subscription_service_plans": withKey("subscription_id", "service_plan_id", "service_plan_name",
		"provisioning_status", "applies_to"),
	"raw_report_settings": withKey("display_concealed_names"),
	"raw_groups":          withKey("id", "display_name"),
	"raw_group_licenses":  withKey("group_id", "sku_id", "disabled_plans"),
	"raw_usage_report":    usageColumns,
	"raw_dataset_status":  withKey("dataset", "ok", "rows", "error"),
	// The usage signals (signals.go).
	"raw_copilot_usage":      copilotColumns,
	"raw_apps_usage":         appsColumns,
	"raw_office_activations": activationColumns,
	"raw_mailbox_usage":      mailboxColumns,
	"raw_signin_activity": withKey("user_id", "last_sign_in_date", "last_non_interactive_date",
		"last_successful_date"),
	"raw_powerbi_signins":  withKey("user_id", "last_success_at", "successes", "failures"),
	"raw_signin_log_reads": withKey("app_id", "window_from", "window_to", "pages", "events", "truncated"),
}

var usageColumns = withKey("report_period", "report_refresh_date", "user_principal_name", "display_name",
	"is_deleted", "deleted_date",
	"has_exchange_license", "has_onedrive_license", "has_sharepoint_license",
	"has_skype_license", "has_yammer_license", "has_teams_license",
	"exchange_last_activity_date", "onedrive_last_activity_date", "sharepoint_last_activity_date",
	"skype_last_activity_date", "yammer_last_activity_date", "teams_last_activity_date",
	"exchange_license_assign_date", "onedrive_license_assign_date", "sharepoint_license_assign_date",
	"skype_license_assign_date", "yammer_license_assign_date", "teams_license_assign_date",
	"assigned_products")

// datasetTables are the tables a dataset fills, emptied again when
// DatasetStatus reports the dataset failed. The names are those of
// raw_dataset_status.dataset.
var datasetTables = map[string][]string{
	"users":           {"raw_users", "raw_user_licenses", "raw_license_assignment_states"},
	"subscribed_skus": {"raw_subscribed_skus", "raw_sku_service_plans"},
	"subscriptions":   {"raw_subscriptions", "raw_subscription_service_plans"},
	"report_settings": {"raw_report_settings"},
	"groups":          {"raw_groups", "raw_group_licenses"},
	"usage_report":    {"raw_usage_report"},
	// The usage signals (signals.go).
	"copilot_usage":      {"raw_copilot_usage"},
	"apps_usage":         {"raw_apps_usage"},
	"office_activations": {"raw_office_activations"},
	"mailbox_usage":      {"raw_mailbox_usage"},
	"signin_activity":    {"raw_signin_activity"},
	"powerbi_signins":    {"raw_powerbi_signins", "raw_signin_log_reads"},
}

// row appends one row to table: the snapshot key, then vals.
func (s *Snapshot) row(table string, vals ...driver.Value) error {
	a, err := s.appender(table)
	if err != nil {
		return err
	}
	// The appender copies the values: one buffer serves every row.
	s.buf = append(s.buf[:0], s.tenant, s.date, s.runID)
	s.buf = append(s.buf, vals...)
	if err := a.AppendRow(s.buf...); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// str is a string column: Graph's empty strings and omitted fields both
// become NULL.
func str(v string) driver.Value {
	if v == "" {
		return nil
	}
	return v
}

// ts is a TIMESTAMPTZ column; the zero time is NULL.
func ts(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// date is a DATE column; the zero time is NULL.
func date(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return dateOf(t)
}

// nullBool is a BOOLEAN column; nil is NULL.
func nullBool(v *bool) driver.Value {
	if v == nil {
		return nil
	}
	return *v
}

// list is a VARCHAR[] column: absent and empty lists are both [].
func list(l []string) driver.Value {
	if l == nil {
		return []string{}
	}
	return l
}

// dateOf is the calendar date of t (its Year, Month, Day) at UTC midnight,
// which is how go-duckdb needs a DATE: it divides Unix seconds by 86400.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func nullString(v string) any { return str(v) }

func nullDate(t time.Time) any { return date(t) }

// AppendSKUs appends subscribedSkus to raw_subscribed_skus and their
// service plans to raw_sku_service_plans.
func (s *Snapshot) AppendSKUs(skus []extract.SKU) error {
	if err := s.usable(); err != nil {
		return err
	}
	for i, k := range skus {
		if k.SkuID == "" {
			return fmt.Errorf("subscribedSkus[%d] (id %s): skuId is empty", i, k.ID)
		}
		for j, p := range k.ServicePlans {
			if p.ServicePlanID == "" {
				return fmt.Errorf("sku %s: servicePlans[%d]: servicePlanId is empty", k.SkuID, j)
			}
		}
	}
	for _, k := range skus {
		if err := s.appendSKU(k); err != nil {
			return s.fail(fmt.Errorf("append sku %s: %w", k.SkuID, err))
		}
	}
	return nil
}

func (s *Snapshot) appendSKU(k extract.SKU) error {
	u := k.PrepaidUnits
	if err := s.row("raw_subscribed_skus", str(k.ID), k.SkuID, str(k.SkuPartNumber), str(k.AccountID),
		str(k.AccountName), str(k.AppliesTo), str(k.CapabilityStatus), k.ConsumedUnits,
		u.Enabled, u.Suspended, u.Warning, u.LockedOut, list(k.SubscriptionIDs)); err != nil {
		return err
	}
	s.counts.SKUs++
	for _, p := range k.ServicePlans {
		if err := s.row("raw_sku_service_plans", k.SkuID, p.ServicePlanID, str(p.ServicePlanName),
			str(p.ProvisioningStatus), str(p.AppliesTo)); err != nil {
			return err
		}
		s.counts.ServicePlans++
	}
	return nil
}

// AppendSubscriptions appends directory/subscriptions to raw_subscriptions
// and their serviceStatus to raw_subscription_service_plans.
func (s *Snapshot) AppendSubscriptions(subs []extract.Subscription) error {
	if err := s.usable(); err != nil {
		return err
	}
	for i, sub := range subs {
		if sub.ID == "" {
			return fmt.Errorf("subscriptions[%d]: id is empty", i)
		}
		for j, p := range sub.ServiceStatus {
			if p.ServicePlanID == "" {
				return fmt.Errorf("subscription %s: serviceStatus[%d]: servicePlanId is empty", sub.ID, j)
			}
		}
	}
	for _, sub := range subs {
		if err := s.appendSubscription(sub); err != nil {
			return s.fail(fmt.Errorf("append subscription %s: %w", sub.ID, err))
		}
	}
	return nil
}

func (s *Snapshot) appendSubscription(sub extract.Subscription) error {
	if err := s.row("raw_subscriptions", sub.ID, str(sub.CommerceSubscriptionID), str(sub.SkuID),
		str(sub.SkuPartNumber), str(sub.Status), sub.IsTrial, sub.TotalLicenses,
		ts(sub.CreatedDateTime), ts(sub.NextLifecycleDateTime), str(sub.OwnerID),
		str(sub.OwnerTenantID), str(sub.OwnerType)); err != nil {
		return err
	}
	s.counts.Subscriptions++
	for _, p := range sub.ServiceStatus {
		if err := s.row("raw_subscription_service_plans", sub.ID, p.ServicePlanID,
			str(p.ServicePlanName), str(p.ProvisioningStatus), str(p.AppliesTo)); err != nil {
			return err
		}
		s.counts.SubscriptionPlans++
	}
	return nil
}

// AppendGroups appends licence-carrying groups to raw_groups and their
// assignedLicenses to raw_group_licenses.
func (s *Snapshot) AppendGroups(groups []extract.Group) error {
	if err := s.usable(); err != nil {
		return err
	}
	for i, g := range groups {
		if g.ID == "" {
			return fmt.Errorf("groups[%d]: id is empty", i)
		}
		for j, l := range g.AssignedLicenses {
			if l.SkuID == "" {
				return fmt.Errorf("group %s: assignedLicenses[%d]: skuId is empty", g.ID, j)
			}
		}
	}
	for _, g := range groups {
		if err := s.appendGroup(g); err != nil {
			return s.fail(fmt.Errorf("append group %s: %w", g.ID, err))
		}
	}
	return nil
}

func (s *Snapshot) appendGroup(g extract.Group) error {
	if err := s.row("raw_groups", g.ID, str(g.DisplayName)); err != nil {
		return err
	}
	s.counts.Groups++
	for _, l := range g.AssignedLicenses {
		if err := s.row("raw_group_licenses", g.ID, l.SkuID, list(l.DisabledPlans)); err != nil {
			return err
		}
		s.counts.GroupLicenses++
	}
	return nil
}

// SetReportSettings records admin/reportSettings in raw_report_settings.
func (s *Snapshot) SetReportSettings(rs extract.ReportSettings) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.row("raw_report_settings", rs.DisplayConcealedNames); err != nil {
		return s.fail(err)
	}
	return nil
}

// DatasetStatus records in raw_dataset_status how dataset fared. When ok
// is false, the rows appended so far for a known dataset (users,
// subscribed_skus, subscriptions, report_settings, groups, usage_report,
// copilot_usage, apps_usage, office_activations, mailbox_usage) are
// discarded and its counts reset, so that no partial dataset is kept.
// err's text is stored.
func (s *Snapshot) DatasetStatus(dataset string, ok bool, rows int64, err error) error {
	if uerr := s.usable(); uerr != nil {
		return uerr
	}
	if dataset == "" {
		return errors.New("dataset status: dataset name is empty")
	}
	if !ok {
		if derr := s.discardTables(datasetTables[dataset]); derr != nil {
			return s.fail(fmt.Errorf("discard failed dataset %s: %w", dataset, derr))
		}
		s.resetCounts(dataset)
		// The next flush counts from what is left, not from the rows gone.
		s.flushedAt = min(s.flushedAt, s.appended())
	}
	var msg driver.Value
	if err != nil {
		msg = err.Error()
	}
	if aerr := s.row("raw_dataset_status", dataset, ok, rows, msg); aerr != nil {
		return s.fail(aerr)
	}
	return nil
}

func (s *Snapshot) resetCounts(dataset string) {
	c := &s.counts
	switch dataset {
	case "users":
		c.Users, c.Licenses, c.AssignmentStates = 0, 0, 0
	case "subscribed_skus":
		c.SKUs, c.ServicePlans = 0, 0
	case "subscriptions":
		c.Subscriptions, c.SubscriptionPlans = 0, 0
	case "groups":
		c.Groups, c.GroupLicenses = 0, 0
	case "usage_report":
		c.ReportRows, c.ReportRefreshDate = 0, time.Time{}
	case "copilot_usage":
		c.CopilotRows = 0
	case "apps_usage":
		c.AppsRows = 0
	case "office_activations":
		c.ActivationRows = 0
	case "mailbox_usage":
		c.MailboxRows = 0
	}
}
