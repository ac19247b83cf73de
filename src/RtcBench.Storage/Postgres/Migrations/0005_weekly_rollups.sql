-- 0005: weekly rollups (issue 18). The rollups table gains rows of grain 604800 s: seven days from a Thursday
-- 00:00 UTC (aligned to the unix epoch, as result buckets are), so a year is read as ~52 rows per series instead
-- of 364 daily ones. The rows are emptied here and the store rebuilds them all (hours, days, weeks) from the runs
-- right after applying this migration to a store that has runs.
DELETE FROM rollups;
