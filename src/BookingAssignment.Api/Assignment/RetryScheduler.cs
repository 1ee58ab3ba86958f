using System.Diagnostics;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// What happens to a V3 booking a run could not finish, in one place: a retry with capped
/// exponential backoff and jitter, manual review once the run budget is spent, the hard deadline,
/// and the record of a fault. Each is its own small transaction; a lost race means another run
/// moved the booking on, and its decision stands.
/// </summary>
internal sealed partial class RetryScheduler(
    IServiceScopeFactory scopes,
    EventRecorder events,
    TransitionWriter transitions,
    Telemetry telemetry,
    IOptions<CoordinatorOptions> options,
    TimeProvider time,
    ILogger<RetryScheduler> logger)
{
    /// <summary>in_progress → pending with backoff, or → manual_review when the run budget is spent.</summary>
    /// <param name="ownedVersion">The version this run claimed; an in-progress booking at another
    /// version belongs to another run (e.g. the worker took over an expired lease) and is left alone.</param>
    /// <param name="cause">An event that explains the retry, written with it.</param>
    public async Task ScheduleAsync(Guid bookingId, string trigger, string reason, int? ownedVersion, AppEvent? cause, CancellationToken ct)
    {
        var o = options.Value;
        await ChangeAsync(bookingId, ct, (db, booking) =>
        {
            if (booking.AssignmentState == AssignmentState.AssignmentInProgress && booking.AssignmentStateVersion != ownedVersion) return false;
            if (cause is not null) events.Add(db, cause, booking.RestaurantId, booking.Id);
            if (booking.AttemptCount >= o.RunBudget)
            {
                SendToManualReview(db, booking, trigger, $"run_budget_exhausted:{reason}");
                telemetry.RecordOutcome(PipelineSelector.V3, "manual_review", Stopwatch.GetTimestamp());
                return true;
            }
            var delay = Backoff.Delay(Math.Max(1, booking.AttemptCount), TimeSpan.FromMilliseconds(o.BackoffBaseMs), TimeSpan.FromMilliseconds(o.BackoffCapMs), Random.Shared);
            if (booking.AssignmentState == AssignmentState.AssignmentInProgress)
                transitions.Apply(db, booking, m => m.Retry(), trigger, reason);
            booking.LeaseExpiresAt = null;
            booking.NextAttemptAt = time.GetUtcNow() + delay;
            events.Add(db, CoordinatorEvents.Retry(trigger, reason, (long)delay.TotalMilliseconds, booking.AttemptCount), booking.RestaurantId, booking.Id);
            return true;
        });
    }

    /// <summary>The hard ceiling: non-terminal for too long → manual_review (the worker calls this).</summary>
    public Task ExpireAsync(Guid bookingId, CancellationToken ct) =>
        ChangeAsync(bookingId, ct, (db, booking) =>
        {
            SendToManualReview(db, booking, "worker", "deadline_exceeded");
            return true;
        });

    /// <summary>A run failed unexpectedly: an error event and a retry. Never throws.</summary>
    public async Task RecordErrorAsync(Guid? restaurantId, Guid? bookingId, string trigger, Exception ex, int? ownedVersion)
    {
        LogRunFailed(logger, ex, bookingId);
        try
        {
            await events.WriteAsync(CoordinatorEvents.Error(trigger, ex), restaurantId, bookingId, CancellationToken.None);
            if (bookingId is { } id) await ScheduleAsync(id, trigger, "error:" + ex.GetType().Name, ownedVersion, cause: null, CancellationToken.None);
        }
        catch (Exception inner)
        {
            // Most likely the database is gone: the lease expires and the worker retries the booking.
            LogRetryNotRecorded(logger, bookingId, inner.GetBaseException().Message);
        }
    }

    /// <summary>The limiter had no slot for a worker run: the pending booking is due again shortly, with <paramref name="cause"/>.</summary>
    public async Task LeaveToWorkerAsync(Guid restaurantId, Guid bookingId, AppEvent cause, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        await db.Bookings.Where(b => b.Id == bookingId && b.AssignmentState == AssignmentState.AssignmentPending)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.NextAttemptAt, time.GetUtcNow() + RateLimitedDelay), ct);
        events.Add(db, cause, restaurantId, bookingId);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>How soon a booking the limiter turned away is due for the worker.</summary>
    public static readonly TimeSpan RateLimitedDelay = TimeSpan.FromMilliseconds(200);

    private void SendToManualReview(BookingDb db, Booking booking, string trigger, string reason)
    {
        transitions.Apply(db, booking, m => m.CanSendToManualReview ? m.SendToManualReview() : m.Fail(), trigger, reason);
        booking.LeaseExpiresAt = null;
        booking.NextAttemptAt = null;
        events.Add(db, CoordinatorEvents.ManualReview(trigger, reason, booking.AttemptCount), booking.RestaurantId, booking.Id);
    }

    /// <summary>Loads a non-terminal booking, lets <paramref name="change"/> stage its decision, and saves it.</summary>
    private async Task ChangeAsync(Guid bookingId, CancellationToken ct, Func<BookingDb, Booking, bool> change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null || booking.AssignmentState.IsTerminal() || !change(db, booking)) return;
        try { await db.SaveChangesAsync(ct); }
        catch (Exception ex) when (DbErrors.IsLostRace(ex)) { /* someone else moved it on: their decision stands */ }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the retry of booking {BookingId} ({Error}); the worker takes it over when its lease expires")]
    private static partial void LogRetryNotRecorded(ILogger logger, Guid? bookingId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Coordinator run failed for booking {BookingId}; a retry is scheduled")]
    private static partial void LogRunFailed(ILogger logger, Exception ex, Guid? bookingId);
}
