-- One-query health check: healthy / warning / critical by the seed's thresholds (confirmation >= 95 %, manual review < 10 %, transition volume = V3 booking volume) plus stuck bookings and coordinator errors. Target: healthy.
-- critical: confirmation < 90 %, manual review >= 20 %, any stuck booking, or coordinator error rate >= 5 %.
-- warning:  no bookings in 24 h, confirmation < 95 %, manual review >= 10 %, coordinator error rate >= 1 %,
--           or bookings with transition events in the last hour outside +/-10 % of the bookings V3 walked
--           (V3 bookings; all bookings while V3 dry runs are on).
WITH day AS (
  SELECT COUNT(*) AS bookings,
         ROUND(100.0 * COUNT(*) FILTER (WHERE status = 'confirmed') / NULLIF(COUNT(*), 0), 2) AS confirmation_rate,
         ROUND(100.0 * COUNT(*) FILTER (WHERE assignment_state = 'manual_review') / NULLIF(COUNT(*), 0), 2) AS manual_review_pct
    FROM bookings
   WHERE created_at > NOW() - INTERVAL '24 hours'
), hour AS (
  SELECT (SELECT COUNT(DISTINCT booking_id) FROM observability_events
           WHERE source = 'assignment.state_machine' AND created_at > NOW() - INTERVAL '1 hour') AS transition_bookings,
         (SELECT CASE WHEN EXISTS (SELECT 1 FROM observability_events
                                    WHERE source = 'assignment.shadow' AND event_type = 'shadow.comparison'
                                      AND context->>'candidate_pipeline' = 'v3' AND created_at > NOW() - INTERVAL '1 hour')
                      THEN COUNT(*) ELSE COUNT(*) FILTER (WHERE assignment_pipeline = 'v3') END
            FROM bookings WHERE created_at > NOW() - INTERVAL '1 hour') AS expected_bookings
), errors AS (
  SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE event_type = 'coordinator.error')
               / NULLIF(COUNT(*) FILTER (WHERE event_type = 'coordinator.start'), 0), 2) AS error_rate_pct
    FROM observability_events
   WHERE source = 'assignment.coordinator' AND event_type IN ('coordinator.start', 'coordinator.error')
     AND NOT COALESCE((context->>'shadow')::boolean, false)
     AND created_at > NOW() - INTERVAL '24 hours'
), stuck AS (
  SELECT COUNT(*) AS stuck_bookings FROM bookings
   WHERE assignment_state NOT IN ('confirmed', 'failed', 'manual_review') AND created_at < NOW() - INTERVAL '10 minutes'
), checks AS (
  SELECT day.*, hour.*, errors.*, stuck.*,
         (day.confirmation_rate < 90 OR day.manual_review_pct >= 20 OR stuck.stuck_bookings > 0 OR errors.error_rate_pct >= 5) AS is_critical,
         (day.bookings = 0 OR day.confirmation_rate < 95 OR day.manual_review_pct >= 10 OR errors.error_rate_pct >= 1
          OR (hour.expected_bookings > 0 AND ABS(hour.transition_bookings - hour.expected_bookings) > 0.10 * hour.expected_bookings)
          OR (hour.expected_bookings = 0 AND hour.transition_bookings > 0)) AS is_warning
    FROM day, hour, errors, stuck
)
SELECT CASE WHEN is_critical THEN 'critical' WHEN is_warning THEN 'warning' ELSE 'healthy' END AS status,
       bookings, confirmation_rate, manual_review_pct, error_rate_pct, stuck_bookings,
       transition_bookings AS transition_bookings_1h, expected_bookings AS expected_bookings_1h,
       concat_ws('; ',
         CASE WHEN bookings = 0 THEN 'no bookings in 24 h' END,
         CASE WHEN confirmation_rate < 95 THEN 'confirmation ' || confirmation_rate || ' % < 95 %' END,
         CASE WHEN manual_review_pct >= 10 THEN 'manual review ' || manual_review_pct || ' % >= 10 %' END,
         CASE WHEN error_rate_pct >= 1 THEN 'coordinator errors ' || error_rate_pct || ' % >= 1 %' END,
         CASE WHEN stuck_bookings > 0 THEN stuck_bookings || ' stuck booking(s)' END,
         CASE WHEN (expected_bookings > 0 AND ABS(transition_bookings - expected_bookings) > 0.10 * expected_bookings)
                OR (expected_bookings = 0 AND transition_bookings > 0)
              THEN 'transition bookings ' || transition_bookings || ' vs ' || expected_bookings || ' expected (1 h)' END) AS reasons
FROM checks;
