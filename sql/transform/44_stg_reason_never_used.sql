-- 44_stg_reason_never_used: reason 4, never_used: the licence has a usage
-- signal, the user is in every source that judges one of the row's
-- workloads and signals (in_sources: the usage report, the Copilot report,
-- the Apps report, signInActivity), none of them shows an activity date,
-- a signal other than the Power BI sign-in logs judges it (never_active),
-- and it was assigned at least grace_days before as_of. A user absent
-- from one of those sources, or a concealed report without a sign-in
-- signal (no usage signal), gives no activity reason.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_activity (never_active and past_grace are defined
--         there).
-- Boundaries pinned by sql/stg_reason_never_used_test.go.
CREATE OR REPLACE TEMP VIEW stg_reason_never_used AS
SELECT tenant, snapshot_date, user_id, sku_id, assigned_at, grace_days
FROM stg_license_activity
WHERE never_active
  AND past_grace;
