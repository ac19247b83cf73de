-- 0006: runs and pings partitioned by month (issue 18), declarative range partitioning on the run's start (UTC
-- months: [YYYY-MM-01 00:00+00, next month)). A year of a large fleet is ~10 M runs and billions of pings; a
-- time-window query reads only the months it touches, and old months can be detached or dropped as a whole.
--
-- A partitioned table's unique keys must contain the partition key, so `runs` is keyed (id, started_at) and the
-- run id's uniqueness (idempotent saves, 409 on a different run, id-prefix lookups) moves to `run_ids`
-- (id → started_at): a save inserts there first with ON CONFLICT (id) DO NOTHING. `pings` carries its run's start
-- (`run_started_at`, the same microsecond as runs.started_at), so a run and its pings sit in the same month and the
-- foreign key (run_id, run_started_at) → runs (id, started_at) holds.
--
-- Partitions are created on demand: `rtcbench_create_month_partitions(t)` creates the runs and pings partitions of
-- t's month (idempotent, serialised by an advisory lock); a save whose month has none fails with "no partition",
-- rolls back, calls it in its own short transaction and saves again. Here it is called for every month that
-- already has runs, and the rows of the old tables are moved in this transaction (all or nothing).

ALTER TABLE pings RENAME TO pings_v5;
ALTER TABLE runs RENAME TO runs_v5;
ALTER TABLE pings_v5 RENAME CONSTRAINT pings_pkey TO pings_v5_pkey;
ALTER TABLE runs_v5 RENAME CONSTRAINT runs_pkey TO runs_v5_pkey;
ALTER INDEX ix_runs_started_at RENAME TO ix_runs_v5_started_at;
ALTER INDEX ix_runs_platform_location_started_at RENAME TO ix_runs_v5_platform_location_started_at;
ALTER INDEX ix_runs_location_started_at RENAME TO ix_runs_v5_location_started_at;
ALTER INDEX ix_runs_channel_started_at RENAME TO ix_runs_v5_channel_started_at;
ALTER INDEX ix_pings_scheduled_at RENAME TO ix_pings_v5_scheduled_at;

CREATE TABLE run_ids (
    id                  uuid             NOT NULL PRIMARY KEY,   -- dedup by id; id-prefix lookups (range on the key)
    started_at          timestamptz      NOT NULL                -- = runs.started_at: which partition holds the run
);

CREATE TABLE runs (
    id                  uuid             NOT NULL,
    schema              text             NOT NULL,
    tool_version        text             NOT NULL,
    platform            text             NOT NULL,
    channel             text             NOT NULL,
    transport_mode      text,
    location            text,
    latitude            double precision,
    longitude           double precision,
    agent_location      text,
    runner_host         text,
    started_at          timestamptz      NOT NULL,
    started_at_ticks    smallint         NOT NULL CHECK (started_at_ticks BETWEEN 0 AND 9),
    ended_at            timestamptz      NOT NULL,
    ended_at_ticks      smallint         NOT NULL CHECK (ended_at_ticks BETWEEN 0 AND 9),
    count               integer          NOT NULL,
    interval_ms         double precision NOT NULL,
    warmup              integer          NOT NULL,
    deadline_ms         double precision NOT NULL,
    payload_bytes       integer          NOT NULL,
    schedule            text             NOT NULL,
    seed                integer,
    outcome_status      text             NOT NULL,
    outcome_reason      text,
    sent                integer          NOT NULL,
    ok                  integer          NOT NULL,
    lost                integer          NOT NULL,
    late                integer          NOT NULL,
    loss_rate           double precision NOT NULL,
    rtt_p50_us          double precision,
    rtt_p95_us          double precision,
    rtt_p99_us          double precision,
    rtt_mean_us         double precision,
    jitter_rfc3550_us   double precision,
    stats               jsonb            NOT NULL,
    path                jsonb,
    histogram_encoding  text             NOT NULL,
    histogram_unit      text             NOT NULL,
    histogram_relative_accuracy double precision NOT NULL,
    histogram_count     bigint           NOT NULL,
    histogram           bytea            NOT NULL,
    outcome_detail      text,
    outcome_noticed_at  timestamptz,
    pings_pruned_at     timestamptz,
    PRIMARY KEY (id, started_at)
) PARTITION BY RANGE (started_at);

