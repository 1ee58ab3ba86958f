using BookingAssignment.Api.Resilience;
using Npgsql;

namespace BookingAssignment.Api.Ops;

/// <summary>Reads the dashboard's time series from bookings and observability_events.</summary>
internal sealed class OpsMetricsService(BookingDb db, BreakerStates breakers, TimeProvider time)
{
    private const string SeriesSql = """
        WITH s AS (SELECT generate_series(0, @n - 1) AS i),
        bk AS (
          SELECT LEAST(FLOOR(EXTRACT(EPOCH FROM created_at - @from) / @secs)::int, @n - 1) AS i, status, assignment_state, assignment_pipeline
            FROM bookings WHERE created_at > @from AND created_at <= @to),
        ev AS (
          SELECT LEAST(FLOOR(EXTRACT(EPOCH FROM created_at - @from) / @secs)::int, @n - 1) AS i, source, event_type, context
            FROM observability_events
           WHERE created_at > @from AND created_at <= @to
             AND event_type IN ('shadow.comparison', 'coordinator.confirmed', 'auto_assign.summary',
                                'coordinator.lock_acquired', 'coordinator.lock_contention', 'coordinator.lock_degraded')),
        b AS (
          SELECT i, COUNT(*) FILTER (WHERE assignment_pipeline = 'legacy') AS legacy, COUNT(*) FILTER (WHERE assignment_pipeline = 'v3') AS v3,
                 100.0 * COUNT(*) FILTER (WHERE status = 'confirmed') / COUNT(*) AS confirmation,
                 100.0 * COUNT(*) FILTER (WHERE assignment_state = 'manual_review') / COUNT(*) AS manual
            FROM bk GROUP BY i),
        c AS (
          SELECT i, 100.0 * COUNT(*) FILTER (WHERE (context->>'agree')::boolean) / COUNT(*) AS agreement
            FROM ev WHERE event_type = 'shadow.comparison' GROUP BY i),
        l AS (
          SELECT i, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
            FROM (SELECT i, COALESCE(context->>'duration_ms', context->>'totalDurationMs')::double precision AS ms
                    FROM ev WHERE event_type IN ('coordinator.confirmed', 'auto_assign.summary')
                     AND NOT COALESCE((context->>'shadow')::boolean, false)) x
           GROUP BY i),
        w AS (
          SELECT i, percentile_cont(0.5) WITHIN GROUP (ORDER BY (context->>'wait_ms')::double precision) AS p50,
                    percentile_cont(0.95) WITHIN GROUP (ORDER BY (context->>'wait_ms')::double precision) AS p95
            FROM ev WHERE event_type LIKE 'coordinator.lock%' GROUP BY i)
        SELECT s.i, COALESCE(b.legacy, 0)::double precision, COALESCE(b.v3, 0)::double precision, b.confirmation::double precision, b.manual::double precision,
               c.agreement::double precision, l.p50, l.p95, w.p50, w.p95
          FROM s LEFT JOIN b ON b.i = s.i LEFT JOIN c ON c.i = s.i LEFT JOIN l ON l.i = s.i LEFT JOIN w ON w.i = s.i
         ORDER BY s.i
        """;

    private const string BreakerSql = """
        SELECT created_at, context->>'circuit', context->>'circuit_status'
          FROM observability_events
         WHERE source = 'assignment.coordinator' AND event_type IN ('coordinator.circuit_open', 'coordinator.circuit_state')
           AND context->>'trigger' = 'breaker' AND created_at > @from AND created_at <= @to
         ORDER BY created_at
        """;

    public static readonly string[] SeriesNames =
        ["bookingsLegacy", "bookingsV3", "confirmationRate", "manualReviewShare", "shadowAgreement", "latencyP50", "latencyP95", "lockWaitP50", "lockWaitP95"];

    public async Task<OpsMetrics> ReadAsync(TimeSpan window, TimeSpan bucket, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var from = to - window;
        var n = (int)Math.Ceiling(window / bucket);
        var series = SeriesNames.ToDictionary(s => s, _ => new List<double?>(n));
        var buckets = new List<DateTimeOffset>(n);
        var changes = new List<BreakerChange>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using (var command = new NpgsqlCommand(SeriesSql, connection))
            {
                command.Parameters.AddWithValue("n", n);
                command.Parameters.AddWithValue("from", from.ToUniversalTime());
                command.Parameters.AddWithValue("to", to.ToUniversalTime());
                command.Parameters.AddWithValue("secs", bucket.TotalSeconds);
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    buckets.Add(from + bucket * r.GetInt32(0));
                    for (var k = 0; k < SeriesNames.Length; k++)
                        series[SeriesNames[k]].Add(r.IsDBNull(k + 1) ? null : Math.Round(r.GetDouble(k + 1), 2));
                }
            }
            await using (var command = new NpgsqlCommand(BreakerSql, connection))
            {
                command.Parameters.AddWithValue("from", from.ToUniversalTime());
                command.Parameters.AddWithValue("to", to.ToUniversalTime());
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    changes.Add(new BreakerChange(r.GetFieldValue<DateTimeOffset>(0), r.IsDBNull(1) ? "?" : r.GetString(1), r.IsDBNull(2) ? "?" : r.GetString(2)));
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return new OpsMetrics(RolloutWindow.Format(window), RolloutWindow.Format(bucket), from, to, buckets,
            series.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double?>)kv.Value), changes, breakers.Snapshot());
    }
}
