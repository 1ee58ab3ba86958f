using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// RedLock over three real Redis servers while bookings arrive: one server hung or killed leaves
/// the quorum working; two leave the database lock alone. Either way the invariants hold: every
/// answer is 201/202/409, nothing acknowledged is lost, no two live assignments overlap, every
/// booking ends terminal, and every transition has its event.
/// </summary>
public sealed class RedisQuorumFaultTests
{
    private static Dictionary<string, string?> Settings(RedisNodes quorum)
    {
        var settings = V3Setup.Flags(v3: true, shadow: false, maxParallel: 3, extra:
            [("Locking:WaitMs", "1500"), ("Locking:NodeOperationTimeoutMs", "300"), ("Locking:NodeConnectTimeoutMs", "300"),
             ("Coordinator:WorkerPollMs", "100"), ("Coordinator:BackoffBaseMs", "50"), ("Coordinator:BackoffCapMs", "200")]);
        for (var i = 0; i < quorum.Nodes.Count; i++) settings[$"Locking:RedisEndpoints:{i}"] = quorum.Nodes[i].Endpoint;
        return settings;
    }

    [Fact]
    public async Task OneAndThenTwoOfThreeLockServersHungLeaveEveryBookingTerminalAndNoOverlap()
    {
        await using var quorum = await RedisNodes.SharedQuorumAsync();
        await using var api = await ApiHost.StartAsync(Settings(quorum));
        var restaurants = new List<CreatedRestaurant>();
        for (var i = 0; i < 3; i++) restaurants.Add(await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor($"Quorum {i}")));

        // Each phase lasts until its bookings are terminal, so the worker's runs meet the fault too.
        var healthy = await BookAsync(api, restaurants, dayOffset: 10);
        var oneHung = await WithPausedAsync(quorum.Nodes.Take(1), () => BookAsync(api, restaurants, dayOffset: 20));
        var twoHung = await WithPausedAsync(quorum.Nodes.Take(2), () => BookAsync(api, restaurants, dayOffset: 30));

        await AssertInvariantsAsync(api, healthy.Concat(oneHung).Concat(twoHung).ToList());
        // A minority hung: the quorum still locks. A majority hung: the database lock alone.
        Assert.True(await LockEventsAsync(api, oneHung, "coordinator.lock_acquired") > 0, "one hung server of three must not stop the Redis lock");
        Assert.True(await LockEventsAsync(api, twoHung, "coordinator.lock_degraded") > 0,
            "two hung servers of three must fall back to the database lock; events: " + await EventSummaryAsync(api, twoHung));
    }

    [Fact]
    public async Task OneAndThenTwoOfThreeLockServersKilledLeaveEveryBookingTerminalAndNoOverlap()
    {
        await using var quorum = await RedisNodes.StartPrivateAsync();
        await using var api = await ApiHost.StartAsync(Settings(quorum));
        var restaurants = new List<CreatedRestaurant>();
        for (var i = 0; i < 3; i++) restaurants.Add(await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor($"Killed {i}")));

        var healthy = await BookAsync(api, restaurants, dayOffset: 10);
        await quorum.Nodes[0].KillAsync();
        var oneDead = await BookAsync(api, restaurants, dayOffset: 20);
        await quorum.Nodes[1].KillAsync();
        var twoDead = await BookAsync(api, restaurants, dayOffset: 30);

        await AssertInvariantsAsync(api, healthy.Concat(oneDead).Concat(twoDead).ToList());
        Assert.True(await LockEventsAsync(api, oneDead, "coordinator.lock_acquired") > 0, "one dead server of three must not stop the Redis lock");
        Assert.True(await LockEventsAsync(api, twoDead, "coordinator.lock_degraded") > 0, "two dead servers of three must fall back to the database lock");
    }

    private static async Task<T> WithPausedAsync<T>(IEnumerable<RedisNode> nodes, Func<Task<T>> work)
    {
        var paused = nodes.ToList();
        foreach (var n in paused) await n.PauseAsync();
        try { return await work(); }
        finally { foreach (var n in paused) await n.ResumeAsync(); }
    }

    /// <summary>24 bookings at once over three restaurants and two evenings, until all are terminal; returns the admitted ones.</summary>
    private static async Task<List<Guid>> BookAsync(ApiHost api, IReadOnlyList<CreatedRestaurant> restaurants, int dayOffset)
    {
        var requests = Enumerable.Range(0, 24).Select(i =>
        {
            var r = restaurants[i % restaurants.Count];
            return api.Bookings.BookAsync(r, 2 + i % 3, r.At(new TimeOnly(18 + i % 3, 0), daysAhead: dayOffset + i % 2), idempotencyKey: $"q-{dayOffset}-{i}");
        });
        var answers = await Task.WhenAll(requests);
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        await V3Setup.WaitAllV3TerminalAsync(api.Db, TimeSpan.FromSeconds(60));
        return answers.Where(a => a.Status is HttpStatusCode.Created or HttpStatusCode.Accepted).Select(a => a.Id).ToList();
    }

    private static async Task AssertInvariantsAsync(ApiHost api, IReadOnlyList<Guid> admitted)
    {
        await V3Setup.WaitAllV3TerminalAsync(api.Db, TimeSpan.FromSeconds(60));
        foreach (var id in admitted)
            Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE id = $1", id));
        Assert.Equal(admitted.Count, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));
        Assert.Equal(await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"),
            await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'assignment.state_machine' AND NOT (context->>'shadow')::boolean"));
    }

    private static async Task<string> EventSummaryAsync(ApiHost api, IReadOnlyList<Guid> bookings) => string.Join(", ",
        (await api.Db.RowsAsync("SELECT event_type || ' ' || coalesce(context->>'trigger', '') || ' ' || coalesce(context->>'reason', '') AS e, count(*) AS n FROM observability_events WHERE booking_id = ANY($1) AND source = 'assignment.coordinator' GROUP BY 1 ORDER BY 1", bookings.ToArray()))
        .Select(r => $"{r["e"]}: {r["n"]}"));

    private static async Task<int> LockEventsAsync(ApiHost api, IReadOnlyList<Guid> bookings, string type) =>
        await api.Db.ScalarAsync<int>("SELECT count(*)::int FROM observability_events WHERE event_type = $1 AND booking_id = ANY($2)", type, bookings.ToArray());
}
