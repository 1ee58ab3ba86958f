-- 0001_initial: the whole booking schema.
-- Applied by EF Core (src/BookingAssignment.Api/Persistence/Migrations) inside one transaction;
-- EF records it in "__EFMigrationsHistory", so applying again to an up-to-date database is a no-op.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE restaurants (
    id                          uuid PRIMARY KEY,
    name                        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    time_zone                   text        NOT NULL,
    -- [{ "name", "start", "end", "lastSeating" }] in local HH:mm
    services                    jsonb       NOT NULL,
    -- { "2": 90, "4": 105 }: a party uses the smallest key >= its size
    turn_minutes_by_party_size  jsonb       NOT NULL,
    buffer_minutes              integer     NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
    max_tables_per_booking      integer     NOT NULL CHECK (max_tables_per_booking BETWEEN 1 AND 8),
    created_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE zones (
    id              uuid PRIMARY KEY,
    restaurant_id   uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    name            text NOT NULL,
    UNIQUE (restaurant_id, name)
);

CREATE TABLE restaurant_tables (
    id              uuid PRIMARY KEY,
    restaurant_id   uuid    NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    zone_id         uuid    NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    label           text    NOT NULL,
    min_covers      integer NOT NULL CHECK (min_covers >= 1),
    max_covers      integer NOT NULL CHECK (max_covers >= min_covers),
    UNIQUE (restaurant_id, label)
);

-- Pairs of tables that may be joined (stored once, table_a < table_b).
CREATE TABLE table_adjacency (
    restaurant_id   uuid NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
    table_a         uuid NOT NULL REFERENCES restaurant_tables (id) ON DELETE CASCADE,
    table_b         uuid NOT NULL REFERENCES restaurant_tables (id) ON DELETE CASCADE,
    PRIMARY KEY (table_a, table_b),
    CHECK (table_a < table_b)
);

CREATE TABLE bookings (
    id                          uuid PRIMARY KEY,
    restaurant_id               uuid        NOT NULL REFERENCES restaurants (id),
    reference                   text        NOT NULL UNIQUE,
    party_size                  integer     NOT NULL CHECK (party_size >= 1),
    start_at                    timestamptz NOT NULL,
    end_at                      timestamptz NOT NULL CHECK (end_at > start_at),
    status                      text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'confirmed', 'cancelled', 'checked_in', 'completed', 'no_show')),
    assignment_state            text        NOT NULL DEFAULT 'created'
        CHECK (assignment_state IN ('created', 'capacity_verified', 'assignment_pending', 'assignment_in_progress',
                                    'assigned', 'confirmed', 'failed', 'manual_review')),
    assignment_state_version    integer     NOT NULL DEFAULT 0,
    assignment_pipeline         text        NOT NULL CHECK (assignment_pipeline IN ('legacy', 'v3')),
    assignment_reason           text,
    zone_preference             text,
    customer_name               text        NOT NULL,
    customer_email              text,
    customer_phone              text,
    notes                       text,
    -- set by an operator's manual assignment: never moved automatically
    pinned                      boolean     NOT NULL DEFAULT false,
    -- durable worker bookkeeping (V3)
    attempt_count               integer     NOT NULL DEFAULT 0,
    next_attempt_at             timestamptz,
    lease_expires_at            timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    cancelled_at                timestamptz
);

CREATE INDEX ix_bookings_restaurant_start ON bookings (restaurant_id, start_at);
CREATE INDEX ix_bookings_created_at ON bookings (created_at);
CREATE INDEX ix_bookings_due ON bookings (next_attempt_at)
    WHERE assignment_state IN ('created', 'capacity_verified', 'assignment_pending', 'assignment_in_progress', 'assigned');

-- Which tables a booking holds. "during" is the seated window including the reset buffer.
-- The exclusion constraint is the final guard against double-booking: two live rows for one
-- table can never overlap, whatever the application or its locks do.
CREATE TABLE booking_table_assignments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id      uuid        NOT NULL REFERENCES bookings (id),
    table_id        uuid        NOT NULL REFERENCES restaurant_tables (id),
    held_from       timestamptz NOT NULL,
    held_until      timestamptz NOT NULL CHECK (held_until > held_from),
    during          tstzrange   GENERATED ALWAYS AS (tstzrange(held_from, held_until, '[)')) STORED,
    assigned_at     timestamptz NOT NULL DEFAULT now(),
    assigned_by     text        NOT NULL,
    released_at     timestamptz,
    CONSTRAINT no_overlapping_live_assignments
        EXCLUDE USING gist (table_id WITH =, during WITH &&) WHERE (released_at IS NULL)
);

CREATE INDEX ix_assignments_booking ON booking_table_assignments (booking_id);

CREATE TABLE observability_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    source          text        NOT NULL,
    event_type      text        NOT NULL,
    severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    context         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    restaurant_id   uuid,
    booking_id      uuid
);

CREATE INDEX ix_observability_events_source_created ON observability_events (source, created_at DESC);
CREATE INDEX ix_observability_events_booking ON observability_events (booking_id);
CREATE INDEX ix_observability_events_type_created ON observability_events (event_type, created_at DESC);

CREATE TABLE booking_assignment_state_history (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id      uuid        NOT NULL REFERENCES bookings (id),
    from_state      text        NOT NULL,
    to_state        text        NOT NULL,
    version         integer     NOT NULL,
    trigger         text        NOT NULL,
    reason          text,
    pipeline        text        NOT NULL,
    actor           text        NOT NULL DEFAULT 'system',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (booking_id, version)
);

CREATE TABLE booking_assignment_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id      uuid        NOT NULL REFERENCES bookings (id),
    pipeline        text        NOT NULL,
    attempt_no      integer     NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    outcome         text        NOT NULL,
    reason          text,
    strategy        text,
    table_ids       uuid[]      NOT NULL DEFAULT '{}'
);

CREATE INDEX ix_attempts_booking ON booking_assignment_attempts (booking_id);

-- One row per (API key, Idempotency-Key): the request fingerprint and, once done, the response.
CREATE TABLE idempotency_keys (
    client_key_hash     text        NOT NULL,
    key                 text        NOT NULL,
    request_hash        text        NOT NULL,
    state               text        NOT NULL CHECK (state IN ('in_flight', 'completed')),
    response_status     integer,
    response_body       text,
    response_location   text,
    booking_id          uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz,
    PRIMARY KEY (client_key_hash, key)
);
