using System.Net;
using System.Text.Json;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// SPEC §3 dry runs: the shadow pipeline never writes bookings, assignments, history or attempts,
/// and whatever it does (throw, hang) never reaches the live booking or its response.
/// </summary>
public sealed class ShadowDryRunTests
{
    /// <summary>The same sequential workload for every host: (party size, local start), times fixed once.</summary>
    private static (int Size, TimeOnly At)[] Workload =>
    [
        (2, new(19, 0)), (4, new(19, 0)), (2, new(19, 0)), (6, new(19, 0)), (6, new(19, 0)), // the last one: 409
        (3, new(19, 30)), (2, new(18, 0)), (4, new(21, 0)), (5, new(21, 0)), (2, new(21, 0)),
        (2, new(21, 15)), (4, new(12, 30)), (8, new(19, 0)),
    ];

    private static async Task<int> RunWorkloadAsync(ApiHost api, DateOnly day)
    {
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Shadow Bistro"));
        var admitted = 0;
        foreach (var (size, local) in Workload)
        {
            var wall = day.ToDateTime(local);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone);
            var response = await api.Bookings.BookAsync(r, size, new DateTimeOffset(wall, zone.GetUtcOffset(wall)));
            Assert.True(response.Code is 201 or 409, response.ToString());
            if (response.Code == 201) admitted++;
        }
        return admitted;
    }

    /// <summary>Everything but observability_events, without ids or timestamps of the run itself.</summary>
    private static async Task<Dictionary<string, List<string>>> SnapshotAsync(TestDatabase db)
    {
        var queries = new Dictionary<string, string>
        {
            ["bookings"] = """
                SELECT b.party_size, b.start_at, b.end_at, b.status, b.assignment_state, b.assignment_state_version, b.assignment_pipeline,
                       b.assignment_reason, b.attempt_count, b.next_attempt_at, b.lease_expires_at, b.pinned,
                       (SELECT coalesce(string_agg(t.label, ',' ORDER BY t.label), '')
                        FROM booking_table_assignments a JOIN restaurant_tables t ON t.id = a.table_id
                        WHERE a.booking_id = b.id AND a.released_at IS NULL) AS tables
                FROM bookings b ORDER BY b.created_at, b.id
                """,
            ["booking_table_assignments"] = """
                SELECT b.party_size, b.start_at, t.label, a.held_from, a.held_until, a.assigned_by, a.released_at IS NULL AS live
                FROM booking_table_assignments a JOIN bookings b ON b.id = a.booking_id JOIN restaurant_tables t ON t.id = a.table_id
                ORDER BY b.created_at, t.label
                """,
            ["booking_assignment_state_history"] = """
                SELECT b.party_size, b.start_at, h.from_state, h.to_state, h.version, h.trigger, h.reason, h.pipeline, h.actor
                FROM booking_assignment_state_history h JOIN bookings b ON b.id = h.booking_id
                ORDER BY b.created_at, h.version
                """,
            ["booking_assignment_attempts"] = """
                SELECT b.party_size, b.start_at, a.pipeline, a.attempt_no, a.outcome, a.reason, a.strategy,
                       (SELECT coalesce(string_agg(t.label, ',' ORDER BY t.label), '') FROM restaurant_tables t WHERE t.id = ANY (a.table_ids)) AS tables
                FROM booking_assignment_attempts a JOIN bookings b ON b.id = a.booking_id
                ORDER BY b.created_at, a.attempt_no
                """,
            ["idempotency_keys"] = "SELECT state, response_status FROM idempotency_keys ORDER BY created_at",
        };
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in queries)
            snapshot[table] = (await db.RowsAsync(sql)).Select(row => string.Join(" | ", row.Select(kv => $"{kv.Key}={Format(kv.Value)}"))).ToList();
        return snapshot;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTime t => t.ToUniversalTime().ToString("O"),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    [Fact]
    public async Task TheSameWorkloadWithShadowOffAndOnLeavesIdenticalBookingsAssignmentsHistoryAndAttempts()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9);

        Dictionary<string, List<string>> withoutShadow, withShadow;
        int admittedWithout, admittedWith, shadowEventsWithout, shadowEventsWith;
        await using (var api = await ApiHost.StartAsync(V3Setup.Flags(v3: false, shadow: false)))
        {
            admittedWithout = await RunWorkloadAsync(api, day);
            withoutShadow = await SnapshotAsync(api.Db);
            shadowEventsWithout = await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE context->>'shadow' = 'true'");
        }
        await using (var api = await ApiHost.StartAsync(V3Setup.Flags(v3: false, shadow: true)))
        {
            admittedWith = await RunWorkloadAsync(api, day);
            // Let every dry run finish (one comparison per admitted booking) before looking.
            await Eventually.CountAsync(api.Db, "SELECT count(*) FROM observability_events WHERE event_type = 'shadow.comparison'",
                admittedWith, "a shadow.comparison per booking");
            withShadow = await SnapshotAsync(api.Db);
            shadowEventsWith = await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE context->>'shadow' = 'true'");
        }

        Assert.Equal(admittedWithout, admittedWith);
        Assert.True(admittedWith >= 8, $"the workload should admit most bookings, admitted {admittedWith}");
        Assert.True(withoutShadow["bookings"].Count(b => b.Contains("status=confirmed")) >= 8);
        foreach (var table in withoutShadow.Keys)
            Assert.Equal(withoutShadow[table], withShadow[table]);
        Assert.Equal(admittedWith, withShadow["bookings"].Count);
        Assert.Equal(admittedWith, withShadow["booking_assignment_attempts"].Count);

        // Only observability differs: the dry run's events exist in the shadow run alone.
        Assert.Equal(0, shadowEventsWithout);
        Assert.True(shadowEventsWith >= admittedWith * 5, $"expected the V3 dry run's events, found {shadowEventsWith}");
    }

    [Fact]
    public async Task ADryRunWhosePlannerThrowsLeavesTheLegacyBookingConfirmedAndRecordsAnErrorComparison()
    {
        await using var api = await ApiHost.StartAsync(
            V3Setup.Flags(v3: false, shadow: true, extra: ("Shadow:TimeoutMs", "300")),
            configureServices: services => services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, new ThrowingPlanner()));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());

        var booking = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));

        AssertLiveLegacyConfirmed(booking);
        var comparison = await WaitForComparisonAsync(api.Db, booking.Id);
        Assert.Equal("error", comparison.GetProperty("candidate_outcome").GetString());
        Assert.Equal("confirmed", comparison.GetProperty("control_outcome").GetString());
        Assert.False(comparison.GetProperty("agree").GetBoolean());
        Assert.Contains("planner fault injected by the test", comparison.GetProperty("reason").GetString());
        await AssertBookingUntouchedByDryRunAsync(api.Db, booking);
        // The shadow walk records where V3 would have ended, with a reason, and the coordinator error.
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events WHERE booking_id = $1 AND source = 'assignment.state_machine'
            AND context->>'shadow' = 'true' AND context->>'to' = 'manual_review' AND context->>'reason' = 'error'
            """, booking.Id));
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events WHERE booking_id = $1 AND event_type = 'coordinator.error'
            AND context->>'shadow' = 'true' AND context ? 'reason'
            """, booking.Id));
        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal(1, pipeline.Json.GetProperty("shadow").GetProperty("failed").GetInt64());
    }

    [Fact]
    public async Task ADryRunWhosePlannerHangsIsCutOffByItsTimeoutAndLeavesTheLegacyBookingConfirmed()
    {
        using var hanging = new HangingPlanner(TimeSpan.FromSeconds(10));
        await using var api = await ApiHost.StartAsync(
            V3Setup.Flags(v3: false, shadow: true, extra: ("Shadow:TimeoutMs", "300")),
            configureServices: services => services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, hanging));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());

        var booking = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));

        AssertLiveLegacyConfirmed(booking);
        var comparison = await WaitForComparisonAsync(api.Db, booking.Id);
        Assert.Equal("timeout", comparison.GetProperty("candidate_outcome").GetString());
        Assert.Equal("confirmed", comparison.GetProperty("control_outcome").GetString());
        Assert.False(comparison.GetProperty("agree").GetBoolean());
        Assert.False(string.IsNullOrEmpty(comparison.GetProperty("reason").GetString()));
        // Cut off by the timeout, not by the planner finishing.
        Assert.True(comparison.GetProperty("candidate_duration_ms").GetInt64() < 10_000);
        Assert.True(hanging.Entered);
        await AssertBookingUntouchedByDryRunAsync(api.Db, booking);
        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal(1, pipeline.Json.GetProperty("shadow").GetProperty("timedOut").GetInt64());
    }

    private static void AssertLiveLegacyConfirmed(ApiResponse booking)
    {
        Assert.Equal(HttpStatusCode.Created, booking.Status);
        Assert.Equal("confirmed", booking.Str("status"));
        Assert.Equal("confirmed", booking.Str("assignmentState"));
        Assert.Equal("legacy", booking.Str("pipeline"));
        Assert.NotEmpty(booking.Tables);
    }

    private static async Task<JsonElement> WaitForComparisonAsync(TestDatabase db, Guid bookingId)
    {
        await Eventually.CountAsync(db, "SELECT count(*) FROM observability_events WHERE event_type = 'shadow.comparison' AND booking_id = $1",
            1, "the shadow.comparison of the booking", parameters: [bookingId]);
        var context = await db.ScalarAsync<string>(
            "SELECT context::text FROM observability_events WHERE event_type = 'shadow.comparison' AND booking_id = $1", bookingId);
        return JsonDocument.Parse(context).RootElement.Clone();
    }

    private static async Task AssertBookingUntouchedByDryRunAsync(TestDatabase db, ApiResponse booking)
    {
        var row = Assert.Single(await db.RowsAsync(
            "SELECT status, assignment_state, assignment_pipeline, assignment_state_version FROM bookings WHERE id = $1", booking.Id));
        Assert.Equal("confirmed", row["status"]);
        Assert.Equal("confirmed", row["assignment_state"]);
        Assert.Equal("legacy", row["assignment_pipeline"]);
        Assert.Equal(0, row["assignment_state_version"]);
        Assert.Equal(string.Join(",", booking.Tables.Order()), await V3Setup.LiveTablesAsync(db, booking.Id));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE pipeline <> 'legacy'"));
    }

    /// <summary>Blocks for up to <c>hang</c> (released early on dispose, so the test leaves no thread behind).</summary>
    private sealed class HangingPlanner(TimeSpan hang) : IAssignmentPlanner, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private volatile bool _entered;
        public bool Entered => _entered;

        public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
        {
            _entered = true;
            _release.Wait(hang);
            return null;
        }

        public void Dispose()
        {
            _release.Set();
        }
    }
}
