-- 00_utc_date: the macro utc_date(ts), the UTC calendar date of a
-- TIMESTAMPTZ whatever the session's TimeZone (a plain CAST uses it:
-- https://duckdb.org/docs/sql/data_types/timestamp).
-- Grain: a scalar macro, no rows.
-- Inputs: none. Used wherever a timestamp becomes a day (assignment ages,
-- renewal dates).
CREATE OR REPLACE TEMP MACRO utc_date(ts) AS CAST(timezone('UTC', ts) AS DATE);
