using System.Net;
using System.Text.Json;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Core.Rollout;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// SPEC §3: every row of the seed's decision matrix, plus a restaurant outside PERCENT. Each test
/// books the same sequence on a fresh database: four parties that fit (2, 4, 2, 6 at 19:00) and one
/// that does not (a six when only a four is left: 409, nothing persisted). Then it checks which
/// pipeline assigned, which events exist, and what the seed's three monitoring queries say.
/// </summary>
public sealed class DecisionMatrixTests
{
    private const int Confirmed = 4;

    private sealed record Run(CreatedRestaurant Restaurant, IReadOnlyList<ApiResponse> Admitted, ApiResponse Rejected);

    private static async Task<Run> BookSequenceAsync(BookingApiClient client, CreatedRestaurant r)
    {
        var at = r.At(new TimeOnly(19, 0));
        var admitted = new List<ApiResponse>();
        foreach (var size in new[] { 2, 4, 2, 6 })
        {
            var response = await client.BookAsync(r, size, at);
            Assert.True(response.Code is 201 or 202, $"party of {size}: {response}");
            admitted.Add(response);
        }
        var rejected = await client.BookAsync(r, 6, at);
        Assert.Equal(HttpStatusCode.Conflict, rejected.Status);
        Assert.Equal("no_availability", rejected.Str("code"));
        return new Run(r, admitted, rejected);
    }

    private static Task<int> Events(TestDatabase db, string where, params object[] parameters) =>
        db.CountAsync("SELECT count(*) FROM observability_events WHERE " + where, parameters);

    /// <summary>Every admitted booking ends confirmed with the tables its response (or a later GET) shows.</summary>
    private static async Task AssertAllConfirmedAsync(ApiHost api, Run run, string pipeline)
    {
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        foreach (var response in run.Admitted)
        {
            Assert.Equal(pipeline, response.Str("pipeline"));
            var now = await api.Bookings.GetAsync($"/bookings/{response.Id}");
            Assert.Equal("confirmed", now.Str("status"));
            Assert.Equal("confirmed", now.Str("assignmentState"));
            Assert.Equal(pipeline, now.Str("pipeline"));
            Assert.NotEmpty(now.Tables);
            Assert.Equal(string.Join(",", now.Tables.Order()), await V3Setup.LiveTablesAsync(api.Db, response.Id));
            if (response.Code == 201)
            {
                Assert.Equal("confirmed", response.Str("status"));
                Assert.NotEmpty(response.Tables);
            }
        }
        Assert.Equal(Confirmed, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_pipeline = $1", pipeline));
        Assert.Equal(Confirmed, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));
    }

    private static async Task AssertSeedQueriesAsync(TestDatabase db, long transitions, long bookings)
    {
        Assert.Equal((transitions, bookings), await SeedQueries.StateTransitionVolumeAsync(db));
        Assert.Equal(100.00m, await SeedQueries.ConfirmationRateAsync(db));
        Assert.Equal(0, await SeedQueries.ManualReviewQueueAsync(db));
    }

    private static async Task AssertLegacyLiveEventsAsync(TestDatabase db)
    {
        // The legacy loop writes one attempt and one summary per booking, not shadow, succeeded.
        Assert.Equal(Confirmed, await Events(db, "source = 'auto_assign' AND event_type = 'auto_assign.attempt' AND context->>'shadow' = 'false'"));
        Assert.Equal(Confirmed, await Events(db, """
            source = 'auto_assign' AND event_type = 'auto_assign.summary' AND context->>'shadow' = 'false'
            AND context->>'result' = 'succeeded' AND context ? 'attemptsUsed' AND context ? 'totalDurationMs' AND NOT context ? 'reason'
            """));
        // Legacy has no state machine: no history rows.
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"));
    }

