-- 0007: cheaper ping writes (issue 18: ingest at fleet rate). Every ping row paid for a foreign-key check (a lookup
-- in the month's runs partition with a row lock, per ping) and a BRIN index entry on scheduled_at that no query
-- reads (pings are read by run id). Together they were about two thirds of the COPY of a run's pings.
-- Pings are only ever written by a save, in the run row's transaction, after the run row; the cascade on delete is
-- kept by a row trigger on runs (cloned to every month partition, present and future).
DO $$
DECLARE
    fk text;
BEGIN
    FOR fk IN SELECT conname FROM pg_constraint WHERE conrelid = 'pings'::regclass AND contype = 'f' AND conparentid = 0 LOOP
        EXECUTE format('ALTER TABLE pings DROP CONSTRAINT %I', fk);
    END LOOP;
END
$$;

DROP INDEX IF EXISTS ix_pings_scheduled_at;

CREATE FUNCTION rtcbench_delete_run_pings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pings WHERE run_id = OLD.id AND run_started_at = OLD.started_at;
    RETURN NULL;
END
$$;

CREATE TRIGGER runs_delete_pings AFTER DELETE ON runs FOR EACH ROW EXECUTE FUNCTION rtcbench_delete_run_pings();
