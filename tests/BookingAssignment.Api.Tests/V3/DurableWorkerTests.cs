using System.Net;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Tests.Infrastructure;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// SPEC §4.2/§4.4: the durable worker finishes what inline runs could not — expired leases of a
/// crashed run, due retries — and the run budget and the deadline send the rest to manual review.
/// The stranded bookings are written with SQL exactly as a crashed or waiting coordinator leaves them.
/// </summary>
public sealed class DurableWorkerTests
{
    private static readonly (string, string?)[] FastWorker =
        [("Coordinator:WorkerPollMs", "100"), ("Coordinator:BackoffBaseMs", "50"), ("Coordinator:BackoffCapMs", "200")];

    [Fact]
    public async Task TheWorkerTakesOverAnExpiredLeaseAndADueRetryAndConfirmsThemAndExpiresAStrandedBookingToManualReview()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra: FastWorker));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var now = DateTimeOffset.UtcNow;

        // A run that crashed mid-flight: in progress, its lease ran out a minute ago.
        var crashed = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 2, r.At(new TimeOnly(19, 0)), "assignment_in_progress",
            leaseExpiresAt: now.AddMinutes(-1), attemptCount: 1);
        // A retry that is due (e.g. left by the per-restaurant limiter).
        var due = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 4, r.At(new TimeOnly(19, 0)), "assignment_pending",
            nextAttemptAt: now.AddSeconds(-1), attemptCount: 1);
        // Pending for longer than the deadline (8 minutes): no more attempts, a human decides.
        var stranded = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 2, r.At(new TimeOnly(12, 0)), "assignment_pending",
            nextAttemptAt: now.AddSeconds(-1), createdAt: now.AddMinutes(-9));

        await V3Setup.WaitAllV3TerminalAsync(api.Db);

        foreach (var id in new[] { crashed, due })
        {
            var fetched = await api.Bookings.GetAsync($"/bookings/{id}");
            Assert.Equal("confirmed", fetched.Str("status"));
            Assert.Equal("confirmed", fetched.Str("assignmentState"));
            Assert.NotEmpty(fetched.Tables);
            Assert.Equal(2, await api.Db.ScalarAsync<int>("SELECT attempt_count FROM bookings WHERE id = $1", id));
            Assert.Equal(1, await api.Db.CountAsync("""
                SELECT count(*) FROM observability_events
                WHERE booking_id = $1 AND event_type = 'coordinator.start' AND context->>'trigger' = 'worker'
                """, id));
        }
        Assert.Empty(await api.Db.RowsAsync(V3Setup.OverlappingLiveAssignments));

        var history = await V3Setup.HistoryPathsAsync(api.Db);
        // The crashed run's claim is released (retry, lease_expired) before the worker's own run.
        Assert.Equal(
            "created>capacity_verified@1,capacity_verified>assignment_pending@2,assignment_pending>assignment_in_progress@3," +
            "assignment_in_progress>assignment_pending@4,assignment_pending>assignment_in_progress@5," +
            "assignment_in_progress>assigned@6,assigned>confirmed@7", history[crashed]);
        Assert.Equal("lease_expired", await api.Db.ScalarAsync<string>(
            "SELECT reason FROM booking_assignment_state_history WHERE booking_id = $1 AND version = 4", crashed));
        Assert.Equal(V3Setup.ConfirmedPath, history[due]);
        // Each persisted transition has its event, in the same transaction: versions 4..7 and 3..5.
        var events = await V3Setup.LiveTransitionPathsAsync(api.Db);
        Assert.EndsWith(events[crashed], history[crashed]);
        Assert.StartsWith("assignment_in_progress>assignment_pending@4", events[crashed]);
        Assert.Equal("assignment_pending>assignment_in_progress@3,assignment_in_progress>assigned@4,assigned>confirmed@5", events[due]);

        var strandedRow = Assert.Single(await api.Db.RowsAsync(
            "SELECT status, assignment_state, assignment_reason FROM bookings WHERE id = $1", stranded));
        Assert.Equal("pending", strandedRow["status"]);
        Assert.Equal("manual_review", strandedRow["assignment_state"]);
        Assert.Equal("deadline_exceeded", strandedRow["assignment_reason"]);
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE booking_id = $1 AND event_type = 'coordinator.manual_review' AND context->>'reason' = 'deadline_exceeded'
            """, stranded));

        // The seed's queries: 3 bookings touched by the state machine, 2 of 3 confirmed, 1 in review.
        var (_, bookings) = await SeedQueries.StateTransitionVolumeAsync(api.Db);
        Assert.Equal(3, bookings);
        Assert.Equal(66.67m, await SeedQueries.ConfirmationRateAsync(api.Db));
        Assert.Equal(1, await SeedQueries.ManualReviewQueueAsync(api.Db));
    }

    [Fact]
    public async Task ABookingThatKeepsHittingLockContentionEndsInManualReviewWithAReasonOnceTheRunBudgetIsSpent()
    {
        // Without exact admission, a booking admitted under a contended lock carries no decision and goes
        // to the worker (with it, the run finishes in the admission's transaction: AdmittedOnly tests in SoldOutTests).
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra:
            [.. FastWorker, ("Coordinator:RunBudget", "2"), ("Locking:WaitMs", "100"), ("Planner:ExactAdmission", "false")]));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var at = r.At(new TimeOnly(19, 0));

        // Someone else holds the restaurant's Redis lock for that service date for the whole test.
        var servers = await TestServers.GetAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis);
        using var redLock = RedLockFactory.Create(new List<RedLockMultiplexer> { new(redis) });
        var resource = AdvisoryLock.Resource(r.Id, DateOnly.FromDateTime(at.DateTime));
        using var held = await redLock.CreateLockAsync(resource, TimeSpan.FromSeconds(30));
        Assert.True(held.IsAcquired);

        var booking = await api.Bookings.BookAsync(r, 2, at);
        Assert.True(booking.Code is 201 or 202, booking.ToString());
        Assert.Equal("v3", booking.Str("pipeline"));

        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        var row = Assert.Single(await api.Db.RowsAsync(
            "SELECT status, assignment_state, assignment_reason, attempt_count FROM bookings WHERE id = $1", booking.Id));
        Assert.Equal("pending", row["status"]);
        Assert.Equal("manual_review", row["assignment_state"]);
        Assert.Equal("run_budget_exhausted:lock_contention", row["assignment_reason"]);
        Assert.Equal(2, row["attempt_count"]);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments"));

        // The inline attempt meets the held lock before claiming (admitted only, not a run); then two
        // worker runs, each contended, one retry in between; then manual review: three contentions.
        Assert.Equal(3, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE booking_id = $1 AND event_type = 'coordinator.lock_contention' AND context->>'reason' = 'lock_wait_exceeded'
            """, booking.Id));
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE booking_id = $1 AND event_type = 'coordinator.retry' AND context->>'reason' = 'lock_contention' AND context ? 'delay_ms'
            """, booking.Id));
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE booking_id = $1 AND event_type = 'coordinator.manual_review' AND context->>'reason' = 'run_budget_exhausted:lock_contention'
              AND context->>'trigger' = 'worker'
            """, booking.Id));
        Assert.Equal(
            "created>capacity_verified@1,capacity_verified>assignment_pending@2,assignment_pending>assignment_in_progress@3," +
            "assignment_in_progress>assignment_pending@4,assignment_pending>assignment_in_progress@5,assignment_in_progress>manual_review@6",
            (await V3Setup.LiveTransitionPathsAsync(api.Db))[booking.Id]);
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM observability_events
            WHERE booking_id = $1 AND source = 'assignment.state_machine' AND context->>'to' = 'manual_review'
              AND context->>'reason' = 'run_budget_exhausted:lock_contention'
            """, booking.Id));

        var fetched = await api.Bookings.GetAsync($"/bookings/{booking.Id}");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal("manual_review", fetched.Str("assignmentState"));
        Assert.Equal("pending", fetched.Str("status"));
        Assert.Empty(fetched.Tables);

        Assert.Equal(0.00m, await SeedQueries.ConfirmationRateAsync(api.Db));
        Assert.Equal(1, await SeedQueries.ManualReviewQueueAsync(api.Db));
    }
}
