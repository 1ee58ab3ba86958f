using System.Data.Common;
using BookingAssignment.Api.Resilience;
using Npgsql;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// Reads the rollout metrics of a window from PostgreSQL (the same definitions as sql/rollout)
/// and applies <see cref="RolloutVerdict"/>. Used by GET /ops/rollout-report, the dashboard and
/// the <c>rollout-report</c> command.
/// </summary>
internal sealed class RolloutReportService(BookingDb db, IOptions<RolloutReportOptions> options, BreakerStates breakers, TimeProvider time)
{
    private const string MetricsSql = """
        WITH b AS (SELECT id, status, assignment_state, assignment_pipeline FROM bookings WHERE created_at > @from),
        walked AS (
          SELECT DISTINCT booking_id, COALESCE((context->>'shadow')::boolean, false) AS shadow
            FROM observability_events
           WHERE source = 'assignment.state_machine' AND created_at > @from AND booking_id IS NOT NULL),
        cmp AS (
          SELECT context FROM observability_events
           WHERE source = 'assignment.shadow' AND event_type = 'shadow.comparison' AND created_at > @from),
        coord AS (
          SELECT event_type, context FROM observability_events
           WHERE source = 'assignment.coordinator' AND created_at > @from
             AND event_type IN ('coordinator.start', 'coordinator.error', 'coordinator.lock_acquired', 'coordinator.lock_contention', 'coordinator.lock_degraded')),
        latency AS (
          SELECT (context->>'duration_ms')::double precision AS ms FROM observability_events
           WHERE source = 'assignment.coordinator' AND event_type = 'coordinator.confirmed' AND created_at > @from
             AND NOT COALESCE((context->>'shadow')::boolean, false)
          UNION ALL
          SELECT (context->>'totalDurationMs')::double precision FROM observability_events
           WHERE source = 'auto_assign' AND event_type = 'auto_assign.summary' AND created_at > @from
             AND NOT COALESCE((context->>'shadow')::boolean, false))
        SELECT
          (SELECT COUNT(*) FROM b)::int,
          (SELECT COUNT(*) FROM b WHERE status = 'confirmed')::int,
          (SELECT COUNT(*) FROM b WHERE assignment_state = 'manual_review')::int,
          (SELECT COUNT(*) FROM cmp)::int,
          (SELECT COUNT(*) FROM cmp WHERE context->>'control_outcome' = 'confirmed')::int,
          (SELECT COUNT(*) FROM cmp WHERE context->>'candidate_outcome' = 'confirmed')::int,
          (SELECT COUNT(*) FROM cmp WHERE (context->>'agree')::boolean)::int,
          (SELECT COUNT(*) FROM b)::int,
          (SELECT COUNT(*) FROM b WHERE id IN (SELECT booking_id FROM walked WHERE shadow))::int,
          (SELECT COUNT(*) FROM b WHERE assignment_pipeline = 'v3')::int,
          (SELECT COUNT(*) FROM b WHERE assignment_pipeline = 'v3' AND id IN (SELECT booking_id FROM walked WHERE NOT shadow))::int,
          (SELECT COUNT(*) FROM coord WHERE event_type = 'coordinator.start' AND COALESCE((context->>'shadow')::boolean, false) = @shadow)::int,
          (SELECT COUNT(*) FROM coord WHERE event_type = 'coordinator.error' AND COALESCE((context->>'shadow')::boolean, false) = @shadow)::int,
          (SELECT COUNT(*) FROM latency)::int,
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM latency),
          (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FROM latency),
          (SELECT COUNT(*) FROM coord WHERE event_type LIKE 'coordinator.lock%')::int,
          (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY (context->>'wait_ms')::double precision) FROM coord WHERE event_type LIKE 'coordinator.lock%'),
          (SELECT COUNT(*) FROM bookings WHERE assignment_state NOT IN ('confirmed', 'failed', 'manual_review')
              AND created_at < now() - make_interval(mins => @stuck_minutes))::int
        """;

