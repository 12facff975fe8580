-- 05_raw: the raw_<x> relations, one row per tenant snapshot as Graph sent
-- it, expanded from the validity intervals of raw_<x>_versions over the
-- committed snapshots (see schema/0005_versions.sql). run_id is the run
-- that wrote the snapshot.

CREATE OR REPLACE VIEW raw_users AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.id, v.user_principal_name, v.display_name, v.mail, v.department, v.cost_center, v.company_name, v.country, v.usage_location, v.user_type, v.account_enabled, v.created_date_time,
    v.on_premises_distinguished_name, v.on_premises_sync_enabled
FROM raw_users_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_user_licenses AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.user_id, v.sku_id, v.disabled_plans
FROM raw_user_licenses_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_license_assignment_states AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.user_id, v.sku_id, v.assigned_by_group, v.state, v.error, v.disabled_plans, v.last_updated_date_time
FROM raw_license_assignment_states_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_subscribed_skus AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.id, v.sku_id, v.sku_part_number, v.account_id, v.account_name, v.applies_to, v.capability_status, v.consumed_units, v.enabled_units, v.suspended_units, v.warning_units, v.locked_out_units, v.subscription_ids
FROM raw_subscribed_skus_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_sku_service_plans AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.sku_id, v.service_plan_id, v.service_plan_name, v.provisioning_status, v.applies_to
FROM raw_sku_service_plans_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_subscriptions AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.id, v.commerce_subscription_id, v.sku_id, v.sku_part_number, v.status, v.is_trial, v.total_licenses, v.created_date_time, v.next_lifecycle_date_time, v.owner_id, v.owner_tenant_id, v.owner_type
FROM raw_subscriptions_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_subscription_service_plans AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.subscription_id, v.service_plan_id, v.service_plan_name, v.provisioning_status, v.applies_to
FROM raw_subscription_service_plans_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_report_settings AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.display_concealed_names
FROM raw_report_settings_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_groups AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.id, v.display_name
FROM raw_groups_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_group_licenses AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.group_id, v.sku_id, v.disabled_plans
FROM raw_group_licenses_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_usage_report AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.report_period, n.report_refresh_date, v.user_principal_name, v.display_name, v.is_deleted, v.deleted_date, v.has_exchange_license, v.has_onedrive_license, v.has_sharepoint_license, v.has_skype_license, v.has_yammer_license, v.has_teams_license, n.exchange_last_activity_date, n.onedrive_last_activity_date, n.sharepoint_last_activity_date, n.skype_last_activity_date, n.yammer_last_activity_date, n.teams_last_activity_date, v.exchange_license_assign_date, v.onedrive_license_assign_date, v.sharepoint_license_assign_date, v.skype_license_assign_date, v.yammer_license_assign_date, v.teams_license_assign_date, v.assigned_products
FROM raw_usage_report_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_usage_report_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_dataset_status AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.dataset, v.ok, v.rows, v.error
FROM raw_dataset_status_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

-- The reports behind the further usage signals (schema/0012_usage_signals.sql):
-- one row per tenant snapshot and report row; the flags and counts a report
-- left empty are NULL.

CREATE OR REPLACE VIEW raw_copilot_usage AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.report_period, n.report_refresh_date, v.user_principal_name, v.display_name, n.last_activity_date,
    n.copilot_chat_last_activity_date, n.teams_copilot_last_activity_date, n.word_copilot_last_activity_date, n.excel_copilot_last_activity_date,
    n.powerpoint_copilot_last_activity_date, n.outlook_copilot_last_activity_date, n.onenote_copilot_last_activity_date, n.loop_copilot_last_activity_date
FROM raw_copilot_usage_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_copilot_usage_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_apps_usage AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.report_period, n.report_refresh_date, v.user_principal_name, n.last_activation_date, n.last_activity_date,
    v.windows, v.mac, v.mobile, v.web, v.outlook, v.word, v.excel, v.powerpoint, v.onenote, v.teams,
    v.outlook_windows, v.outlook_mac, v.outlook_mobile, v.outlook_web,
    v.word_windows, v.word_mac, v.word_mobile, v.word_web,
    v.excel_windows, v.excel_mac, v.excel_mobile, v.excel_web,
    v.powerpoint_windows, v.powerpoint_mac, v.powerpoint_mobile, v.powerpoint_web,
    v.onenote_windows, v.onenote_mac, v.onenote_mobile, v.onenote_web,
    v.teams_windows, v.teams_mac, v.teams_mobile, v.teams_web
FROM raw_apps_usage_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_apps_usage_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_office_activations AS
SELECT v.tenant, s.snapshot_date, s.run_id, n.report_refresh_date, v.user_principal_name, v.display_name, v.product_type, v.last_activated_date,
    v.windows, v.mac, v.windows10_mobile, v.ios, v.android, v.activated_on_shared_computer
FROM raw_office_activations_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_office_activations_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_mailbox_usage AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.report_period, n.report_refresh_date, v.user_principal_name, v.display_name, v.is_deleted, v.deleted_date,
    v.created_date, n.last_activity_date, n.item_count, n.storage_used_bytes, v.issue_warning_quota_bytes, v.prohibit_send_quota_bytes,
    v.prohibit_send_receive_quota_bytes, n.deleted_item_count, n.deleted_item_size_bytes, v.deleted_item_quota_bytes, v.has_archive, v.recipient_type
FROM raw_mailbox_usage_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_mailbox_usage_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_signin_activity AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.user_id, n.last_sign_in_date, n.last_non_interactive_date, n.last_successful_date
FROM raw_signin_activity_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
LEFT JOIN raw_signin_activity_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;

CREATE OR REPLACE VIEW raw_powerbi_signins AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.user_id, v.last_success_at, v.successes, v.failures
FROM raw_powerbi_signins_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);

CREATE OR REPLACE VIEW raw_signin_log_reads AS
SELECT v.tenant, s.snapshot_date, s.run_id, v.app_id, v.window_from, v.window_to, v.pages, v.events, v.truncated
FROM raw_signin_log_reads_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to);
