-- 34_stg_assignment: how each user holds each SKU: directly (a state
-- without assignedByGroup) and/or through groups; the earliest state update.
-- Grain: one row per tenant × snapshot_date × user × SKU with an
-- assignment state.
-- Inputs: raw_license_assignment_states.
CREATE OR REPLACE TEMP VIEW stg_assignment AS
SELECT tenant, snapshot_date, user_id, lower(sku_id) AS sku_id,
    bool_or(assigned_by_group IS NULL) AS assigned_direct,
    coalesce(list_sort(list_distinct(list(lower(assigned_by_group)) FILTER (WHERE assigned_by_group IS NOT NULL))), []) AS assigned_by_groups,
    min(last_updated_date_time) AS first_updated
FROM raw_license_assignment_states GROUP BY ALL;
