-- V3 retries (in_progress -> pending with backoff) by reason, last 24 h, with average and max delay_ms. Target: few retries; none for errors.
SELECT context->>'reason' AS reason,
       COUNT(*) AS retries,
       COUNT(DISTINCT booking_id) AS bookings,
       ROUND(AVG((context->>'delay_ms')::numeric), 1) AS avg_delay_ms,
       MAX((context->>'delay_ms')::numeric) AS max_delay_ms
FROM observability_events
WHERE source = 'assignment.coordinator'
  AND event_type = 'coordinator.retry'
  AND created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1
ORDER BY retries DESC, reason;
