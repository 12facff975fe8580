-- 01_thresholds: the findings' fixed thresholds (README, "Findings"),
-- declared here once as macros that the marts read:
--   stale_report_days()     a usage report refreshed more than this many
--                           days before the snapshot date is stale;
--   expiring_within_days()  a subscription whose next lifecycle date is
--                           0 to this many days after as_of is expiring;
--   mailbox_limit_bytes()   50 GB (Exchange's unit, 50 x 2^30 bytes): a
--                           shared mailbox up to it needs no licence, and
--                           the E1 mailbox holds it (mart_rightsizing).
-- Grain: scalar macros, no rows.
-- Inputs: none. Boundaries pinned by sql/mart_findings_test.go and
-- cmd/seatledger/signals_test.go.
CREATE OR REPLACE TEMP MACRO stale_report_days() AS 7;
CREATE OR REPLACE TEMP MACRO expiring_within_days() AS 30;
CREATE OR REPLACE TEMP MACRO mailbox_limit_bytes() AS 53687091200;
