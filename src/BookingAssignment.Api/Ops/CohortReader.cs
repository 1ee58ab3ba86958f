using Npgsql;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// Reads <see cref="CohortMetrics"/> for the V3 and legacy cohorts and the V3 dry runs. Live
/// events count for the cohort of the booking they belong to; dry-run events never do.
/// </summary>
internal static class CohortReader
{
    private const string Sql = """
        WITH b AS (SELECT id, status, assignment_state, assignment_pipeline AS cohort FROM bookings WHERE created_at > @from),
        ev AS (
          SELECT b.cohort, e.event_type, e.context
            FROM observability_events e JOIN b ON b.id = e.booking_id
           WHERE e.created_at > @from AND NOT COALESCE((e.context->>'shadow')::boolean, false)
             AND e.event_type IN ('coordinator.start', 'coordinator.error', 'coordinator.confirmed', 'auto_assign.summary',
                                  'coordinator.lock_acquired', 'coordinator.lock_contention', 'coordinator.lock_degraded')),
        lat AS (
          SELECT cohort, COALESCE(context->>'duration_ms', context->>'totalDurationMs')::double precision AS ms
            FROM ev WHERE event_type IN ('coordinator.confirmed', 'auto_assign.summary')),
        lk AS (SELECT cohort, (context->>'wait_ms')::double precision AS ms FROM ev WHERE event_type LIKE 'coordinator.lock%'),
        dry AS (
          SELECT context FROM observability_events
           WHERE source = 'assignment.shadow' AND event_type = 'shadow.comparison' AND created_at > @from
             AND context->>'candidate_pipeline' = 'v3')
        SELECT c.cohort,
               (SELECT COUNT(*) FROM b WHERE b.cohort = c.cohort)::int,
               (SELECT COUNT(*) FROM b WHERE b.cohort = c.cohort AND status = 'confirmed')::int,
               (SELECT COUNT(*) FROM b WHERE b.cohort = c.cohort AND assignment_state = 'manual_review')::int,
               (SELECT COUNT(*) FROM lat WHERE lat.cohort = c.cohort)::int,
               (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FROM lat WHERE lat.cohort = c.cohort),
               (SELECT COUNT(*) FROM lk WHERE lk.cohort = c.cohort)::int,
               (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FROM lk WHERE lk.cohort = c.cohort),
               (SELECT COUNT(*) FROM ev WHERE ev.cohort = c.cohort AND event_type = 'coordinator.start')::int,
               (SELECT COUNT(*) FROM ev WHERE ev.cohort = c.cohort AND event_type = 'coordinator.error')::int
          FROM (VALUES ('v3'), ('legacy')) AS c(cohort)
        UNION ALL
        SELECT 'shadow',
               (SELECT COUNT(*) FROM dry)::int,
               (SELECT COUNT(*) FROM dry WHERE context->>'candidate_outcome' = 'confirmed')::int,
               (SELECT COUNT(*) FROM dry WHERE context->>'candidate_outcome' = 'manual_review')::int,
               (SELECT COUNT(*) FROM dry WHERE context->>'candidate_duration_ms' IS NOT NULL)::int,
               (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY (context->>'candidate_duration_ms')::double precision) FROM dry),
               0, NULL::double precision,
               (SELECT COUNT(*) FROM dry)::int,
               (SELECT COUNT(*) FROM dry WHERE context->>'candidate_outcome' IN ('error', 'timeout'))::int
        """;

    public static async Task<Dictionary<string, CohortMetrics>> ReadAsync(NpgsqlConnection connection, DateTimeOffset from, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        await using var r = await command.ExecuteReaderAsync(ct);
        var cohorts = new Dictionary<string, CohortMetrics>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            var name = r.GetString(0);
            cohorts[name] = new CohortMetrics
            {
                Cohort = name, Bookings = r.GetInt32(1), Confirmed = r.GetInt32(2), ManualReview = r.GetInt32(3),
                AssignmentSamples = r.GetInt32(4), AssignmentP95Ms = r.IsDBNull(5) ? null : Math.Round(r.GetDouble(5), 1),
                LockSamples = r.GetInt32(6), LockP95Ms = r.IsDBNull(7) ? null : Math.Round(r.GetDouble(7), 1),
                CoordinatorRuns = r.GetInt32(8), CoordinatorErrors = r.GetInt32(9),
            };
        }
        return cohorts;
    }
}
