-- Stuck bookings: not in a terminal assignment state (confirmed / failed / manual_review) more than 10 minutes after creation. Target: zero rows.
SELECT id, reference, restaurant_id, assignment_pipeline AS pipeline, assignment_state, status,
       attempt_count, next_attempt_at, lease_expires_at,
       ROUND(EXTRACT(EPOCH FROM NOW() - created_at)::numeric / 60, 1) AS age_minutes
FROM bookings
WHERE assignment_state NOT IN ('confirmed', 'failed', 'manual_review')
  AND created_at < NOW() - INTERVAL '10 minutes'
ORDER BY created_at;
