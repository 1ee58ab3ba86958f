-- Assignment attempts per booking by pipeline, last 24 h (booking_assignment_attempts.created_at / .result). Target: about 1 attempt per booking; few retried, none never succeeded outside manual review.
WITH per_booking AS (
  SELECT booking_id, pipeline,
         COUNT(*) AS attempts,
         COUNT(*) FILTER (WHERE result = 'failure') AS failures,
         bool_or(result = 'success') AS succeeded
    FROM booking_assignment_attempts
   WHERE created_at > NOW() - INTERVAL '24 hours'
   GROUP BY booking_id, pipeline
)
SELECT pipeline,
       COUNT(*) AS bookings,
       SUM(attempts) AS attempts,
       ROUND(AVG(attempts), 2) AS avg_attempts,
       MAX(attempts) AS max_attempts,
       COUNT(*) FILTER (WHERE attempts > 1) AS bookings_retried,
       COUNT(*) FILTER (WHERE NOT succeeded) AS bookings_never_succeeded,
       ROUND(100.0 * SUM(failures) / SUM(attempts), 2) AS failed_attempts_pct
FROM per_booking
GROUP BY pipeline
ORDER BY pipeline;
