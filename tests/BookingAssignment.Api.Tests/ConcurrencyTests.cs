using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class ConcurrencyTests
{
    /// <summary>Two live assignments of one table whose windows overlap: must never exist.</summary>
    internal const string OverlappingLiveAssignments = """
        SELECT count(*)
        FROM booking_table_assignments a
        JOIN booking_table_assignments b
          ON a.table_id = b.table_id AND a.id < b.id AND a.during && b.during
        WHERE a.released_at IS NULL AND b.released_at IS NULL
        """;

    [Fact]
    public async Task FiftySimultaneousBookingsForOneTimeAreAllAnsweredAndNeverDoubleBookATable()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
            [
                ("M1", "main", 1, 2), ("M2", "main", 1, 2), ("M3", "main", 1, 2), ("M4", "main", 1, 2),
                ("F1", "main", 2, 4), ("F2", "main", 2, 4), ("F3", "main", 2, 4),
                ("T1", "terrace", 1, 2), ("T2", "terrace", 1, 2), ("T3", "terrace", 2, 4),
            ],
            [("M1", "M2"), ("M2", "M3"), ("M3", "M4"), ("F1", "F2"), ("T1", "T2"), ("T2", "T3")]));
        var at = r.At(new TimeOnly(20, 0));
        int[] parties = [2, 2, 3, 4, 5, 6, 2, 4, 1, 8];

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await api.Bookings.BookAsync(r, parties[i % parties.Length], at, idempotencyKey: i % 2 == 0 ? $"rush-{i}" : null);
        })).ToArray();
        start.Set();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, x => Assert.Contains(x.Code, new[] { 201, 202, 409 }));
        Assert.All(responses.Where(x => x.Code == 409), x => Assert.Equal("no_availability", x.Str("code")));
        var admitted = responses.Where(x => x.Code is 201 or 202).ToArray();
        Assert.NotEmpty(admitted);
        Assert.Contains(responses, x => x.Code == 409); // 50 parties cannot all fit on ten tables

        Assert.Equal(0, await api.Db.CountAsync(OverlappingLiveAssignments));
        // Every admitted booking is a row, every row was answered as admitted (nothing lost, nothing extra).
        Assert.Equal(admitted.Select(x => x.Id).OrderBy(x => x), (await api.Db.RowsAsync("SELECT id FROM bookings")).Select(x => (Guid)x["id"]!).OrderBy(x => x));
        var confirmed = responses.Count(x => x.Code == 201 && x.Str("status") == "confirmed");
        Assert.Equal(confirmed, await api.Db.CountAsync("""
            SELECT count(DISTINCT b.id) FROM bookings b
            JOIN booking_table_assignments a ON a.booking_id = b.id AND a.released_at IS NULL
            WHERE b.status = 'confirmed'
            """));
        Assert.Equal(confirmed, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE status = 'confirmed'"));
        // Confirmed answers name the tables the database holds for them.
        foreach (var x in admitted.Where(x => x.Str("status") == "confirmed"))
            Assert.Equal(x.Tables.Length, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NULL", x.Id));
    }
}
