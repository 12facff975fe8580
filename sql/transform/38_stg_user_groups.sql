-- 35_stg_user_groups: every group that assigns any licence to a user (for
-- group exclusions).
-- Grain: one row per tenant × snapshot_date × user assigned by a group.
-- Inputs: raw_license_assignment_states.
CREATE OR REPLACE TEMP VIEW stg_user_groups AS
SELECT tenant, snapshot_date, user_id, list_distinct(list(lower(assigned_by_group))) AS groups
FROM raw_license_assignment_states WHERE assigned_by_group IS NOT NULL GROUP BY ALL;