    // Same spell definition as sql/rollout/09_breaker_trips.sql: open → next "closed" (or now).
    private const string BreakerSql = """
        SELECT o.context->>'circuit',
               MAX(EXTRACT(EPOCH FROM COALESCE(
                 (SELECT MIN(c.created_at) FROM observability_events c
                   WHERE c.source = 'assignment.coordinator' AND c.event_type = 'coordinator.circuit_state'
                     AND c.context->>'circuit' = o.context->>'circuit' AND c.context->>'circuit_status' = 'closed'
                     AND c.created_at > o.created_at), now()) - o.created_at) / 60.0)::double precision
          FROM observability_events o
         WHERE o.source = 'assignment.coordinator' AND o.event_type = 'coordinator.circuit_open'
           AND o.context->>'trigger' = 'breaker' AND o.created_at > @from
         GROUP BY 1
        """;

    public RolloutReportOptions Options => options.Value;

    public async Task<RolloutReport> BuildAsync(RolloutPhase phase, TimeSpan window, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var from = to - window;
        var metrics = await ReadAsync(phase, from, ct);
        var cohorts = await ReadCohortsAsync(from, ct);
        var (_, _, overall) = RolloutVerdict.Evaluate(phase, metrics, options.Value);
        var comparison = CohortVerdict.Checks(phase, cohorts["v3"], cohorts["legacy"], options.Value);
        var checks = overall.Concat(comparison).ToList();
        var (verdict, reasons) = RolloutVerdict.Decide(phase, checks);
        return new RolloutReport(RolloutPhases.Name(phase), RolloutWindow.Format(window), from, to, verdict, reasons, checks, metrics,
            new RolloutCohorts(cohorts["v3"], cohorts["legacy"], cohorts["shadow"], options.Value.CohortMinBookings, CohortVerdict.Summary(comparison)));
    }

    private async Task<Dictionary<string, CohortMetrics>> ReadCohortsAsync(DateTimeOffset from, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await CohortReader.ReadAsync((NpgsqlConnection)db.Database.GetDbConnection(), from, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<RolloutMetrics> ReadAsync(RolloutPhase phase, DateTimeOffset from, CancellationToken ct)
    {
        var shadowPhase = RolloutPhases.IsShadow(phase);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            RolloutMetrics metrics;
            await using (var command = new NpgsqlCommand(MetricsSql, connection))
            {
                command.Parameters.AddWithValue("from", from.ToUniversalTime());
                command.Parameters.AddWithValue("shadow", shadowPhase);
                command.Parameters.AddWithValue("stuck_minutes", options.Value.StuckAfterMinutes);
                await using var r = await command.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                metrics = new RolloutMetrics
                {
                    Bookings = r.GetInt32(0), Confirmed = r.GetInt32(1), ManualReview = r.GetInt32(2),
                    ShadowComparisons = r.GetInt32(3), ShadowLiveConfirmed = r.GetInt32(4), ShadowCandidateConfirmed = r.GetInt32(5), ShadowAgreed = r.GetInt32(6),
                    // Shadow phases: every booking gets a V3 dry run. Otherwise: the V3 bookings, walked live.
                    ExpectedTransitionBookings = shadowPhase ? r.GetInt32(7) : r.GetInt32(9),
                    TransitionBookings = shadowPhase ? r.GetInt32(8) : r.GetInt32(10),
                    CoordinatorRuns = r.GetInt32(11), CoordinatorErrors = r.GetInt32(12),
                    AssignmentSamples = r.GetInt32(13), AssignmentP50Ms = Double(r, 14), AssignmentP95Ms = Double(r, 15),
                    LockSamples = r.GetInt32(16), LockP95Ms = Double(r, 17),
                    StuckBookings = r.GetInt32(18),
                };
            }
            var spells = new Dictionary<string, double>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand(BreakerSql, connection))
            {
                command.Parameters.AddWithValue("from", from.ToUniversalTime());
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    if (!r.IsDBNull(0)) spells[r.GetString(0)] = Math.Round(r.GetDouble(1), 1);
            }
            // This process's own breakers: an open spell that has not been closed yet counts up to now.
            foreach (var name in new[] { Breakers.RedisLock, Breakers.Coordinator })
                if (breakers.IsOpen(name) && breakers.OpenedAt(name) is { } at)
                    spells[name] = Math.Max(spells.GetValueOrDefault(name), Math.Round((time.GetUtcNow() - at).TotalMinutes, 1));
            return metrics with { BreakerOpenMinutes = spells };
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : Math.Round(r.GetDouble(i), 1);
}
