-- 0009: rollups pre-merged across locations (issue 18: a year of weekly buckets over the whole fleet). One row per
-- grain (the five of `rollups`) × platform × channel × bucket: the runs of every location (and of none) that started
-- in the bucket, merged as the rows of `rollups` are (the same sums and merged histogram), plus `locations`: the
-- distinct location keys of those runs ('0' for none, '1' || name, as rollups.location_key), sorted by code point and
-- joined by a line feed (names hold no control characters). A query across locations without a location filter reads
-- these instead of merging one row per location. Every save adds its run to its five rows in its transaction.
-- Right after this script, in the same transaction, the store fills the table from the rows of `rollups` (the
-- histograms are merged in the store, which SQL cannot do); nothing is read from the runs.

CREATE TABLE rollups_all_locations (
    grain_s         integer          NOT NULL,      -- 3600 | 21600 | 86400 | 604800 | 2419200
    bucket_start    timestamptz      NOT NULL,      -- a multiple of grain_s since the epoch
    platform        text             NOT NULL,
    channel         text             NOT NULL,
    locations       text             NOT NULL,      -- the location keys pooled, sorted, '\n'-joined
    runs            bigint           NOT NULL,
    sent            bigint           NOT NULL,
    ok              bigint           NOT NULL,
    lost            bigint           NOT NULL,
    late            bigint           NOT NULL,
    mean_count      bigint           NOT NULL,
    mean_sum        double precision NOT NULL,
    pairs           bigint           NOT NULL,
    jitter_sum      double precision NOT NULL,
    undecodable     bigint           NOT NULL,
    histogram       bytea            NOT NULL,
    -- A window is a range of bucket starts per grain: one range scan.
    PRIMARY KEY (grain_s, bucket_start, platform, channel)
);
