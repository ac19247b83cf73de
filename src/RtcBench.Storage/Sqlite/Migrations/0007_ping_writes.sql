-- 0007: PostgreSQL drops the per-ping foreign-key check and the unused BRIN index on pings here
-- (Postgres/Migrations/0007_ping_writes.sql). SQLite keeps its tables as they are; this version exists so both stores
-- count the same schema versions.
SELECT 1;
