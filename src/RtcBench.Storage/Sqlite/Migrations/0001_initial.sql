-- 0001: runs and pings (DESIGN §5).
-- Times: *_at INTEGER columns are unix microseconds UTC (range queries); runs also keep the exact ISO 8601 text.
-- Durations are microseconds (REAL). Tables are STRICT so a wrong type is an error, not a silent conversion.

CREATE TABLE runs (
    id                  TEXT    NOT NULL PRIMARY KEY,   -- 32 lower-case hex digits
    schema              TEXT    NOT NULL,               -- result document schema, e.g. rtcbench.run/1
    tool_version        TEXT    NOT NULL,
    platform            TEXT    NOT NULL,
    channel             TEXT    NOT NULL,               -- reliable | lossy
    transport_mode      TEXT,
    location            TEXT,
    latitude            REAL,
    longitude           REAL,
    agent_location      TEXT,
    runner_host         TEXT,
    started_at          INTEGER NOT NULL,               -- unix µs UTC, rounded down
    ended_at            INTEGER NOT NULL,
    started_at_utc      TEXT    NOT NULL,               -- exact, e.g. 2026-11-21T23:24:24.1234567+00:00
    ended_at_utc        TEXT    NOT NULL,
    count               INTEGER NOT NULL,               -- configuration
    interval_ms         REAL    NOT NULL,
    warmup              INTEGER NOT NULL,
    deadline_ms         REAL    NOT NULL,
    payload_bytes       INTEGER NOT NULL,
    schedule            TEXT    NOT NULL,               -- fixed | poisson
    seed                INTEGER,
    outcome_status      TEXT    NOT NULL,               -- ok | partial | failed
    outcome_reason      TEXT,
    sent                INTEGER NOT NULL,               -- headline statistics, denormalised for queries
    ok                  INTEGER NOT NULL,
    lost                INTEGER NOT NULL,
    late                INTEGER NOT NULL,
    loss_rate           REAL    NOT NULL,
    rtt_p50_us          REAL,
    rtt_p95_us          REAL,
    rtt_p99_us          REAL,
    rtt_mean_us         REAL,
    jitter_rfc3550_us   REAL,
    stats_json          TEXT    NOT NULL,               -- the full RunStatistics (ResultJson.Options)
    path_json           TEXT,                           -- PathInfo (ResultJson.Options)
    histogram_encoding  TEXT    NOT NULL,
    histogram_unit      TEXT    NOT NULL,
    histogram_relative_accuracy REAL NOT NULL,
    histogram_count     INTEGER NOT NULL,
    histogram           BLOB    NOT NULL                -- the serialised histogram bytes
) STRICT;

CREATE INDEX ix_runs_started_at ON runs (started_at);
CREATE INDEX ix_runs_platform_location_started_at ON runs (platform, location, started_at);
CREATE INDEX ix_runs_location_started_at ON runs (location, started_at);
CREATE INDEX ix_runs_channel_started_at ON runs (channel, started_at);

CREATE TABLE pings (
    run_id              TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq                 INTEGER NOT NULL,
    status              TEXT    NOT NULL,               -- ok | lost | late | warmup | not_sent
    scheduled_at        INTEGER NOT NULL,               -- unix µs UTC
    sent_at             INTEGER,                        -- unix µs UTC; null when never sent
    send_delay_us       REAL,
    rtt_us              REAL,                           -- null when no pong arrived
    net_rtt_us          REAL,
    PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;
