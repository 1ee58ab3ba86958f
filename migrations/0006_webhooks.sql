-- 0006: webhooks on the Standard Webhooks specification (SPEC §9). Every booking change writes an
-- outbox row in the change's own transaction; the delivery worker fans each row out to the
-- subscriptions that want its type and posts it, at least once, in order per booking.

CREATE TABLE webhook_subscriptions (
    id              uuid PRIMARY KEY,
    url             text        NOT NULL,
    events          text[]      NOT NULL CHECK (cardinality(events) >= 1),
    secret          text        NOT NULL,            -- whsec_<base64>: the receiver needs it to verify, so it is kept, not hashed
    created_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);

CREATE TABLE webhook_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      text        NOT NULL UNIQUE,     -- the webhook-id header: stable across redeliveries
    booking_id      uuid        NOT NULL,
    restaurant_id   uuid        NOT NULL,
    event_type      text        NOT NULL,
    occurred_at     timestamptz NOT NULL DEFAULT now(), -- the change's transaction time
    payload         jsonb       NOT NULL,            -- the booking as the change left it
    fanned_out_at   timestamptz
);

CREATE INDEX ix_webhook_outbox_pending ON webhook_outbox (id) WHERE fanned_out_at IS NULL;

CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id),
    outbox_id       bigint      NOT NULL REFERENCES webhook_outbox (id),
    booking_id      uuid        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    rounds          integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, outbox_id)
);

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_webhook_deliveries_line ON webhook_deliveries (subscription_id, booking_id, outbox_id) WHERE state = 'pending';
CREATE INDEX ix_webhook_deliveries_failed ON webhook_deliveries (subscription_id, id) WHERE state = 'failed';
