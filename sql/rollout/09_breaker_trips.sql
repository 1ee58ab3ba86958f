-- Circuit-breaker trips per circuit, last 24 h: how often it opened, the longest open spell (open -> next "closed"; still open counts to now) and bookings sent to legacy. Target: no breaker open > 5 minutes.
WITH opens AS (
  SELECT o.context->>'circuit' AS circuit,
         o.created_at AS opened_at,
         (SELECT MIN(c.created_at)
            FROM observability_events c
           WHERE c.source = 'assignment.coordinator'
             AND c.event_type = 'coordinator.circuit_state'
             AND c.context->>'circuit' = o.context->>'circuit'
             AND c.context->>'circuit_status' = 'closed'
             AND c.created_at > o.created_at) AS closed_at
    FROM observability_events o
   WHERE o.source = 'assignment.coordinator'
     AND o.event_type = 'coordinator.circuit_open'
     AND o.context->>'trigger' = 'breaker'
     AND o.created_at > NOW() - INTERVAL '24 hours'
)
SELECT circuit,
       COUNT(*) AS trips,
       MAX(opened_at) AS last_opened_at,
       ROUND(MAX(EXTRACT(EPOCH FROM COALESCE(closed_at, NOW()) - opened_at))::numeric / 60, 1) AS longest_open_minutes,
       BOOL_OR(closed_at IS NULL) AS open_now,
       (SELECT COUNT(*) FROM observability_events f
         WHERE f.source = 'assignment.coordinator' AND f.event_type = 'coordinator.fallback_legacy'
           AND f.created_at > NOW() - INTERVAL '24 hours' AND circuit = 'coordinator') AS fallback_bookings
FROM opens
GROUP BY circuit
ORDER BY circuit;