-- The API's filters: platform, location, channel exact, a window on started_at; listing newest first.
CREATE INDEX ix_runs_started_at ON runs (started_at DESC, id DESC);
CREATE INDEX ix_runs_platform_location_started_at ON runs (platform, location, started_at);
CREATE INDEX ix_runs_location_started_at ON runs (location, started_at);
CREATE INDEX ix_runs_channel_started_at ON runs (channel, started_at);
CREATE INDEX ix_runs_platform_channel_started_at ON runs (platform, channel, started_at);

CREATE TABLE pings (
    run_id              uuid             NOT NULL,
    run_started_at      timestamptz      NOT NULL,   -- the run's started_at: the partition key
    seq                 bigint           NOT NULL,
    status              text             NOT NULL,
    scheduled_at        timestamptz      NOT NULL,
    sent_at             timestamptz,
    send_delay_us       double precision,
    rtt_us              double precision,
    net_rtt_us          double precision,
    PRIMARY KEY (run_id, seq, run_started_at),
    FOREIGN KEY (run_id, run_started_at) REFERENCES runs (id, started_at) ON DELETE CASCADE
) PARTITION BY RANGE (run_started_at);

CREATE INDEX ix_pings_scheduled_at ON pings USING brin (scheduled_at);

CREATE FUNCTION rtcbench_create_month_partitions(t timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    month timestamp := date_trunc('month', t AT TIME ZONE 'UTC');
    low   text := to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00';
    high  text := to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    tag   text := to_char(month, 'YYYY"_"MM');
BEGIN
    -- "rtcbench" + 1: concurrent savers of a new month create its partitions once.
    PERFORM pg_advisory_xact_lock(8247326091881898857);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF runs FOR VALUES FROM (%L) TO (%L)', 'runs_' || tag, low, high);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF pings FOR VALUES FROM (%L) TO (%L)', 'pings_' || tag, low, high);
END
$$;

SELECT rtcbench_create_month_partitions(m)
FROM (SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM runs_v5) months;

INSERT INTO run_ids (id, started_at) SELECT id, started_at FROM runs_v5;

INSERT INTO runs (
    id, schema, tool_version, platform, channel, transport_mode, location, latitude, longitude, agent_location,
    runner_host, started_at, started_at_ticks, ended_at, ended_at_ticks, count, interval_ms, warmup, deadline_ms,
    payload_bytes, schedule, seed, outcome_status, outcome_reason, sent, ok, lost, late, loss_rate, rtt_p50_us,
    rtt_p95_us, rtt_p99_us, rtt_mean_us, jitter_rfc3550_us, stats, path, histogram_encoding, histogram_unit,
    histogram_relative_accuracy, histogram_count, histogram, outcome_detail, outcome_noticed_at, pings_pruned_at)
SELECT
    id, schema, tool_version, platform, channel, transport_mode, location, latitude, longitude, agent_location,
    runner_host, started_at, started_at_ticks, ended_at, ended_at_ticks, count, interval_ms, warmup, deadline_ms,
    payload_bytes, schedule, seed, outcome_status, outcome_reason, sent, ok, lost, late, loss_rate, rtt_p50_us,
    rtt_p95_us, rtt_p99_us, rtt_mean_us, jitter_rfc3550_us, stats, path, histogram_encoding, histogram_unit,
    histogram_relative_accuracy, histogram_count, histogram, outcome_detail, outcome_noticed_at, pings_pruned_at
FROM runs_v5;

INSERT INTO pings (run_id, run_started_at, seq, status, scheduled_at, sent_at, send_delay_us, rtt_us, net_rtt_us)
SELECT p.run_id, r.started_at, p.seq, p.status, p.scheduled_at, p.sent_at, p.send_delay_us, p.rtt_us, p.net_rtt_us
FROM pings_v5 p JOIN runs_v5 r ON r.id = p.run_id;

DROP TABLE pings_v5;
DROP TABLE runs_v5;
