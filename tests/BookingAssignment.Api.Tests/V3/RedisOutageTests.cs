using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>SPEC §4.4: Redis is an optimisation; without it V3 runs under the PostgreSQL lock alone.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task WithRedisUnreachableV3StillConfirmsBookingsUnderTheDatabaseLockAndReadinessReportsRedisDegraded()
    {
        var closedPort = TcpProxy.ClosedPort();
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false,
            extra: ("ConnectionStrings:Redis", $"127.0.0.1:{closedPort}")));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());

        var booked = new List<ApiResponse>();
        foreach (var (size, at) in new[] { (2, new TimeOnly(19, 0)), (4, new TimeOnly(19, 0)), (6, new TimeOnly(19, 0)), (2, new TimeOnly(12, 0)), (4, new TimeOnly(21, 0)), (2, new TimeOnly(21, 0)) })
        {
            var response = await api.Bookings.BookAsync(r, size, r.At(at));
            Assert.True(response.Code is 201 or 202, response.ToString());
            Assert.Equal("v3", response.Str("pipeline"));
            booked.Add(response);
        }

        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        foreach (var b in booked)
        {
            var fetched = await api.Bookings.GetAsync($"/bookings/{b.Id}");
            Assert.Equal("confirmed", fetched.Str("status"));
            Assert.NotEmpty(fetched.Tables);
        }
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));

        // Every run that got as far as locking ran degraded (none acquired the Redis lock), with a reason.
        Assert.True(await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE source = 'assignment.coordinator' AND event_type = 'coordinator.lock_degraded'
              AND context->>'shadow' = 'false' AND context->>'reason' = 'redis_unavailable'
            """) >= 1);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.lock_acquired'"));
        Assert.Equal(booked.Count, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.confirmed'"));
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events c
            WHERE c.event_type = 'coordinator.confirmed' AND NOT EXISTS (
              SELECT 1 FROM observability_events d WHERE d.booking_id = c.booking_id AND d.event_type = 'coordinator.lock_degraded')
            """));

        var ready = await api.Bookings.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Degraded", ready.Json.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.Json.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.Json.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }
}
