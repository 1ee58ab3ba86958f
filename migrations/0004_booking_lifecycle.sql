-- 0004: the booking lifecycle (SPEC §8): a row version for ETags, visit-status times, retired
-- tables, table blocks and holds, and a guard that keeps live assignments off retired and blocked
-- tables whatever the application does.

-- Every change to a booking row bumps row_version; the booking's ETag is "v<row_version>".
ALTER TABLE bookings
    ADD COLUMN row_version  bigint      NOT NULL DEFAULT 1,
    ADD COLUMN seated_at    timestamptz,
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN no_show_at   timestamptz,
    ADD COLUMN hold_id      uuid;

CREATE FUNCTION bump_booking_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    RETURN NEW;
END $$;

CREATE TRIGGER bookings_row_version BEFORE UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bump_booking_row_version();

-- A floor change retires tables instead of deleting them: assignments keep their history.
ALTER TABLE restaurant_tables ADD COLUMN retired_at timestamptz;
ALTER TABLE restaurant_tables DROP CONSTRAINT restaurant_tables_restaurant_id_label_key;
CREATE UNIQUE INDEX restaurant_tables_live_label ON restaurant_tables (restaurant_id, label) WHERE retired_at IS NULL;

-- Tables taken out of service for a while (a private event, a broken chair). Deleting a block
-- sets deleted_at; the row stays for the audit trail.
CREATE TABLE table_blocks (
    id              uuid PRIMARY KEY,
    restaurant_id   uuid        NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    table_ids       uuid[]      NOT NULL CHECK (cardinality(table_ids) >= 1),
    held_from       timestamptz NOT NULL,
    held_until      timestamptz NOT NULL CHECK (held_until > held_from),
    reason          text        NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);

CREATE INDEX ix_table_blocks_live ON table_blocks (restaurant_id, held_from) WHERE deleted_at IS NULL;
CREATE INDEX ix_table_blocks_tables ON table_blocks USING gin (table_ids) WHERE deleted_at IS NULL;

-- Capacity held for a party and a start time until expires_at. A booking consumes it by carrying
-- its id (bookings.hold_id, unique: at most one booking per hold). An expired or consumed hold
-- simply stops counting — readers filter on both — so no sweep is needed.
CREATE TABLE booking_holds (
    id              uuid PRIMARY KEY,
    restaurant_id   uuid        NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    party_size      integer     NOT NULL CHECK (party_size >= 1),
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL CHECK (end_at > start_at),
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_booking_holds_start ON booking_holds (restaurant_id, start_at);
ALTER TABLE bookings ADD CONSTRAINT bookings_hold FOREIGN KEY (hold_id) REFERENCES booking_holds (id);
CREATE UNIQUE INDEX bookings_one_per_hold ON bookings (hold_id) WHERE hold_id IS NOT NULL;

-- The guard beside the exclusion constraint: no live assignment on a retired table or inside a
-- live block of its table. It raises 23P01 (exclusion_violation), which the pipelines already
-- treat as "re-plan on fresh data".
CREATE FUNCTION guard_live_assignment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.released_at IS NOT NULL THEN RETURN NEW; END IF;
    IF EXISTS (SELECT 1 FROM restaurant_tables t WHERE t.id = NEW.table_id AND t.retired_at IS NOT NULL) THEN
        RAISE EXCEPTION 'table % is retired', NEW.table_id
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'assignment_on_retired_table';
    END IF;
    IF EXISTS (SELECT 1 FROM table_blocks k
               WHERE k.deleted_at IS NULL AND k.table_ids @> ARRAY[NEW.table_id]
                 AND k.held_from < NEW.held_until AND NEW.held_from < k.held_until) THEN
        RAISE EXCEPTION 'table % is blocked between % and %', NEW.table_id, NEW.held_from, NEW.held_until
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'assignment_on_blocked_table';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER booking_table_assignments_guard BEFORE INSERT ON booking_table_assignments
    FOR EACH ROW EXECUTE FUNCTION guard_live_assignment();
