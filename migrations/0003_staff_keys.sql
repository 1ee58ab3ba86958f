-- 0003: staff keys, each scoped to one restaurant (SPEC §8). Only the SHA-256 of a key is stored;
-- the key itself is shown once, when it is created. A revoked key keeps its row (revoked_at set),
-- so the audit trail of who could see a restaurant survives.

CREATE TABLE staff_keys (
    id              uuid PRIMARY KEY,
    restaurant_id   uuid        NOT NULL REFERENCES restaurants (id),
    key_hash        text        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    label           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);

CREATE INDEX ix_staff_keys_restaurant ON staff_keys (restaurant_id, created_at);

-- The day sheet pages on (start_at, id) within a restaurant; this index serves the keyset and
-- every (restaurant_id, start_at) range the old index served, so that one goes.
CREATE INDEX ix_bookings_restaurant_start_id ON bookings (restaurant_id, start_at, id);
DROP INDEX ix_bookings_restaurant_start;
