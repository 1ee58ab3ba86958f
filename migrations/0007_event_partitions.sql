-- 0007: observability_events partitioned by day (UTC), so that retention drops whole days
-- instead of deleting billions of rows. The table keeps its name and columns, so the seed's
-- monitoring queries and sql/rollout run verbatim; a query on created_at reads only the days
-- it names (partition pruning).
--
-- observability_events_YYYYMMDD holds [YYYY-MM-DD 00:00 UTC, next day 00:00 UTC).
-- observability_events_default catches a row whose day has no partition yet, so an insert never
-- fails; creating the day's partition later moves such rows into it.
-- The service (EventRetention) calls the two functions below at start and every hour:
-- partitions a few days ahead, and the days older than Observability:RetentionDays dropped.
--
-- The existing rows are copied into their days, ids kept. On a large table that copy is the
-- slow part of this migration; it runs once, inside EF's migration transaction.

ALTER TABLE observability_events RENAME TO observability_events_unpartitioned;
ALTER TABLE observability_events_unpartitioned RENAME CONSTRAINT observability_events_pkey TO observability_events_unpartitioned_pkey;
ALTER INDEX ix_observability_events_source_created RENAME TO ix_observability_events_unpartitioned_source_created;
ALTER INDEX ix_observability_events_booking RENAME TO ix_observability_events_unpartitioned_booking;
ALTER INDEX ix_observability_events_type_created RENAME TO ix_observability_events_unpartitioned_type_created;

-- PostgreSQL 15 has no identity columns on partitioned tables: a plain sequence gives the ids.
CREATE SEQUENCE observability_event_ids AS bigint;

-- A primary key on a partitioned table must contain the partition key.
CREATE TABLE observability_events (
    id              bigint      NOT NULL DEFAULT nextval('observability_event_ids'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    source          text        NOT NULL,
    event_type      text        NOT NULL,
    severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    context         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    restaurant_id   uuid,
    booking_id      uuid,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

ALTER SEQUENCE observability_event_ids OWNED BY observability_events.id;

CREATE INDEX ix_observability_events_source_created ON observability_events (source, created_at DESC);
CREATE INDEX ix_observability_events_booking ON observability_events (booking_id);
CREATE INDEX ix_observability_events_type_created ON observability_events (event_type, created_at DESC);

CREATE TABLE observability_events_default PARTITION OF observability_events DEFAULT;

-- The day's partition, if it is missing; rows of that day waiting in the default partition move
-- into it. Returns whether it created one. Serialised across instances by an advisory lock (the
-- one-key form, which never meets the restaurant locks' two-key form). While it creates a day,
-- inserts wait (SHARE ROW EXCLUSIVE on the table, a few milliseconds when nothing is moved): an
-- insert routed to the default partition by the old partition list while the day is attached would
-- fail, and a row of that day added to the default after the move would make the attach fail.
CREATE FUNCTION observability_events_ensure_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'observability_events_' || to_char(day, 'YYYYMMDD');
    lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(7031001);
    IF to_regclass(name) IS NOT NULL THEN RETURN false; END IF;
    LOCK TABLE observability_events IN SHARE ROW EXCLUSIVE MODE;
    EXECUTE format('CREATE TABLE %I (LIKE observability_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('WITH moved AS (DELETE FROM observability_events_default WHERE created_at >= %L AND created_at < %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', lo, hi, name);
    EXECUTE format('ALTER TABLE observability_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    RETURN true;
END $$;

-- Drops the day partitions before keep_from and deletes the default partition's rows before it.
-- Returns the number of partitions dropped.
CREATE FUNCTION observability_events_drop_before(keep_from date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    part text;
    dropped integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(7031001);
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'observability_events'::regclass AND c.relname ~ '^observability_events_[0-9]{8}$'
           AND to_date(right(c.relname, 8), 'YYYYMMDD') < keep_from
         ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part);
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM observability_events_default WHERE created_at < keep_from::timestamp AT TIME ZONE 'UTC';
    RETURN dropped;
END $$;

-- The existing rows' days, then the rows, then the sequence past them.
SELECT observability_events_ensure_partition(d)
  FROM (SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS d FROM observability_events_unpartitioned) days;
SELECT observability_events_ensure_partition((now() AT TIME ZONE 'UTC')::date);

INSERT INTO observability_events (id, created_at, source, event_type, severity, context, restaurant_id, booking_id)
SELECT id, created_at, source, event_type, severity, context, restaurant_id, booking_id FROM observability_events_unpartitioned;

SELECT setval('observability_event_ids', GREATEST((SELECT max(id) FROM observability_events_unpartitioned), 1),
              (SELECT max(id) FROM observability_events_unpartitioned) IS NOT NULL);

DROP TABLE observability_events_unpartitioned;
