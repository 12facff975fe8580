-- 08_rightsizing: mart_rightsizing_history, one row per tenant × user ×
-- from SKU × rule × snapshot, expanded from its versions over the committed
-- snapshots (see schema/0013_rightsizing.sql).
CREATE OR REPLACE VIEW mart_rightsizing_history AS
SELECT v.tenant, s.snapshot_date, n.as_of, v.user_id, v.user_principal_name, v.from_sku, v.to_sku, v.rule, n.evidence,
    v.annual_saving, n.reducible_from, v.confidence, v.currency, v.from_sku_id, v.display_name, v.department, v.cost_center
FROM mart_rightsizing_history_versions v
JOIN snapshots s ON s.tenant = v.tenant AND v.valid_from <= s.snapshot_date AND (v.valid_to IS NULL OR s.snapshot_date < v.valid_to)
JOIN mart_rightsizing_history_nightly n ON n.tenant = v.tenant AND n.snapshot_date = s.snapshot_date AND n.row_key = v.row_key;