    private static async Task AssertV3LiveEventsAsync(TestDatabase db, Run run)
    {
        // Each booking walked created → … → confirmed, versions 1..5, in events and in history alike.
        var paths = await V3Setup.LiveTransitionPathsAsync(db);
        Assert.Equal(run.Admitted.Select(a => a.Id).Order(), paths.Keys.Order());
        Assert.All(paths.Values, p => Assert.Equal(V3Setup.ConfirmedPath, p));
        var history = await V3Setup.HistoryPathsAsync(db);
        Assert.Equal(paths.OrderBy(p => p.Key), history.OrderBy(p => p.Key));
        Assert.Equal(0, await Events(db, """
            source = 'assignment.state_machine' AND context->>'shadow' = 'false'
            AND NOT (context ?& array['from', 'to', 'version', 'trigger', 'pipeline', 'shadow'] AND context->>'pipeline' = 'v3' AND NOT context ? 'reason')
            """));
        Assert.Equal(0, await Events(db, "source = 'assignment.state_machine' AND context->>'shadow' = 'true'"));

        Assert.Equal(Confirmed, await Events(db, "source = 'assignment.coordinator' AND event_type = 'coordinator.start' AND context->>'shadow' = 'false'"));
        Assert.Equal(Confirmed, await Events(db, """
            source = 'assignment.coordinator' AND event_type = 'coordinator.confirmed' AND context->>'shadow' = 'false'
            AND context ?& array['trigger', 'strategy', 'attempts', 'duration_ms'] AND NOT context ? 'reason'
            """));
        Assert.Equal(Confirmed, await Events(db,
            "source = 'assignment.coordinator' AND event_type IN ('coordinator.lock_acquired', 'coordinator.lock_degraded') AND context->>'shadow' = 'false'"));
        Assert.Equal(0, await Events(db, "source = 'assignment.coordinator' AND NOT context ?& array['trigger', 'shadow']"));
    }

    [Fact]
    public async Task WithV3OffAndShadowOffLegacyAssignsAndNothingOfV3RunsOrIsRecorded()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: false, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var run = await BookSequenceAsync(api.Bookings, r);

