using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>The seed's rollback: set FEATURE_ASSIGNMENT_PIPELINE_V3=false and restart; legacy takes over.</summary>
public sealed class RollbackTests
{
    [Fact]
    public async Task RestartingWithV3OffOnTheSameDatabaseHandsNewBookingsToLegacyAndKeepsV3ConfirmationsIntact()
    {
        await using var db = await TestDatabase.CreateAsync();
        CreatedRestaurant r;
        var before = new Dictionary<Guid, string>();
        await using (var v3 = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false), db))
        {
            r = await v3.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
            foreach (var size in new[] { 2, 4, 6 })
            {
                var booking = await v3.Bookings.BookAsync(r, size, r.At(new TimeOnly(19, 0)));
                Assert.True(booking.Code is 201 or 202, booking.ToString());
                Assert.Equal("v3", booking.Str("pipeline"));
                before[booking.Id] = "";
            }
            await V3Setup.WaitAllV3TerminalAsync(db);
            foreach (var id in before.Keys.ToArray())
                before[id] = await V3Setup.LiveTablesAsync(db, id);
        }
        Assert.Equal(3, await db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_pipeline = 'v3' AND status = 'confirmed'"));
        Assert.Equal((15L, 3L), await SeedQueries.StateTransitionVolumeAsync(db));
        var lastEventBeforeRestart = await db.ScalarAsync<long>("SELECT max(id) FROM observability_events");
        var historyBeforeRestart = await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history");

        await using (var legacy = await ApiHost.StartAsync(V3Setup.Flags(v3: false, shadow: false), db))
        {
            var pipeline = await legacy.Bookings.GetAsync("/ops/pipeline", legacy.Ops);
            Assert.Contains("rollback", pipeline.Str("mode"));

            var after = new List<ApiResponse>();
            foreach (var (size, at) in new[] { (2, new TimeOnly(19, 0)), (2, new TimeOnly(21, 0)), (4, new TimeOnly(13, 0)) })
            {
                var booking = await legacy.Bookings.BookAsync(r, size, r.At(at));
                Assert.Equal(HttpStatusCode.Created, booking.Status);
                Assert.Equal("legacy", booking.Str("pipeline"));
                Assert.Equal("confirmed", booking.Str("status"));
                Assert.NotEmpty(booking.Tables);
                after.Add(booking);
            }

            // The V3 bookings stay confirmed on the tables they had.
            foreach (var (id, tables) in before)
            {
                var fetched = await legacy.Bookings.GetAsync($"/bookings/{id}");
                Assert.Equal("confirmed", fetched.Str("status"));
                Assert.Equal("confirmed", fetched.Str("assignmentState"));
                Assert.Equal("v3", fetched.Str("pipeline"));
                Assert.Equal(tables, string.Join(",", fetched.Tables.Order()));
                Assert.Equal(tables, await V3Setup.LiveTablesAsync(db, id));
            }
            Assert.Empty(await db.RowsAsync(V3Setup.OverlappingLiveAssignments));

            // Give the (still running) worker a few polls, then check that nothing of V3 wrote anything.
            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            Assert.Equal(0, await db.CountAsync("""
                SELECT count(*) FROM observability_events
                WHERE id > $1 AND source IN ('assignment.state_machine', 'assignment.coordinator', 'assignment.shadow')
                """, lastEventBeforeRestart));
            Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM observability_events WHERE id > $1 AND context->>'shadow' = 'true'",
                lastEventBeforeRestart));
            Assert.Equal(after.Count, await db.CountAsync(
                "SELECT count(*) FROM observability_events WHERE id > $1 AND event_type = 'auto_assign.summary'", lastEventBeforeRestart));
            Assert.Equal(historyBeforeRestart, await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"));

            // The seed's queries: transitions unchanged, every booking confirmed.
            Assert.Equal((15L, 3L), await SeedQueries.StateTransitionVolumeAsync(db));
            Assert.Equal(100.00m, await SeedQueries.ConfirmationRateAsync(db));
            Assert.Equal(0, await SeedQueries.ManualReviewQueueAsync(db));
        }
    }
}
