using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// SPEC §4.4: when V3 runs keep failing, the coordinator breaker opens and the legacy planner
/// serves new bookings (coordinator.fallback_legacy, coordinator.circuit_open with circuit_status),
/// and the state is visible at /ops/pipeline. Failed V3 bookings are not lost: they wait for a retry.
/// </summary>
public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task RepeatedV3FaultsOpenTheCoordinatorBreakerAndLegacyServesNewBookings()
    {
        await using var api = await ApiHost.StartAsync(
            V3Setup.Flags(v3: true, shadow: false, extra:
            [
                ("Resilience:MinimumThroughput", "2"), ("Resilience:FailureRatio", "0.5"), ("Resilience:BreakSeconds", "60"),
                ("Coordinator:WorkerEnabled", "false"), ("Bookings:InlineBudgetMs", "1500"),
            ]),
            configureServices: services => services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, new ThrowingPlanner()));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Breaker Bistro"));

        // V3 admits, its run throws: the booking stays pending (202), the breaker counts a failure.
        var failed = new List<ApiResponse>();
        for (var i = 0; i < 3 && failed.Count < 3; i++)
        {
            var response = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)).AddMinutes(15 * i));
            Assert.Equal("v3", response.Str("pipeline"));
            Assert.Equal(202, response.Code);
            failed.Add(response);
            var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
            if (pipeline.Json.GetProperty("breakers").GetProperty("coordinator").GetProperty("status").GetString() == "open") break;
        }
        var state = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal("open", state.Json.GetProperty("breakers").GetProperty("coordinator").GetProperty("status").GetString());

        // Breaker open: the next booking is served by legacy, inline, and the fallback is recorded.
        var served = await api.Bookings.BookAsync(r, 4, r.At(new TimeOnly(20, 0)));
        Assert.Equal(201, served.Code);
        Assert.Equal("legacy", served.Str("pipeline"));
        Assert.Equal("confirmed", served.Str("status"));
        Assert.NotEmpty(served.Tables);
        Assert.Equal(1, await api.Db.CountAsync(
            "SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.fallback_legacy' AND booking_id = $1", served.Id));
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE event_type = 'coordinator.circuit_open' AND booking_id = $1 AND context->>'circuit_status' = 'open'
            """, served.Id));

        // The V3 bookings whose runs failed are neither lost nor half-assigned: pending, no tables, errors recorded.
        foreach (var f in failed)
        {
            var fetched = await api.Bookings.GetAsync($"/bookings/{f.Id}");
            Assert.Equal("pending", fetched.Str("status"));
            Assert.Equal("assignment_pending", fetched.Str("assignmentState"));
            Assert.Empty(fetched.Tables);
        }
        Assert.True(await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.error'") >= 2);
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));
    }
}
