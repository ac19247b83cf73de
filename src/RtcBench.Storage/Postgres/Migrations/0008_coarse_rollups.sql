-- 0008: six-hour and four-week rollups (issue 18: a year over a fleet reads fewer rows). The rollups table gains
-- rows of grain 21600 s (six hours from 00:00, 06:00, 12:00, 18:00 UTC) and 2419200 s (28 days from a Thursday
-- 00:00 UTC, aligned to the unix epoch as weeks are; four whole weeks), so a year is read as ~13 four-week rows per
-- series plus the edges (weeks, days, six hours, hours) instead of ~52 weeks, 7 days and 23 hours.
-- The table keeps its layout and every existing row. Right after this script, in the same transaction, the store
-- fills the new rows by merging existing ones (six hours from their hours, four weeks from their weeks: the
-- histograms are merged in the store, which SQL cannot do), so nothing is read from the runs and nothing is lost.
SELECT 1;
