-- Manual review queue, bookings created in the last 24 h (seed Query 3, verbatim). Target: < 10 % of bookings.
SELECT COUNT(*) as manual_review_count
FROM bookings
WHERE assignment_state = 'manual_review'
  AND created_at > NOW() - INTERVAL '24 hours';
