-- 0004: ping retention (issue 18). Raw pings may be deleted after a configurable window (serve --ping-retention);
-- the run row (statistics, histogram) and the rollups stay. pings_pruned_at says when a run's pings were deleted.
ALTER TABLE runs ADD COLUMN pings_pruned_at INTEGER;     -- unix µs, NULL while the pings are kept
