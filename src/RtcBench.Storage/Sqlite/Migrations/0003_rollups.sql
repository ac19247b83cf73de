-- 0003: rollups maintained at ingest (issue 18). One row per grain (3600 s: an hour, 86400 s: a UTC day) ×
-- platform × location × channel × bucket: the merged RTT histogram of the runs that started in the bucket, their
-- counts, and the sums that pool mean and jitter exactly (mean_sum = Σ rtt_mean·ok over mean_count = Σ ok;
-- jitter_sum = Σ mean|ΔRTT|·(ok−1) over pairs = Σ (ok−1)), as the aggregation over runs does.
-- location_key: '0' for runs without a location, '1' || location otherwise (a NOT NULL key column).
-- The store rebuilds this table from runs right after applying this migration to a store that has runs.

CREATE TABLE rollups (
    grain_s         INTEGER NOT NULL,               -- 3600 | 86400
    platform        TEXT    NOT NULL,
    location_key    TEXT    NOT NULL,
    location        TEXT,
    channel         TEXT    NOT NULL,
    bucket_start    INTEGER NOT NULL,               -- unix µs UTC, a multiple of grain_s
    runs            INTEGER NOT NULL,
    sent            INTEGER NOT NULL,
    ok              INTEGER NOT NULL,
    lost            INTEGER NOT NULL,
    late            INTEGER NOT NULL,
    mean_count      INTEGER NOT NULL,
    mean_sum        REAL    NOT NULL,
    pairs           INTEGER NOT NULL,
    jitter_sum      REAL    NOT NULL,
    undecodable     INTEGER NOT NULL,     -- runs whose stored histogram does not decode (then queries read runs)
    histogram       BLOB    NOT NULL,               -- merged histogram (LogHistogram encoding); empty when no ok ping
    PRIMARY KEY (grain_s, platform, location_key, channel, bucket_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX ix_rollups_grain_bucket ON rollups (grain_s, bucket_start);
