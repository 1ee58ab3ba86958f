-- State-machine transition volume, last hour (seed Query 1, verbatim). Target: "bookings" matches the V3 booking volume of that hour.
SELECT COUNT(*) as transitions, COUNT(DISTINCT booking_id) as bookings
FROM observability_events
WHERE source = 'assignment.state_machine'
  AND created_at > NOW() - INTERVAL '1 hour';
