-- 30_mart_reclamation_candidates: licences to reclaim, with why, what to
-- do, what it saves and the evidence.
-- Grain: one row per tenant × user × SKU with at least one reason, not
-- excluded, not an ignored SKU (latest snapshot). Excluded rows are in
-- mart_reclamation_excluded with the exclusion's reason.
-- Inputs: stg_candidates.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_reclamation_candidates AS
SELECT * EXCLUDE (exclusion_reason) FROM stg_candidates WHERE exclusion_reason IS NULL;
