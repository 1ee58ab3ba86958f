-- Redis lock outcomes of V3 runs, last 24 h: acquired, contended (wait exceeded -> retry), degraded (database lock only), with wait_ms p50/p95. Target: lock acquisition p95 < 100 ms; contention and degraded near 0.
SELECT COUNT(*) FILTER (WHERE event_type = 'coordinator.lock_acquired')   AS acquired,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.lock_contention') AS contended,
       COUNT(*) FILTER (WHERE event_type = 'coordinator.lock_degraded')   AS degraded,
       ROUND(percentile_cont(0.5)  WITHIN GROUP (ORDER BY (context->>'wait_ms')::numeric)::numeric, 1) AS wait_p50_ms,
       ROUND(percentile_cont(0.95) WITHIN GROUP (ORDER BY (context->>'wait_ms')::numeric)::numeric, 1) AS wait_p95_ms,
       MAX((context->>'wait_ms')::numeric) AS wait_max_ms
FROM observability_events
WHERE source = 'assignment.coordinator'
  AND event_type IN ('coordinator.lock_acquired', 'coordinator.lock_contention', 'coordinator.lock_degraded')
  AND created_at > NOW() - INTERVAL '24 hours';
