using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>The seed's "100+ concurrent bookings" on V3, with the per-restaurant limit at 2.</summary>
public sealed class CoordinatorLoadTests
{
    [Fact]
    public async Task OneHundredAndEightConcurrentBookingsOverThreeRestaurantsAllEndTerminalWithoutDoubleBookingOrExceedingMaxParallel()
    {
        const int maxParallel = 2;
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, maxParallel: maxParallel, extra:
        [
            // Quick retries so the worker finishes the 202s well within the test's patience.
            ("Coordinator:BackoffBaseMs", "50"), ("Coordinator:BackoffCapMs", "500"), ("Coordinator:WorkerPollMs", "100"),
        ]));
        var restaurants = new List<CreatedRestaurant>();
        for (var i = 0; i < 3; i++) restaurants.Add(await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor($"Load {i}")));

        var random = new Random(20251113);
        int[] sizes = [2, 2, 2, 3, 4, 4, 5, 6, 8];
        var requests = new List<(CreatedRestaurant R, int Size, DateTimeOffset At)>();
        foreach (var r in restaurants)
            for (var i = 0; i < 36; i++)
                requests.Add((r, sizes[random.Next(sizes.Length)], r.At(new TimeOnly(18, 0).AddMinutes(30 * random.Next(7)))));

        using var start = new SemaphoreSlim(0);
        var tasks = requests.Select(async q =>
        {
            await start.WaitAsync();
            return await api.Bookings.BookAsync(q.R, q.Size, q.At);
        }).ToList();
        start.Release(tasks.Count);
        var responses = await Task.WhenAll(tasks);

        // Every request answered with a booking outcome: no 5xx, nothing else.
        Assert.All(responses, response => Assert.True(response.Code is 201 or 202 or 409, response.ToString()));
        var admitted = responses.Where(x => x.Code is 201 or 202).ToArray();
        Assert.NotEmpty(admitted);
        Assert.All(admitted, a => Assert.Equal("v3", a.Str("pipeline")));
        Assert.All(responses.Where(x => x.Code == 202), a => Assert.Equal($"/bookings/{a.Id}", a.Headers.Location?.OriginalString));
        Assert.All(responses.Where(x => x.Code == 201), a => Assert.Contains(a.Str("assignmentState"), new[] { "confirmed", "manual_review", "failed" }));
        Assert.Equal(admitted.Length, await api.Db.CountAsync("SELECT count(*) FROM bookings"));

        // The worker finishes whatever the inline runs left; then every booking is terminal.
        await V3Setup.WaitAllV3TerminalAsync(api.Db, TimeSpan.FromSeconds(60));
        Assert.Equal(0, await api.Db.CountAsync($"SELECT count(*) FROM bookings WHERE assignment_state NOT IN {V3Setup.TerminalStates}"));

        // No table is held twice at once, and status matches the assignment rows.
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM bookings b
            WHERE (b.status = 'confirmed') <> EXISTS (SELECT 1 FROM booking_table_assignments a WHERE a.booking_id = b.id AND a.released_at IS NULL)
            """));
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM bookings WHERE (status = 'confirmed') <> (assignment_state = 'confirmed')
            """));
        Assert.True(await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE status = 'confirmed'") > 0);

        // No transition recorded twice for a booking.
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM (
              SELECT booking_id, context->>'version' FROM observability_events
              WHERE source = 'assignment.state_machine' GROUP BY 1, 2 HAVING count(*) > 1) d
            """));

        // In flight per restaurant: at least one run, never more than MAX_PARALLEL.
        var limiter = api.Services.GetRequiredService<CoordinatorLimiter>();
        foreach (var r in restaurants)
        {
            var seen = limiter.MaxInFlightSeen(r.Id);
            Assert.InRange(seen, 1, maxParallel);
        }

        // The seed's queries agree with the table data.
        var confirmed = await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE status = 'confirmed'");
        var manualReview = await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_state = 'manual_review'");
        var (transitions, bookings) = await SeedQueries.StateTransitionVolumeAsync(api.Db);
        Assert.Equal(admitted.Length, bookings);
        Assert.Equal(await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"), transitions); // every transition, moves included, has its event
        Assert.Equal(Math.Round(100.0m * confirmed / admitted.Length, 2, MidpointRounding.AwayFromZero), await SeedQueries.ConfirmationRateAsync(api.Db));
        Assert.Equal(manualReview, await SeedQueries.ManualReviewQueueAsync(api.Db));
    }
}
