-- 31_mart_reclamation_excluded: the licences to reclaim that an exclusion
-- keeps out, with the exclusion's reason.
-- Grain: one row per tenant × user × SKU with at least one reason, excluded,
-- not an ignored SKU (latest snapshot).
-- Inputs: stg_candidates.
-- Computed once per snapshot as calc_<mart> (a temporary table of the
-- committing connection); load writes it into <mart>_history and, for the
-- tenant's newest snapshot, into the latest table <mart>.
CREATE OR REPLACE TEMP TABLE calc_mart_reclamation_excluded AS
SELECT * FROM stg_candidates WHERE exclusion_reason IS NOT NULL;
