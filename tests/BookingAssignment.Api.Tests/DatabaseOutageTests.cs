using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAssignment.Api.Tests;

public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task WithNoDatabaseAtAllABookingIsAnswered503WithRetryAfterAndAProblem()
    {
        var servers = await TestServers.GetAsync();
        var closed = new NpgsqlConnectionStringBuilder(servers.PostgresAdmin) { Host = "127.0.0.1", Port = TcpProxy.ClosedPort(), Timeout = 3 }.ConnectionString;
        await using var api = await ApiHost.StartAsync(new()
        {
            ["ConnectionStrings:Postgres"] = closed,
            ["Database:MigrateOnStartup"] = "false",
        });

        var body = Bodies.Booking(Guid.NewGuid(), 2, DateTimeOffset.UtcNow.AddDays(3));
        foreach (var key in new[] { null, "outage-key" })
        {
            var response = await api.Bookings.PostBookingAsync(body, key);
            AssertUnavailable(response);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Bookings.GetAsync("/health/ready")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.Bookings.GetAsync("/health/live")).Status);
    }

    [Fact]
    public async Task WhenTheDatabaseDropsAwayBookingsGet503NothingIsPersistedAndServiceResumesAfter()
    {
        await using var db = await TestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var api = await ApiHost.StartAsync(new() { ["ConnectionStrings:Postgres"] = viaProxy }, db);

        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("A2", "main", 1, 2)]));
        Assert.Equal(HttpStatusCode.Created, (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)))).Status);

        proxy.Cut();
        // Pooled connections are reset and new ones refused: each request must fail cleanly, whatever it hits.
        for (var i = 0; i < 3; i++)
        {
            AssertUnavailable(await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0))));
            AssertUnavailable(await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)), idempotencyKey: "during-outage"));
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Bookings.GetAsync("/health/ready")).Status);

        // The real database (reached directly) holds only what was there before the outage.
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM booking_table_assignments"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM idempotency_keys"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.created'"));

        proxy.Restore();
        // The client retries after Retry-After; a connection broken by the outage may still surface once as 503.
        ApiResponse? retried = null;
        for (var i = 0; i < 10; i++)
        {
            retried = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)), idempotencyKey: "during-outage");
            if (retried.Status != HttpStatusCode.ServiceUnavailable) break;
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.Created, retried!.Status);
        Assert.Equal(["A2"], retried.Tables);
        Assert.Equal(2, await db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(0, await db.CountAsync(ConcurrencyTests.OverlappingLiveAssignments));
    }

    private static void AssertUnavailable(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.ServiceUnavailable, $"expected 503, got {response}");
        Assert.True(response.Headers.RetryAfter is not null, "503 carries Retry-After");
        Assert.Equal("application/problem+json", response.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal(503, response.Json.GetProperty("status").GetInt32());
        Assert.Equal("database_unavailable", response.Str("code"));
    }
}
