-- Booking confirmation rate, last 24 h (seed Query 2, verbatim). Target: >= 95 %.
SELECT
  ROUND(100.0 * COUNT(*) FILTER (WHERE status = 'confirmed') / COUNT(*), 2) as confirmation_rate
FROM bookings
WHERE created_at > NOW() - INTERVAL '24 hours';
