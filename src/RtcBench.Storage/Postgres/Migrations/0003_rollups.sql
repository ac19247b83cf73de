-- 0003: rollups maintained at ingest (issue 18), the PostgreSQL twin of Sqlite/Migrations/0003_rollups.sql.
-- One row per grain (3600 s: an hour, 86400 s: a UTC day) × platform × location × channel × bucket: the merged RTT
-- histogram of the runs that started in the bucket, their counts, and the sums that pool mean and jitter exactly
-- (mean_sum = Σ rtt_mean·ok over mean_count = Σ ok; jitter_sum = Σ mean|ΔRTT|·(ok−1) over pairs = Σ (ok−1)).
-- location_key: '0' for runs without a location, '1' || location otherwise (a NOT NULL key column).
-- The store rebuilds this table from runs right after applying this migration to a store that has runs.

CREATE TABLE rollups (
    grain_s         integer          NOT NULL,      -- 3600 | 86400
    platform        text             NOT NULL,
    location_key    text             NOT NULL,
    location        text,
    channel         text             NOT NULL,
    bucket_start    timestamptz      NOT NULL,      -- a multiple of grain_s since the epoch
    runs            bigint           NOT NULL,
    sent            bigint           NOT NULL,
    ok              bigint           NOT NULL,
    lost            bigint           NOT NULL,
    late            bigint           NOT NULL,
    mean_count      bigint           NOT NULL,
    mean_sum        double precision NOT NULL,
    pairs           bigint           NOT NULL,
    jitter_sum      double precision NOT NULL,
    undecodable     bigint           NOT NULL,     -- runs whose stored histogram does not decode (then queries read runs)
    histogram       bytea            NOT NULL,      -- merged histogram (LogHistogram encoding); empty when no ok ping
    PRIMARY KEY (grain_s, platform, location_key, channel, bucket_start)
);

CREATE INDEX ix_rollups_grain_bucket ON rollups (grain_s, bucket_start);