        Assert.All(run.Admitted, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        await AssertAllConfirmedAsync(api, run, "legacy");
        await AssertLegacyLiveEventsAsync(api.Db);
        Assert.Equal(0, await Events(api.Db, "source IN ('assignment.state_machine', 'assignment.coordinator', 'assignment.shadow')"));
        Assert.Equal(0, await Events(api.Db, "context->>'shadow' = 'true'"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE pipeline <> 'legacy'"));
        await AssertSeedQueriesAsync(api.Db, transitions: 0, bookings: 0);

        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal(HttpStatusCode.OK, pipeline.Status);
        Assert.False(pipeline.Json.GetProperty("flags").GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3").GetBoolean());
        Assert.Contains("rollback", pipeline.Str("mode"));
        Assert.Equal(0, pipeline.Json.GetProperty("shadow").GetProperty("started").GetInt64());
    }

    [Fact]
    public async Task WithV3OffAndShadowOnLegacyAssignsAndV3DryRunsEveryBookingAsShadowEventsOnly()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: false, shadow: true));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var run = await BookSequenceAsync(api.Bookings, r);

        Assert.All(run.Admitted, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        await AssertAllConfirmedAsync(api, run, "legacy");
        await AssertLegacyLiveEventsAsync(api.Db);

        // One comparison per booking, once each dry run has finished.
        await Eventually.CountAsync(api.Db, "SELECT count(*) FROM observability_events WHERE source = 'assignment.shadow'", Confirmed, "shadow.comparison rows");
        var comparisons = await api.Db.RowsAsync("""
            SELECT booking_id, context FROM observability_events WHERE source = 'assignment.shadow' AND event_type = 'shadow.comparison'
            """);
        Assert.Equal(run.Admitted.Select(a => a.Id).Order(), comparisons.Select(c => (Guid)c["booking_id"]!).Order());
        foreach (var c in comparisons)
        {
            using var context = JsonDocument.Parse((string)c["context"]!);
            var root = context.RootElement;
            Assert.Equal("legacy", root.GetProperty("control_pipeline").GetString());
            Assert.Equal("confirmed", root.GetProperty("control_outcome").GetString());
            Assert.Equal("confirmed", root.GetProperty("candidate_outcome").GetString());
            Assert.True(root.GetProperty("agree").GetBoolean());
            Assert.NotEmpty(root.GetProperty("control_tables").EnumerateArray());
            Assert.NotEmpty(root.GetProperty("candidate_tables").EnumerateArray());
            Assert.True(root.GetProperty("candidate_duration_ms").GetInt64() >= 0);
        }

        // The dry run walked the machine in memory: 5 transitions per booking, all marked shadow, none persisted.
        await Eventually.CountAsync(api.Db, "SELECT count(*) FROM observability_events WHERE source = 'assignment.state_machine'", 5 * Confirmed, "shadow transitions");
        Assert.Equal(5 * Confirmed, await Events(api.Db, "source = 'assignment.state_machine' AND context->>'shadow' = 'true' AND context->>'pipeline' = 'v3'"));
        Assert.Equal(0, await Events(api.Db, "source IN ('assignment.state_machine', 'assignment.coordinator') AND context->>'shadow' <> 'true'"));
        Assert.Equal(2 * Confirmed, await Events(api.Db,
            "source = 'assignment.coordinator' AND event_type IN ('coordinator.start', 'coordinator.confirmed') AND context->>'shadow' = 'true'"));
        Assert.Equal(0, await Events(api.Db, "source = 'auto_assign' AND context->>'shadow' = 'true'"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE pipeline <> 'legacy'"));

        await AssertSeedQueriesAsync(api.Db, transitions: 5 * Confirmed, bookings: Confirmed);
    }

    [Fact]
    public async Task WithV3OnAndShadowOffV3AssignsEveryBookingThroughThePersistedStateMachineAndLegacyStaysSilent()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var run = await BookSequenceAsync(api.Bookings, r);

        await AssertAllConfirmedAsync(api, run, "v3");
        await AssertV3LiveEventsAsync(api.Db, run);
        Assert.Equal(0, await Events(api.Db, "source IN ('auto_assign', 'assignment.shadow')"));
        Assert.Equal(0, await Events(api.Db, "context->>'shadow' = 'true'"));
        Assert.Equal(Confirmed, await api.Db.CountAsync(
            "SELECT count(*) FROM booking_assignment_attempts WHERE pipeline = 'v3' AND outcome = 'assigned'"));
        await AssertSeedQueriesAsync(api.Db, transitions: 5 * Confirmed, bookings: Confirmed);
    }

    [Fact]
    public async Task WithV3OnAndShadowOnV3AssignsAndLegacyDryRunsBesideItAsShadowEventsOnly()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: true));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var run = await BookSequenceAsync(api.Bookings, r);

        await AssertAllConfirmedAsync(api, run, "v3");
        await Eventually.CountAsync(api.Db, "SELECT count(*) FROM observability_events WHERE source = 'assignment.shadow'", Confirmed, "shadow.comparison rows");
        await AssertV3LiveEventsAsync(api.Db, run);

        // Legacy's dry run: its attempt and summary events, marked shadow, and a comparison per booking.
        Assert.Equal(Confirmed, await Events(api.Db, "source = 'auto_assign' AND event_type = 'auto_assign.attempt' AND context->>'shadow' = 'true'"));
        Assert.Equal(Confirmed, await Events(api.Db, """
            source = 'auto_assign' AND event_type = 'auto_assign.summary' AND context->>'shadow' = 'true'
            AND context ?& array['result', 'attemptsUsed', 'totalDurationMs']
            """));
        Assert.Equal(0, await Events(api.Db, "source = 'auto_assign' AND context->>'shadow' <> 'true'"));
        Assert.Equal(Confirmed, await Events(api.Db, """
            source = 'assignment.shadow' AND event_type = 'shadow.comparison'
            AND context->>'control_pipeline' = 'v3' AND context->>'control_outcome' = 'confirmed'
            AND context ?& array['candidate_outcome', 'agree', 'control_tables', 'candidate_tables', 'candidate_duration_ms']
            """));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE pipeline <> 'v3'"));

