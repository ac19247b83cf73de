-- 0002: a run's outcome keeps its evidence and when it was noticed (DESIGN §4b), the twin of
-- Sqlite/Migrations/0002_outcome_detail.sql. Ping status 'abandoned' needs no change: status is text.
ALTER TABLE runs ADD COLUMN outcome_detail text;
ALTER TABLE runs ADD COLUMN outcome_noticed_at timestamptz;  -- microseconds, UTC; null unless the outcome has a time
