-- Coordinator error rate by hour, last 24 h: coordinator.error per coordinator.start (live runs; dry runs counted apart). Target: < 1 %.
SELECT date_trunc('hour', created_at) AS hour,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.start' AND NOT COALESCE((context->>'shadow')::boolean, false)) AS runs,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.error' AND NOT COALESCE((context->>'shadow')::boolean, false)) AS errors,
       ROUND(100.0 * COUNT(*) FILTER (WHERE event_type = 'coordinator.error' AND NOT COALESCE((context->>'shadow')::boolean, false))
             / NULLIF(COUNT(*) FILTER (WHERE event_type = 'coordinator.start' AND NOT COALESCE((context->>'shadow')::boolean, false)), 0), 2) AS error_rate_pct,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.start' AND COALESCE((context->>'shadow')::boolean, false)) AS shadow_runs,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.error' AND COALESCE((context->>'shadow')::boolean, false)) AS shadow_errors
FROM observability_events
WHERE source = 'assignment.coordinator'
  AND event_type IN ('coordinator.start', 'coordinator.error')
  AND created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1
ORDER BY 1;