        // Query 1 counts only state-machine rows: legacy's dry run adds none.
        await AssertSeedQueriesAsync(api.Db, transitions: 5 * Confirmed, bookings: Confirmed);
    }

    [Fact]
    public async Task WithV3OnForHalfTheRestaurantsAnOutsideRestaurantStaysOnLegacyAndItsBookingsLeaveNoV3Trace()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, percent: 50));
        CreatedRestaurant? inside = null, outside = null;
        for (var i = 0; i < 40 && (inside is null || outside is null); i++)
        {
            var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor($"Rollout {i}"));
            if (RolloutBucket.IsIncluded(PipelineFlags.V3Feature, r.Id, 50)) inside ??= r;
            else outside ??= r;
        }
        Assert.NotNull(inside);
        Assert.NotNull(outside);

        // Sticky: every booking of a restaurant goes to the same pipeline.
        var outsideRun = await BookSequenceAsync(api.Bookings, outside);
        var insideRun = await BookSequenceAsync(api.Bookings, inside);
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        Assert.All(outsideRun.Admitted, a => Assert.Equal("legacy", a.Str("pipeline")));
        Assert.All(insideRun.Admitted, a => Assert.Equal("v3", a.Str("pipeline")));
        Assert.Equal(Confirmed, await api.Db.CountAsync(
            "SELECT count(*) FROM bookings WHERE restaurant_id = $1 AND assignment_pipeline = 'legacy' AND status = 'confirmed'", outside.Id));
        Assert.Equal(Confirmed, await api.Db.CountAsync(
            "SELECT count(*) FROM bookings WHERE restaurant_id = $1 AND assignment_pipeline = 'v3' AND status = 'confirmed'", inside.Id));

        Assert.Equal(0, await Events(api.Db,
            "source IN ('assignment.state_machine', 'assignment.coordinator', 'assignment.shadow') AND restaurant_id = $1", outside.Id));
        Assert.Equal(Confirmed, await Events(api.Db, "source = 'auto_assign' AND event_type = 'auto_assign.summary' AND restaurant_id = $1", outside.Id));
        Assert.Equal(0, await Events(api.Db, "source = 'auto_assign' AND restaurant_id = $1", inside.Id));
        var paths = await V3Setup.LiveTransitionPathsAsync(api.Db);
        Assert.Equal(insideRun.Admitted.Select(a => a.Id).Order(), paths.Keys.Order());
        Assert.All(paths.Values, p => Assert.Equal(V3Setup.ConfirmedPath, p));

        // Query 1 matches the V3 share of the volume; the rate covers both restaurants.
        Assert.Equal((5L * Confirmed, Confirmed), await SeedQueries.StateTransitionVolumeAsync(api.Db));
        Assert.Equal(100.00m, await SeedQueries.ConfirmationRateAsync(api.Db));
        Assert.Equal(0, await SeedQueries.ManualReviewQueueAsync(api.Db));

        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal(50, pipeline.Json.GetProperty("flags").GetProperty("FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT").GetInt32());
    }

    [Fact]
    public async Task WithV3OnAtZeroPercentEveryRestaurantStaysOnLegacy()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, percent: 0));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var run = await BookSequenceAsync(api.Bookings, r);

        await AssertAllConfirmedAsync(api, run, "legacy");
        await AssertLegacyLiveEventsAsync(api.Db);
        Assert.Equal(0, await Events(api.Db, "source IN ('assignment.state_machine', 'assignment.coordinator', 'assignment.shadow')"));
        await AssertSeedQueriesAsync(api.Db, transitions: 0, bookings: 0);
    }
}
