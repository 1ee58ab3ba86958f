using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Resilience;
using Polly.CircuitBreaker;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Entry point for every new booking (POST /bookings) and every worker run. It reads the flags and
/// the restaurant's sticky rollout bucket, chooses the live pipeline (stored on the booking), runs
/// it, and starts the dry run of the other pipeline when SHADOW says so. A V3 booking runs behind
/// the per-restaurant limit (<see cref="CoordinatorLimiter"/>); when no slot frees up within the
/// inline budget it is admitted only (202) and the worker finishes it. An open coordinator breaker
/// sends new bookings to legacy.
/// </summary>
internal sealed class AssignmentCoordinator(
    PipelineSelector selector,
    LegacyAutoAssign legacy,
    AssignmentRun run,
    RetryScheduler retries,
    CoordinatorLimiter limiter,
    ShadowRunner shadow,
    BreakerStates breakers,
    EventRecorder events,
    YieldForecasts yields,
    IOptions<BookingOptions> options)
{
    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel restaurant, BookingDraft draft, CancellationToken ct)
    {
        var choice = await selector.ChooseAsync(restaurant.Id);
        var outcome = choice.Live == PipelineSelector.Legacy
            ? await legacy.SubmitAsync(restaurant, draft, ct)
            : await SubmitV3Async(restaurant, draft, ct);
        if (outcome is null)
        {
            // The coordinator breaker is open: legacy serves, and the dry run is skipped (it would compare legacy with itself).
            outcome = await legacy.SubmitAsync(restaurant, draft, ct);
            if (outcome is SubmitOutcome.Admitted fallback) await RecordFallbackAsync(restaurant, fallback.BookingId, ct);
            return outcome;
        }
        if (outcome is SubmitOutcome.Admitted admitted && choice.DryRun is { } candidate)
            shadow.Start(restaurant, admitted.BookingId, candidate);
        return outcome;
    }

    /// <summary>One run of an admitted V3 booking behind the per-restaurant limit (the worker, an operator's retry).</summary>
    public async Task<bool> RunAsync(Guid restaurantId, Guid bookingId, string trigger, CancellationToken ct)
    {
        using var slot = await limiter.AcquireAsync(restaurantId, ct);
        if (slot is null)
        {
            await retries.LeaveToWorkerAsync(restaurantId, bookingId, RateLimited(restaurantId, trigger), ct);
            return false;
        }
        return await run.RunAsync(bookingId, trigger, ct);
    }

    /// <summary>Non-terminal past the deadline: to manual review, whatever else happens.</summary>
    public Task ExpireAsync(Guid bookingId, CancellationToken ct) => retries.ExpireAsync(bookingId, ct);

    /// <returns>The V3 outcome, or null when the coordinator breaker is open and legacy must serve.</returns>
    private async Task<SubmitOutcome?> SubmitV3Async(RestaurantModel restaurant, BookingDraft draft, CancellationToken ct)
    {
        if (breakers.IsOpen(Breakers.Coordinator)) return null;
        await yields.PrepareAsync(restaurant, ct); // the yield forecast, when the restaurant has the setting on: never learnt under the lock
        // Another run already in flight here, on a day that has been refusing (a drop): a request the day
        // cannot take is refused now, without the queue and the lock (AssignmentRun.RefuseUnlockedAsync).
        if (limiter.InFlight(restaurant.Id) > 0 && await run.RefuseUnlockedAsync(restaurant, draft, ct) is { } refused) return refused;
        using var slot = await AcquireInlineSlotAsync(restaurant.Id, ct);
        try
        {
            // MAX_PARALLEL runs in flight and the queue full (or too slow): admit now, assign later.
            return slot is not null
                ? await run.SubmitAsync(restaurant, draft, ct)
                : await run.OverflowAsync(restaurant, draft, new AssignmentRun.Deferral(RateLimited(restaurant.Id, "inline"), RetryScheduler.RateLimitedDelay, Decide: true), ct);
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
    }

    /// <summary>A coordinator slot for an inline run, waiting in the bounded queue no longer than the inline budget.</summary>
    private async Task<IDisposable?> AcquireInlineSlotAsync(Guid restaurantId, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromMilliseconds(options.Value.InlineBudgetMs));
        try
        {
            return await limiter.AcquireAsync(restaurantId, wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private AppEvent RateLimited(Guid restaurantId, string trigger) =>
        CoordinatorEvents.RateLimited(trigger, limiter.MaxParallel, limiter.InFlight(restaurantId));

    /// <summary>Best effort: the booking is already committed, so a database gone now must not turn its answer into an error.</summary>
    private async Task RecordFallbackAsync(RestaurantModel restaurant, Guid bookingId, CancellationToken ct)
    {
        try
        {
            await events.WriteAsync(CoordinatorEvents.CircuitOpen("inline", breakers.OpenedAt(Breakers.Coordinator)), restaurant.Id, bookingId, ct);
            await events.WriteAsync(CoordinatorEvents.FallbackLegacy("inline"), restaurant.Id, bookingId, ct);
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // The breaker timeline still shows the open breaker; this booking's two events are lost.
        }
    }
}
