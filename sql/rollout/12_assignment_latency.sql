-- Assignment latency p50/p95 by live pipeline, last 24 h: V3 from coordinator.confirmed duration_ms, legacy from auto_assign.summary totalDurationMs (dry runs excluded). Target: p95 < 3000 ms.
WITH samples AS (
  SELECT 'v3' AS pipeline, (context->>'duration_ms')::numeric AS ms
    FROM observability_events
   WHERE source = 'assignment.coordinator' AND event_type = 'coordinator.confirmed'
     AND NOT COALESCE((context->>'shadow')::boolean, false)
     AND created_at > NOW() - INTERVAL '24 hours'
  UNION ALL
  SELECT 'legacy', (context->>'totalDurationMs')::numeric
    FROM observability_events
   WHERE source = 'auto_assign' AND event_type = 'auto_assign.summary'
     AND NOT COALESCE((context->>'shadow')::boolean, false)
     AND created_at > NOW() - INTERVAL '24 hours'
)
SELECT pipeline,
       COUNT(*) AS samples,
       ROUND(percentile_cont(0.5)  WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p50_ms,
       ROUND(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p95_ms,
       MAX(ms) AS max_ms
FROM samples
GROUP BY ROLLUP (pipeline)
ORDER BY pipeline NULLS LAST;
