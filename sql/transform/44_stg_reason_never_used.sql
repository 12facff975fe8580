-- 44_stg_reason_never_used: reason 4, never_used: the licence has a usage
-- signal, the user is in every report that judges one of the row's
-- workloads and signals (in_sources: the usage report, the Copilot report,
-- the Apps report), none of them shows an activity date, and it was
-- assigned at least grace_days before as_of. A user absent from one of
-- those reports, or a concealed report (no usage signal), gives no
-- activity reason.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_activity (usage_signal, in_sources,
--         last_activity_date, past_grace are defined there).
-- Boundaries pinned by sql/stg_reason_never_used_test.go.
CREATE OR REPLACE TEMP VIEW stg_reason_never_used AS
SELECT tenant, snapshot_date, user_id, sku_id, assigned_at, grace_days
FROM stg_license_activity
WHERE usage_signal
  AND in_sources
  AND last_activity_date IS NULL
  AND past_grace;
