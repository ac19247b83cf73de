-- A failed run's evidence (DESIGN §4b): what the runner saw (outcome.detail) and when (outcome.noticed_at).
ALTER TABLE runs
    ADD COLUMN outcome_detail     text,
    ADD COLUMN outcome_noticed_at timestamptz;            -- whole microseconds, NULL when not given
