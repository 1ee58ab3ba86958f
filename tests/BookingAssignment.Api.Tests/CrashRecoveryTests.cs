using System.Net;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;
using Npgsql;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace BookingAssignment.Api.Tests;

/// <summary>
/// Real processes, real faults: an API killed (SIGKILL) after its bookings committed and before it
/// answered; the database cut in that same window; an instance killed in the middle of a worker
/// run. The invariants: one booking per Idempotency-Key, the committed one; no answer that denies a
/// saved booking; every booking finished and terminal.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Keys = 6;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AKilledInstancesCommittedBookingsAreReturnedOnReplayNeverMadeTwice(bool v3)
    {
        var servers = await TestServers.GetAsync();
        await using var db = await TestDatabase.CreateAsync();
        var env = ApiProcess.ValidEnvironment(db.ConnectionString, servers.Redis);
        env["Database__MigrateOnStartup"] = "true";
        env["FEATURE_ASSIGNMENT_PIPELINE_V3"] = v3 ? "true" : "false";

        CreatedRestaurant r;
        var bodies = new Dictionary<string, System.Text.Json.Nodes.JsonObject>();
        await using (var doomed = await ApiServerProcess.StartAsync(new Dictionary<string, string>(env) { ["FaultInjection__PauseAfterBookingCommitMs"] = "120000" },
                         TimeSpan.FromSeconds(60)))
        {
            var client = Client(doomed.Url);
            r = await client.CreateRestaurantAsync(V3Setup.SmallFloor("Crash Bistro"));
            for (var i = 0; i < Keys; i++) bodies[$"crash-{v3}-{i}"] = Bodies.Booking(r.Id, 2 + i % 3, r.At(new TimeOnly(18 + i % 4, 0), daysAhead: 7 + i % 2));
            // Sent, committed, never answered: each request sleeps after its commit until the process is killed.
            var unanswered = bodies.Select(kv => client.PostBookingAsync(kv.Value, kv.Key)).ToList();
            await Eventually.UntilAsync(() => db.CountAsync("SELECT count(*) FROM bookings"), n => n == Keys, "every booking committed", TimeSpan.FromSeconds(60));
            await doomed.DisposeAsync(); // SIGKILL
            foreach (var request in unanswered) await Assert.ThrowsAnyAsync<Exception>(() => request);
        }
        Assert.Equal(Keys, await db.CountAsync("SELECT count(*) FROM idempotency_keys WHERE state = 'in_flight'"));

        await using var survivor = await ApiServerProcess.StartAsync(env, TimeSpan.FromSeconds(60));
        var replays = Client(survivor.Url);
        foreach (var (key, body) in bodies)
        {
            var committed = await db.ScalarAsync<Guid>("SELECT id FROM bookings WHERE idempotency_key = $1", key);
            foreach (var attempt in new[] { "first replay", "second replay" })
            {
                var answer = await replays.PostBookingAsync(body, key);
                Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{key} {attempt}: {answer}");
                Assert.Equal(committed, answer.Id);
            }
        }
        Assert.Equal(Keys, await db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM idempotency_keys WHERE state = 'in_flight'"));
        Assert.Empty(await db.RowsAsync(V3Setup.OverlappingLiveAssignments));
    }

    [Fact]
    public async Task ADatabaseCutRightAfterTheCommitStillAnswersWithTheSavedBooking()
    {
        await using var db = await TestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra:
            [("ConnectionStrings:Postgres", viaProxy), ("FaultInjection:PauseAfterBookingCommitMs", "1500")]), db);
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Cut Bistro"));

        var answer = api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)), idempotencyKey: "cut-after-commit");
        await Eventually.UntilAsync(() => db.CountAsync("SELECT count(*) FROM bookings"), n => n == 1, "the booking committed");
        proxy.Cut();
        var response = await answer;

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var saved = await db.ScalarAsync<Guid>("SELECT id FROM bookings");
        Assert.Equal(saved, response.Id);
        Assert.Equal("confirmed", response.Str("status"));

        // The answer could not be recorded with the key; a replay derives it from the booking.
        proxy.Restore();
        var replay = await Eventually.UntilAsync(() => api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)), idempotencyKey: "cut-after-commit"),
            a => a.Status != HttpStatusCode.ServiceUnavailable, "the replay after the outage");
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(saved, replay.Id);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task ABookingWhoseInstanceDiedMidRunIsFinishedByTheOtherInstancesWorker()
    {
        var servers = await TestServers.GetAsync();
        await using var db = await TestDatabase.CreateAsync();
        var env = ApiProcess.ValidEnvironment(db.ConnectionString, servers.Redis);
        env["Database__MigrateOnStartup"] = "true";
        env["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true";
        env["Coordinator__LeaseSeconds"] = "3";
        env["Coordinator__WorkerPollMs"] = "100";
        env["Locking__WaitMs"] = "30000";

        await using var doomed = await ApiServerProcess.StartAsync(env, TimeSpan.FromSeconds(60));
        var r = await Client(doomed.Url).CreateRestaurantAsync(V3Setup.SmallFloor("Mid-run Bistro"));
        var at = r.At(new TimeOnly(19, 0));
        // The restaurant's lock for that evening is held elsewhere, so the doomed instance's run claims the booking and waits.
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis);
        using var redLock = RedLockFactory.Create(new List<RedLockMultiplexer> { new(redis) });
        var held = await redLock.CreateLockAsync(AdvisoryLock.Resource(r.Id, DateOnly.FromDateTime(at.DateTime)), TimeSpan.FromSeconds(60));
        Assert.True(held.IsAcquired);
        var id = await V3Setup.InsertV3BookingAsync(db, r.Id, 2, at, "assignment_pending", nextAttemptAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        await Eventually.UntilAsync(() => db.ScalarAsync<string>("SELECT assignment_state FROM bookings WHERE id = $1", id),
            s => s == "assignment_in_progress", "the doomed instance's claim");
        await doomed.DisposeAsync(); // SIGKILL, mid-run
        await held.DisposeAsync();

        await using var survivor = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra:
            [("Coordinator:LeaseSeconds", "3"), ("Coordinator:WorkerPollMs", "100")]), db);
        await V3Setup.WaitAllV3TerminalAsync(db, TimeSpan.FromSeconds(30));

        var row = Assert.Single(await db.RowsAsync("SELECT status, assignment_state, attempt_count FROM bookings WHERE id = $1", id));
        Assert.Equal("confirmed", row["status"]);
        Assert.Equal(2, row["attempt_count"]);
        Assert.Equal(1, await db.CountAsync(
            "SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1 AND reason = 'lease_expired'", id));
        Assert.Equal(await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1 AND version > 2", id),
            await db.CountAsync("SELECT count(*) FROM observability_events WHERE booking_id = $1 AND source = 'assignment.state_machine'", id));
        Assert.Empty(await db.RowsAsync(V3Setup.OverlappingLiveAssignments));
    }

    private static BookingApiClient Client(Uri url)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiHost.OpsKey);
        return new BookingApiClient(http, http);
    }
}
