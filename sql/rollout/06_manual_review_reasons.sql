-- Why bookings created in the last 24 h are (still) in manual review, by reason and pipeline. Target: manual review < 10 % of bookings in total.
SELECT COALESCE(assignment_reason, '(none)') AS reason,
       assignment_pipeline AS pipeline,
       COUNT(*) AS bookings,
       ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 2) AS share_of_queue_pct
FROM bookings
WHERE assignment_state = 'manual_review'
  AND created_at > NOW() - INTERVAL '24 hours'
GROUP BY 1, 2
ORDER BY bookings DESC, reason, pipeline;
