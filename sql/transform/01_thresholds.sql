-- 01_thresholds: the findings' fixed thresholds (README, "Findings"),
-- declared here once as macros that the marts read:
--   stale_report_days()     a usage report refreshed more than this many
--                           days before the snapshot date is stale;
--   expiring_within_days()  a subscription whose next lifecycle date is
--                           0 to this many days after as_of is expiring.
-- Grain: scalar macros, no rows.
-- Inputs: none. Boundaries pinned by sql/mart_findings_test.go.
CREATE OR REPLACE TEMP MACRO stale_report_days() AS 7;
CREATE OR REPLACE TEMP MACRO expiring_within_days() AS 30;
