using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// Two API instances on one database and one Redis, both on V3 with their workers running: the
/// locks (Redis, then the PostgreSQL advisory lock) and the exclusion constraint keep them from
/// double-booking, and both workers share the retries (FOR UPDATE SKIP LOCKED) without losing any.
/// </summary>
public sealed class MultiInstanceTests
{
    [Fact]
    public async Task TwoInstancesBookingTheSameEveningNeverDoubleBookAndFinishEveryBooking()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = V3Setup.Flags(v3: true, shadow: false, maxParallel: 2, extra:
        [
            ("Coordinator:BackoffBaseMs", "50"), ("Coordinator:BackoffCapMs", "500"), ("Coordinator:WorkerPollMs", "100"),
        ]);
        await using var first = await ApiHost.StartAsync(settings, db);
        await using var second = await ApiHost.StartAsync(settings, db);
        var r = await first.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Two Instances"));

        int[] sizes = [2, 2, 3, 4, 4, 6];
        using var go = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 60).Select(async i =>
        {
            await go.WaitAsync();
            var api = i % 2 == 0 ? first : second;
            return await api.Bookings.BookAsync(r, sizes[i % sizes.Length], r.At(new TimeOnly(19, 0).AddMinutes(30 * (i % 3))));
        }).ToList();
        go.Release(tasks.Count);
        var responses = await Task.WhenAll(tasks);

        Assert.All(responses, x => Assert.True(x.Code is 201 or 202 or 409, x.ToString()));
        var admitted = responses.Where(x => x.Code is 201 or 202).Select(x => x.Id).ToArray();
        Assert.NotEmpty(admitted);
        Assert.Contains(responses, x => x.Code == 409); // the evening really was contested
        Assert.Equal(admitted.Length, await db.CountAsync("SELECT count(*) FROM bookings WHERE id = ANY($1)", admitted));

        await V3Setup.WaitAllV3TerminalAsync(db, TimeSpan.FromSeconds(60));
        Assert.Empty(await db.RowsAsync(V3Setup.OverlappingLiveAssignments));
        Assert.Equal(0, await db.CountAsync("""
            SELECT count(*) FROM bookings b
            WHERE (b.status = 'confirmed') <> EXISTS (SELECT 1 FROM booking_table_assignments a WHERE a.booking_id = b.id AND a.released_at IS NULL)
            """));
        Assert.Equal(0, await db.CountAsync("""
            SELECT count(*) FROM (SELECT booking_id, version FROM booking_assignment_state_history GROUP BY 1, 2 HAVING count(*) > 1) d
            """));
    }
}
