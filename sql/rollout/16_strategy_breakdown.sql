-- Assignment attempts by pipeline and strategy, last 24 h: successes, share of the pipeline's successes, tables per booking. Target: mostly single tables; joined tables where parties need them.
SELECT pipeline,
       COALESCE(strategy, '(no plan)') AS strategy,
       COUNT(*) AS attempts,
       COUNT(*) FILTER (WHERE result = 'success') AS successes,
       ROUND(100.0 * COUNT(*) FILTER (WHERE result = 'success')
             / NULLIF(SUM(COUNT(*) FILTER (WHERE result = 'success')) OVER (PARTITION BY pipeline), 0), 2) AS share_of_successes_pct,
       ROUND(AVG(cardinality(table_ids)) FILTER (WHERE result = 'success'), 2) AS avg_tables
FROM booking_assignment_attempts
WHERE created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1, 2
ORDER BY pipeline, successes DESC, strategy;
