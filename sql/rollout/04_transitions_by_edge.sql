-- V3 state transitions by from -> to, last 24 h, live and shadow (dry-run) separately. Target: every booking walks created -> ... -> confirmed; few retries, few -> manual_review.
SELECT context->>'from' AS from_state,
       context->>'to'   AS to_state,
       COUNT(*) FILTER (WHERE NOT COALESCE((context->>'shadow')::boolean, false)) AS live,
       COUNT(*) FILTER (WHERE COALESCE((context->>'shadow')::boolean, false))     AS shadow,
       COUNT(*) AS total
FROM observability_events
WHERE source = 'assignment.state_machine'
  AND event_type = 'booking.assignment_state_transition'
  AND created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1, 2
ORDER BY total DESC, from_state, to_state;
