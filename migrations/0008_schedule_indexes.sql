-- 0008: indexes that keep the schedule read (Assignment/Schedule.cs, on every booking) bounded by the
-- restaurant's day instead of its whole history. Without them the waiting-bookings, blocks and holds
-- parts scanned every earlier row of the restaurant (start < window end), and the cost grew with
-- each day of bookings.

-- Admitted bookings still waiting for tables: few at any time (a new booking is mostly inserted
-- confirmed, so it never enters this index), found by their end.
CREATE INDEX ix_bookings_pending_end ON bookings (restaurant_id, end_at) WHERE status = 'pending';

-- Blocks and holds that end after the window starts.
CREATE INDEX ix_table_blocks_live_until ON table_blocks (restaurant_id, held_until) WHERE deleted_at IS NULL;
CREATE INDEX ix_booking_holds_end ON booking_holds (restaurant_id, end_at);
