-- A placeholder for migration 0011, which another branch of issue 13 adds;
-- it keeps the numbers without a gap on this branch until the merge.
SELECT 1;
