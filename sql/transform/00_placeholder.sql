-- 00_placeholder: replaced by the staging transforms (issue 3).
SELECT 1;
