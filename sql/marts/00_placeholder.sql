-- 00_placeholder: replaced by the marts (issue 3).
SELECT 1;
