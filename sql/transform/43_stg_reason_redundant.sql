-- 43_stg_reason_redundant: reason 3, redundant: licence rows whose SKU
-- another SKU of the same user contains.
-- Grain: one row per tenant × snapshot_date × user × SKU the reason holds for.
-- Inputs: stg_license_rows, stg_sku_subsets, stg_sku_planset,
--         ref_sku_contains.
-- Boundaries pinned by sql/stg_reason_redundant_test.go.
--
-- Redundant: the user also holds another SKU that contains this one: its
-- enabled plans include every enabled plan of this one (this one having at
-- least one: a licence with every plan disabled contains nothing to compare),
-- or the curated table says so. Two SKUs with identical enabled plans would
-- contain each other: then only one is redundant, the one with the
-- lexically later part number, then the later sku_id (MCOPSTN5 has two).
-- redundant_with names the first containing part number.
--
-- Speed: comparing plan lists is costly (suites carry 50+ plans), so the
-- subset test runs once per pair of SKUs of a snapshot (stg_sku_subsets);
-- only licence pairs where a row disables plans compare their own lists.
CREATE OR REPLACE TEMP VIEW stg_reason_redundant AS
WITH held AS MATERIALIZED (
    -- own_plans: the row's enabled plans when it disables some, else NULL
    -- (the SKU's plans apply); lists are only carried where needed.
    -- Users with one licence make no pair: only the others' rows are
    -- held, which halves the self-join below.
    SELECT tenant, snapshot_date, user_id, sku_id, sku_part_number, enabled_plans AS own_plans
    FROM stg_license_rows
    WHERE (tenant, snapshot_date, user_id) IN (
        SELECT (tenant, snapshot_date, user_id) FROM stg_license_rows GROUP BY ALL HAVING count(*) > 1)
), pairs AS (
    SELECT a.tenant, a.snapshot_date, a.user_id, a.sku_id, a.sku_part_number AS part, a.own_plans,
        b.sku_id AS b_sku, b.sku_part_number AS b_part, b.own_plans AS b_own_plans,
        a.sku_part_number > b.sku_part_number OR (a.sku_part_number = b.sku_part_number AND a.sku_id > b.sku_id) AS later,
        c.container IS NOT NULL AS curated
    FROM held a
    JOIN held b ON b.tenant = a.tenant AND b.snapshot_date = a.snapshot_date AND b.user_id = a.user_id AND b.sku_id <> a.sku_id
    LEFT JOIN (SELECT DISTINCT upper(container) AS container, upper(contained) AS contained FROM ref_sku_contains) c
        ON c.container = upper(b.sku_part_number) AND c.contained = upper(a.sku_part_number)
), by_sku AS (
    -- Neither row disables plans: the SKU-level subset test decides.
    SELECT p.tenant, p.snapshot_date, p.user_id, p.sku_id, p.b_part
    FROM pairs p
    LEFT JOIN stg_sku_subsets ss ON ss.tenant = p.tenant AND ss.snapshot_date = p.snapshot_date
        AND ss.contained = p.sku_id AND ss.container = p.b_sku
    WHERE p.own_plans IS NULL AND p.b_own_plans IS NULL
      AND (p.curated OR (ss.container IS NOT NULL AND (NOT ss.equal OR p.later)))
), by_row AS (
    -- A row disables plans: compare the rows' own enabled plans.
    SELECT tenant, snapshot_date, user_id, sku_id, b_part
    FROM (
        SELECT p.*, coalesce(p.own_plans, pa.plan_ids, []) AS plans, coalesce(p.b_own_plans, pb.plan_ids, []) AS b_plans
        FROM pairs p
        LEFT JOIN stg_sku_planset pa ON pa.tenant = p.tenant AND pa.snapshot_date = p.snapshot_date AND pa.sku_id = p.sku_id
        LEFT JOIN stg_sku_planset pb ON pb.tenant = p.tenant AND pb.snapshot_date = p.snapshot_date AND pb.sku_id = p.b_sku
        WHERE p.own_plans IS NOT NULL OR p.b_own_plans IS NOT NULL
    )
    WHERE curated OR (len(plans) > 0 AND list_has_all(b_plans, plans) AND (NOT list_has_all(plans, b_plans) OR later))
)
SELECT tenant, snapshot_date, user_id, sku_id, min(b_part) AS redundant_with
FROM (SELECT * FROM by_sku UNION ALL SELECT * FROM by_row)
GROUP BY ALL;
