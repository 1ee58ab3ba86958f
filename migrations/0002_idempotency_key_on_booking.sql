-- 0002: a booking carries the Idempotency-Key it was created under, in the same row and the same
-- transaction. A replay after a crash (the process died between the commit and the answer) finds
-- the committed booking instead of running the request again, and the unique index makes a second
-- booking under one key impossible even if an abandoned key is taken over.

ALTER TABLE bookings
    ADD COLUMN idempotency_client_hash text,
    ADD COLUMN idempotency_key         text,
    ADD CONSTRAINT bookings_idempotency_pair CHECK ((idempotency_client_hash IS NULL) = (idempotency_key IS NULL));

CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (idempotency_client_hash, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
