-- Shadow (dry run) vs live success rates and agreement from shadow.comparison, last 24 h. Target: shadow success within +/-5 points of live; agreement close to 100 %.
SELECT context->>'control_pipeline'   AS live_pipeline,
       context->>'candidate_pipeline' AS shadow_pipeline,
       COUNT(*) AS comparisons,
       ROUND(100.0 * COUNT(*) FILTER (WHERE context->>'control_outcome' = 'confirmed') / COUNT(*), 2)   AS live_success_pct,
       ROUND(100.0 * COUNT(*) FILTER (WHERE context->>'candidate_outcome' = 'confirmed') / COUNT(*), 2) AS shadow_success_pct,
       ROUND(100.0 * (COUNT(*) FILTER (WHERE context->>'candidate_outcome' = 'confirmed')
                    - COUNT(*) FILTER (WHERE context->>'control_outcome' = 'confirmed')) / COUNT(*), 2) AS delta_points,
       ROUND(100.0 * COUNT(*) FILTER (WHERE (context->>'agree')::boolean) / COUNT(*), 2) AS agreement_pct,
       COUNT(*) FILTER (WHERE context->>'candidate_outcome' IN ('error', 'timeout')) AS shadow_errors
FROM observability_events
WHERE source = 'assignment.shadow'
  AND event_type = 'shadow.comparison'
  AND created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1, 2
ORDER BY comparisons DESC;
