-- 0010: a change counter for what the schedule read returns (Assignment/Schedule.cs), so that
-- availability can answer from a day it read before while nothing in that day changed
-- (Assignment/ScheduleCache.cs, issue 13). Triggers keep it: every committed change to a row the
-- schedule read could return raises a counter in the same transaction, whichever code path, pipeline
-- or instance made it. A reader that finds the counters of a day where it left them knows the rows
-- are those it read. Counters only grow, and rows are never deleted, so their sum is a safe change
-- detector.
--
-- The bucket is the UTC date of the booking's (or hold's) start, the column the schedule read bounds
-- its rows by; the reader sums the buckets its window's margins cover. Blocks, which can be long and
-- are rare, share one bucket per restaurant (-infinity): changing one re-reads the restaurant's days.
-- Row triggers do not see TRUNCATE; the service never truncates these tables (restart the API, or
-- set Planner:RememberDays=false, after doing so by hand).
CREATE TABLE schedule_versions (
    restaurant_id   uuid    NOT NULL,
    bucket          date    NOT NULL,
    version         bigint  NOT NULL DEFAULT 1,
    PRIMARY KEY (restaurant_id, bucket)
);

CREATE FUNCTION schedule_bucket(instant timestamptz) RETURNS date LANGUAGE sql IMMUTABLE
    RETURN (instant AT TIME ZONE 'UTC')::date;

-- Buckets in date order within the statement, so two transactions bumping the same two buckets
-- take their row locks in the same order.
CREATE FUNCTION bump_schedule(restaurant uuid, buckets date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- PL/pgSQL, not SQL: it keeps this statement's plan for the session (a SQL function's body is
    -- planned again on every call, which made the trigger cost more than the row it counts).
    INSERT INTO schedule_versions AS v (restaurant_id, bucket)
    SELECT DISTINCT restaurant, b FROM unnest(buckets) AS b WHERE b IS NOT NULL ORDER BY 2
    ON CONFLICT (restaurant_id, bucket) DO UPDATE SET version = v.version + 1;
END $$;

-- Bookings: the day of the booking, and of the hold it consumes (a consumed hold stops counting).
-- An update counts the old and the new days in one statement.
CREATE FUNCTION bookings_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE buckets date[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        buckets := buckets || schedule_bucket(OLD.start_at) || (SELECT schedule_bucket(h.start_at) FROM booking_holds h WHERE h.id = OLD.hold_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        buckets := buckets || schedule_bucket(NEW.start_at) || (SELECT schedule_bucket(h.start_at) FROM booking_holds h WHERE h.id = NEW.hold_id);
    END IF;
    PERFORM bump_schedule(CASE TG_OP WHEN 'DELETE' THEN OLD.restaurant_id ELSE NEW.restaurant_id END, buckets);
    IF TG_OP = 'UPDATE' AND OLD.restaurant_id <> NEW.restaurant_id THEN PERFORM bump_schedule(OLD.restaurant_id, buckets); END IF;
    RETURN NULL;
END $$;

-- A booking inserted confirmed enters the schedule with its assignments (their trigger counts it);
-- a pending one, or one consuming a hold, changes it at once.
CREATE TRIGGER bookings_schedule_insert AFTER INSERT ON bookings FOR EACH ROW
    WHEN (NEW.status = 'pending' OR NEW.hold_id IS NOT NULL) EXECUTE FUNCTION bookings_schedule_changed();
CREATE TRIGGER bookings_schedule_update AFTER UPDATE ON bookings FOR EACH ROW
    WHEN ((OLD.restaurant_id, OLD.start_at, OLD.end_at, OLD.party_size, OLD.pinned, OLD.status, OLD.assignment_state, OLD.hold_id)
          IS DISTINCT FROM (NEW.restaurant_id, NEW.start_at, NEW.end_at, NEW.party_size, NEW.pinned, NEW.status, NEW.assignment_state, NEW.hold_id))
    EXECUTE FUNCTION bookings_schedule_changed();
CREATE TRIGGER bookings_schedule_delete AFTER DELETE ON bookings FOR EACH ROW EXECUTE FUNCTION bookings_schedule_changed();

-- Assignments: the day of their booking (the schedule read finds them through it).
CREATE FUNCTION assignments_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is null on insert and NEW on delete; an update that moves a row counts both bookings.
    PERFORM bump_schedule(b.restaurant_id, ARRAY[schedule_bucket(b.start_at)])
    FROM bookings b WHERE b.id IN (OLD.booking_id, NEW.booking_id);
    RETURN NULL;
END $$;

CREATE TRIGGER assignments_schedule_insert AFTER INSERT ON booking_table_assignments FOR EACH ROW EXECUTE FUNCTION assignments_schedule_changed();
CREATE TRIGGER assignments_schedule_update AFTER UPDATE ON booking_table_assignments FOR EACH ROW
    WHEN ((OLD.booking_id, OLD.table_id, OLD.held_from, OLD.held_until, OLD.released_at)
          IS DISTINCT FROM (NEW.booking_id, NEW.table_id, NEW.held_from, NEW.held_until, NEW.released_at))
    EXECUTE FUNCTION assignments_schedule_changed();
CREATE TRIGGER assignments_schedule_delete AFTER DELETE ON booking_table_assignments FOR EACH ROW EXECUTE FUNCTION assignments_schedule_changed();

-- Holds: the day of the hold. (Its expiry needs no write: the reader stops trusting a day it read
-- at the first expiry among that day's holds.)
CREATE FUNCTION holds_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN PERFORM bump_schedule(NEW.restaurant_id, ARRAY[schedule_bucket(NEW.start_at)]);
    ELSIF TG_OP = 'DELETE' THEN PERFORM bump_schedule(OLD.restaurant_id, ARRAY[schedule_bucket(OLD.start_at)]);
    ELSE
        PERFORM bump_schedule(NEW.restaurant_id, ARRAY[schedule_bucket(OLD.start_at), schedule_bucket(NEW.start_at)]);
        IF OLD.restaurant_id <> NEW.restaurant_id THEN PERFORM bump_schedule(OLD.restaurant_id, ARRAY[schedule_bucket(OLD.start_at)]); END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER holds_schedule_changed AFTER INSERT OR UPDATE OR DELETE ON booking_holds FOR EACH ROW EXECUTE FUNCTION holds_schedule_changed();

-- Blocks: the restaurant's one blocks bucket.
CREATE FUNCTION blocks_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM bump_schedule(OLD.restaurant_id, ARRAY['-infinity'::date]); END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.restaurant_id <> NEW.restaurant_id) THEN
        PERFORM bump_schedule(NEW.restaurant_id, ARRAY['-infinity'::date]);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER blocks_schedule_changed AFTER INSERT OR UPDATE OR DELETE ON table_blocks FOR EACH ROW EXECUTE FUNCTION blocks_schedule_changed();
