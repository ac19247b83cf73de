-- 0006: PostgreSQL partitions runs and pings by month here (Postgres/Migrations/0006_month_partitions.sql).
-- SQLite keeps its tables as they are; this version exists so both stores count the same schema versions.
SELECT 1;
