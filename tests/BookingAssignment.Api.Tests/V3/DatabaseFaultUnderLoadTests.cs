using System.Collections.Concurrent;
using BookingAssignment.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// PostgreSQL drops away in the middle of a V3 load and comes back. Whatever each request got,
/// the invariants hold: every acknowledged booking (201/202) is in the database, every booking
/// reaches a terminal state once the database is back, no table is double-booked, and nothing
/// but 201/202/409/503 was answered.
/// </summary>
public sealed class DatabaseFaultUnderLoadTests
{
    [Fact]
    public async Task AnOutageDuringLoadLosesNoAcknowledgedBookingAndEveryBookingEndsTerminal()
    {
        await using var db = await TestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra:
        [
            ("ConnectionStrings:Postgres", viaProxy),
            // Short lease and backoff so the worker recovers interrupted runs within the test.
            ("Coordinator:LeaseSeconds", "2"), ("Coordinator:BackoffBaseMs", "100"), ("Coordinator:BackoffCapMs", "500"),
            ("Coordinator:WorkerPollMs", "100"), ("Coordinator:RunBudget", "20"),
        ]), db);
        var restaurants = new List<CreatedRestaurant>();
        for (var i = 0; i < 3; i++) restaurants.Add(await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor($"Outage {i}")));

        var answers = new ConcurrentBag<ApiResponse>();
        using var cut = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 12).Select(async client =>
        {
            for (var n = 0; n < 8; n++)
            {
                var r = restaurants[(client + n) % restaurants.Count];
                var start = r.At(new TimeOnly(18, 0).AddMinutes(15 * ((client * 8 + n) % 14)), daysAhead: 3 + n % 2);
                answers.Add(await api.Bookings.BookAsync(r, 1 + (client + n) % 4, start));
            }
        }));
        // Let some bookings through, then pull the plug for a second and a half, then restore.
        await Eventually.UntilAsync(() => Task.FromResult(answers.Count), n => n >= 15, "first answers");
        proxy.Cut();
        await Task.Delay(1500);
        proxy.Restore();
        await load;

        var codes = answers.Select(a => a.Code).ToArray();
        Assert.All(codes, c => Assert.Contains(c, new[] { 201, 202, 409, 503 }));
        Assert.Contains(503, codes); // the outage was real
        Assert.Contains(201, codes);

        // Every acknowledged booking is stored (read directly, not through the proxy).
        var acknowledged = answers.Where(a => a.Code is 201 or 202).Select(a => a.Id).ToArray();
        Assert.Equal(acknowledged.Length, await db.CountAsync("SELECT count(*) FROM bookings WHERE id = ANY($1)", acknowledged));

        // Interrupted runs are finished by the worker once their lease expires.
        await V3Setup.WaitAllV3TerminalAsync(db, TimeSpan.FromSeconds(45));
        Assert.Empty(await db.RowsAsync(V3Setup.OverlappingLiveAssignments));
        Assert.Equal(0, await db.CountAsync(
            "SELECT count(*) FROM bookings WHERE status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM booking_table_assignments a WHERE a.booking_id = bookings.id AND a.released_at IS NULL)"));
    }
}
