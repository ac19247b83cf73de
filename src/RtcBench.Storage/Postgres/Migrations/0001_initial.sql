-- 0001: runs and pings (DESIGN §5), the PostgreSQL twin of Sqlite/Migrations/0001_initial.sql.
-- Ids are uuid (16 bytes in every ping row; the API keeps the 32-hex text form, and uuid order equals that text's
-- order). Times are timestamptz (microseconds, UTC); a run's start/end also keep the 100 ns ticks below the
-- microsecond so they read back exactly. Durations are microseconds (double precision).

CREATE TABLE runs (
    id                  uuid             NOT NULL PRIMARY KEY,
    schema              text             NOT NULL,      -- result document schema, e.g. rtcbench.run/1
    tool_version        text             NOT NULL,
    platform            text             NOT NULL,
    channel             text             NOT NULL,      -- reliable | lossy
    transport_mode      text,
    location            text,
    latitude            double precision,
    longitude           double precision,
    agent_location      text,
    runner_host         text,
    started_at          timestamptz      NOT NULL,      -- rounded down to the microsecond
    started_at_ticks    smallint         NOT NULL CHECK (started_at_ticks BETWEEN 0 AND 9), -- 100 ns ticks beyond
    ended_at            timestamptz      NOT NULL,
    ended_at_ticks      smallint         NOT NULL CHECK (ended_at_ticks BETWEEN 0 AND 9),
    count               integer          NOT NULL,      -- configuration
    interval_ms         double precision NOT NULL,
    warmup              integer          NOT NULL,
    deadline_ms         double precision NOT NULL,
    payload_bytes       integer          NOT NULL,
    schedule            text             NOT NULL,      -- fixed | poisson
    seed                integer,
    outcome_status      text             NOT NULL,      -- ok | partial | failed
    outcome_reason      text,
    sent                integer          NOT NULL,      -- headline statistics, denormalised for queries
    ok                  integer          NOT NULL,
    lost                integer          NOT NULL,
    late                integer          NOT NULL,
    loss_rate           double precision NOT NULL,
    rtt_p50_us          double precision,
    rtt_p95_us          double precision,
    rtt_p99_us          double precision,
    rtt_mean_us         double precision,
    jitter_rfc3550_us   double precision,
    stats               jsonb            NOT NULL,      -- the full RunStatistics (ResultJson.Options)
    path                jsonb,                          -- PathInfo (ResultJson.Options)
    histogram_encoding  text             NOT NULL,
    histogram_unit      text             NOT NULL,
    histogram_relative_accuracy double precision NOT NULL,
    histogram_count     bigint           NOT NULL,
    histogram           bytea            NOT NULL       -- the serialised histogram bytes
);

-- Listing and time-range queries: newest first overall, and per platform/location/channel over a time window.
CREATE INDEX ix_runs_started_at ON runs (started_at DESC, id DESC);
CREATE INDEX ix_runs_platform_location_started_at ON runs (platform, location, started_at);
CREATE INDEX ix_runs_location_started_at ON runs (location, started_at);
CREATE INDEX ix_runs_channel_started_at ON runs (channel, started_at);

CREATE TABLE pings (
    run_id              uuid             NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq                 bigint           NOT NULL,
    status              text             NOT NULL,      -- ok | lost | late | warmup | not_sent
    scheduled_at        timestamptz      NOT NULL,
    sent_at             timestamptz,                    -- null when never sent
    send_delay_us       double precision,
    rtt_us              double precision,               -- null when no pong arrived
    net_rtt_us          double precision,
    PRIMARY KEY (run_id, seq)
);

-- Pings arrive roughly in time order, so a BRIN index answers "pings between t1 and t2" over millions of rows at
-- a few pages' cost; queries that start from runs use the primary key (run_id, seq).
CREATE INDEX ix_pings_scheduled_at ON pings USING brin (scheduled_at);
