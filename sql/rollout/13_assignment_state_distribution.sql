-- assignment_state distribution of bookings created in the last 24 h, by pipeline. Target: confirmed >= 95 %, manual_review < 10 %, nothing left in between.
SELECT assignment_state,
       COUNT(*) FILTER (WHERE assignment_pipeline = 'legacy') AS legacy,
       COUNT(*) FILTER (WHERE assignment_pipeline = 'v3')     AS v3,
       COUNT(*) AS total,
       ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 2) AS share_pct
FROM bookings
WHERE created_at > NOW() - INTERVAL '24 hours'
GROUP BY assignment_state
ORDER BY total DESC, assignment_state;
