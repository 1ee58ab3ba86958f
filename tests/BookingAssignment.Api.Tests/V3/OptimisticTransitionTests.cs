using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// SPEC §4.1: each transition is an optimistic update (… AND assignment_state_version = @v) in one
/// transaction with its history row and its event. Racing claims of one booking: one wins, the
/// others record nothing.
/// </summary>
public sealed class OptimisticTransitionTests
{
    [Fact]
    public async Task ConcurrentClaimsOfOneBookingRecordASingleTransitionToInProgressAndNoDuplicateVersion()
    {
        // The worker is off: only the runs this test starts touch the bookings.
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra: ("Coordinator:WorkerEnabled", "false")));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        // One booking per service date, so the winners never wait on each other's restaurant lock.
        var ids = new List<Guid>();
        var sizes = new[] { 2, 4, 6, 2, 3 };
        for (var day = 0; day < sizes.Length; day++)
            ids.Add(await V3Setup.InsertV3BookingAsync(api.Db, r.Id, sizes[day], r.At(new TimeOnly(19, 0), daysAhead: 7 + day), "assignment_pending"));

        const int racers = 6;
        var v3 = api.Services.GetRequiredService<AssignmentRun>();
        using var gate = new SemaphoreSlim(0);
        var runs = ids.SelectMany(id => Enumerable.Range(0, racers).Select(async _ =>
        {
            await gate.WaitAsync();
            return await v3.RunAsync(id, "test", CancellationToken.None);
        })).ToList();
        gate.Release(runs.Count);
        await Task.WhenAll(runs);

        foreach (var id in ids)
        {
            var trail = string.Join("\n", (await api.Db.RowsAsync(
                "SELECT source, event_type, context::text AS context FROM observability_events WHERE booking_id = $1 ORDER BY id", id))
                .Select(e => $"{e["source"]} {e["event_type"]} {e["context"]}"));
            Assert.True("confirmed" == await api.Db.ScalarAsync<string>("SELECT assignment_state FROM bookings WHERE id = $1", id), trail);
            Assert.Equal(1, await api.Db.CountAsync(
                "SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1 AND to_state = 'assignment_in_progress'", id));
            Assert.Equal(1, await api.Db.CountAsync("""
                SELECT count(*) FROM observability_events
                WHERE booking_id = $1 AND source = 'assignment.state_machine' AND context->>'to' = 'assignment_in_progress'
                """, id));
            Assert.Equal(1, await api.Db.CountAsync(
                "SELECT count(*) FROM observability_events WHERE booking_id = $1 AND event_type = 'coordinator.start'", id));
            Assert.Equal(1, await api.Db.ScalarAsync<int>("SELECT attempt_count FROM bookings WHERE id = $1", id));
            Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE booking_id = $1", id));
        }
        // Losing the race is not an error: no error, no retry, the coordinator breaker untouched.
        Assert.Equal(0, await api.Db.CountAsync(
            "SELECT count(*) FROM observability_events WHERE event_type IN ('coordinator.error', 'coordinator.retry', 'coordinator.circuit_open')"));
        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal("closed", pipeline.Json.GetProperty("breakers").GetProperty("coordinator").GetProperty("status").GetString());
        var history = await V3Setup.HistoryPathsAsync(api.Db);
        Assert.All(ids, id => Assert.Equal(V3Setup.ConfirmedPath, history[id]));
        // Events have no unique constraint of their own: a lost race that still wrote one would show here.
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM (
              SELECT booking_id, context->>'version' FROM observability_events
              WHERE source = 'assignment.state_machine' GROUP BY 1, 2 HAVING count(*) > 1) d
            """));
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));

        // And the database itself refuses a second row for one (booking, version).
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => api.Db.ExecuteAsync("""
            INSERT INTO booking_assignment_state_history (booking_id, from_state, to_state, version, trigger, pipeline)
            VALUES ($1, 'assignment_pending', 'assignment_in_progress', 3, 'start', 'v3')
            """, ids[0]));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
    }
}
