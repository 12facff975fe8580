-- 20_stg_prices: the price of every SKU on each snapshot's as_of.
-- Grain: one row per tenant × snapshot_date × SKU part number that has a
-- price entry covering as_of (effective <= as_of <= expires, both
-- inclusive; NULL effective: since always; NULL expires: open-ended).
-- Where several entries cover it, the latest effective wins, then an
-- annual term, then the higher price. Part numbers compare case-insensitively.
-- Inputs: stg_snapshots, param_prices (annualised and converted into the
-- reporting currency by transform.ParamTables, DECIMAL rounded to the
-- currency's minor unit; unit_price_annual NULL when no fx rate).
CREATE OR REPLACE TEMP VIEW stg_prices AS
SELECT tenant, snapshot_date, upper(sku) AS sku_key, sku AS sku_part_number, term, unit_price,
    currency AS price_currency, billing, unit_price_annual_local, fx_rate, unit_price_annual
FROM (
    SELECT s.tenant, s.snapshot_date, p.*,
        row_number() OVER (PARTITION BY s.tenant, s.snapshot_date, upper(p.sku)
                           ORDER BY p.effective DESC NULLS LAST, (p.term = 'annual') DESC, p.unit_price DESC) AS rn
    FROM stg_snapshots s
    JOIN param_prices p ON (p.effective IS NULL OR p.effective <= s.as_of)
        AND (p.expires IS NULL OR s.as_of <= p.expires)
)
WHERE rn = 1;
