using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// Lease, deadline and backoff on a fake clock: the worker's poll is called by the test, and time
/// moves only when the test advances it, so each boundary is checked on both sides without waiting.
/// </summary>
public class WorkerClockTests
{
    private static async Task<(ApiHost Api, FakeTimeProvider Clock, AssignmentWorker Worker)> StartAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var api = await ApiHost.StartAsync(
            V3Setup.Flags(v3: true, shadow: false, extra: [("Coordinator:WorkerEnabled", "false"), ("Coordinator:LeaseSeconds", "30"),
                ("Coordinator:DeadlineMinutes", "8"), ("Coordinator:BackoffBaseMs", "1000"), ("Coordinator:BackoffCapMs", "60000")]),
            configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var worker = api.Services.GetServices<IHostedService>().OfType<AssignmentWorker>().Single();
        return (api, clock, worker);
    }

    [Fact]
    public async Task AnInProgressBookingIsTakenOverOnlyOnceItsLeaseHasExpired()
    {
        var (api, clock, worker) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var id = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 2, r.At(new TimeOnly(19, 0)), "assignment_in_progress",
            leaseExpiresAt: clock.GetUtcNow().AddSeconds(30), attemptCount: 1, createdAt: clock.GetUtcNow());

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await worker.PollOnceAsync(CancellationToken.None));
        Assert.Equal("assignment_in_progress", await StateAsync(api, id));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await worker.PollOnceAsync(CancellationToken.None));
        Assert.Equal("confirmed", await StateAsync(api, id));
        Assert.Equal("lease_expired", await api.Db.ScalarAsync<string>(
            "SELECT reason FROM booking_assignment_state_history WHERE booking_id = $1 AND version = 4", id));
    }

    [Fact]
    public async Task APendingBookingPastTheDeadlineGoesToManualReviewAndNotBefore()
    {
        var (api, clock, worker) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        // Not due for a retry for an hour: only the deadline can pick it up.
        var id = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 2, r.At(new TimeOnly(19, 0)), "assignment_pending",
            nextAttemptAt: clock.GetUtcNow().AddHours(1), attemptCount: 1, createdAt: clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(8) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await worker.PollOnceAsync(CancellationToken.None));
        Assert.Equal("assignment_pending", await StateAsync(api, id));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await worker.PollOnceAsync(CancellationToken.None));
        Assert.Equal("manual_review", await StateAsync(api, id));
        Assert.Equal("deadline_exceeded", await api.Db.ScalarAsync<string>("SELECT assignment_reason FROM bookings WHERE id = $1", id));
    }

    [Fact]
    public async Task ARetryIsScheduledWithinItsBackoffWindowAndRunsOnlyWhenDue()
    {
        var (api, clock, worker) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var id = await V3Setup.InsertV3BookingAsync(api.Db, r.Id, 2, r.At(new TimeOnly(19, 0)), "assignment_in_progress",
            leaseExpiresAt: clock.GetUtcNow().AddSeconds(30), attemptCount: 1, createdAt: clock.GetUtcNow());
        var scheduledAt = clock.GetUtcNow();

        // The run that owns version 3 gives up (e.g. lock contention): first retry, base 1 s, half fixed and half jitter.
        await api.Services.GetRequiredService<RetryScheduler>().ScheduleAsync(id, "test", "lock_contention", ownedVersion: 3, cause: null, CancellationToken.None);
        var due = await api.Db.ScalarAsync<DateTime>("SELECT next_attempt_at FROM bookings WHERE id = $1", id);
        var delay = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) - scheduledAt;
        Assert.InRange(delay.TotalMilliseconds, 500 - 1, 1000 + 1);
        Assert.Equal("assignment_pending", await StateAsync(api, id));

        clock.Advance(delay - TimeSpan.FromMilliseconds(10));
        Assert.Equal(0, await worker.PollOnceAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, await worker.PollOnceAsync(CancellationToken.None));
        Assert.Equal("confirmed", await StateAsync(api, id));
        Assert.Equal(2, await api.Db.ScalarAsync<int>("SELECT attempt_count FROM bookings WHERE id = $1", id));
    }

    private static Task<string> StateAsync(ApiHost api, Guid id) =>
        api.Db.ScalarAsync<string>("SELECT assignment_state FROM bookings WHERE id = $1", id);
}
