-- 0009: rollups pre-merged across locations (issue 18: a year of weekly buckets over the whole fleet). One row per
-- grain (the five of `rollups`) × platform × channel × bucket: the runs of every location (and of none) that started
-- in the bucket, merged as the rows of `rollups` are (the same sums and merged histogram), plus `locations`: the
-- distinct location keys of those runs ('0' for none, '1' || name, as rollups.location_key), sorted by code point and
-- joined by a line feed (names hold no control characters). A query across locations without a location filter reads
-- these instead of merging one row per location. Every save adds its run to its five rows in its transaction.
-- Right after this script, in the same transaction, the store fills the table from the rows of `rollups` (the
-- histograms are merged in the store, which SQL cannot do); nothing is read from the runs.

CREATE TABLE rollups_all_locations (
    grain_s         INTEGER NOT NULL,               -- 3600 | 21600 | 86400 | 604800 | 2419200
    bucket_start    INTEGER NOT NULL,               -- unix µs UTC, a multiple of grain_s
    platform        TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    locations       TEXT    NOT NULL,               -- the location keys pooled, sorted, '\n'-joined
    runs            INTEGER NOT NULL,
    sent            INTEGER NOT NULL,
    ok              INTEGER NOT NULL,
    lost            INTEGER NOT NULL,
    late            INTEGER NOT NULL,
    mean_count      INTEGER NOT NULL,
    mean_sum        REAL    NOT NULL,
    pairs           INTEGER NOT NULL,
    jitter_sum      REAL    NOT NULL,
    undecodable     INTEGER NOT NULL,
    histogram       BLOB    NOT NULL,
    PRIMARY KEY (grain_s, bucket_start, platform, channel)
) STRICT, WITHOUT ROWID;
