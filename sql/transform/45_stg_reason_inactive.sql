-- 45_stg_reason_inactive: reason 5, inactive: the licence has a usage
-- signal, its last activity over the SKU's workloads is at least
-- inactivity_days before as_of (idle_days >= inactivity_days: with 90,
-- 90 idle days is inactive, 89 is not), and it was assigned at least
-- grace_days before as_of (30: 30 days ago is past grace, 29 is not).
-- A row judged by the Power BI sign-in logs needs their window to reach
-- inactivity_days (window_ok); without a date it is idle for the window's
-- length. No activity date otherwise (never used, or absent from the
-- report) and a concealed report without a sign-in signal (no usage
-- signal) give no inactive reason.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_activity (usage_signal, idle_days, window_ok and
--         past_grace are defined there).
-- Boundaries pinned by sql/stg_reason_inactive_test.go.
CREATE OR REPLACE TEMP VIEW stg_reason_inactive AS
SELECT tenant, snapshot_date, user_id, sku_id, last_activity_date, idle_days, inactivity_days
FROM stg_license_activity
WHERE usage_signal
  AND idle_days >= inactivity_days
  AND window_ok
  AND past_grace;
