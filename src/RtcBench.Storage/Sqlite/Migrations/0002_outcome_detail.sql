-- 0002: a run's outcome keeps its evidence and when it was noticed (DESIGN §4b: outcome failed, reason echo-lost,
-- "detail": "SCTP ABORT from the agent", "noticed_at": …). Ping status 'abandoned' needs no change: status is text.
ALTER TABLE runs ADD COLUMN outcome_detail TEXT;
ALTER TABLE runs ADD COLUMN outcome_noticed_at INTEGER;     -- unix µs UTC; null unless the outcome has a time
