using System.Diagnostics.Metrics;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Resilience;
using BookingAssignment.Api.Restaurants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Entry point for every new booking (POST /bookings) and every worker run. It reads the flags and
/// the restaurant's sticky rollout bucket, chooses the live pipeline (stored on the booking), runs
/// it, and starts the dry run of the other pipeline when SHADOW says so. A V3 booking is admitted
/// and assigned inline behind the per-restaurant limit (201); when no slot frees up within the
/// inline budget, or the lock is contended, it is admitted only (202) and the worker finishes it.
/// </summary>
public sealed class AssignmentCoordinator
{
    private readonly PipelineSelector _selector;
    private readonly LegacyAutoAssign _legacy;
    private readonly V3Pipeline _v3;
    private readonly CoordinatorLimiter _limiter;
    private readonly ShadowRunner _shadow;
    private readonly BreakerStates _breakers;
    private readonly EventRecorder _events;
    private readonly IServiceScopeFactory _scopes;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly BookingOptions _options;

    public AssignmentCoordinator(PipelineSelector selector, LegacyAutoAssign legacy, V3Pipeline v3, CoordinatorLimiter limiter, ShadowRunner shadow,
        BreakerStates breakers, EventRecorder events, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, TimeProvider time,
        IOptions<BookingOptions> options, Telemetry telemetry)
    {
        (_selector, _legacy, _v3, _limiter, _shadow, _breakers, _events, _scopes, _lifetime, _time, _options) =
            (selector, legacy, v3, limiter, shadow, breakers, events, scopes, lifetime, time, options.Value);
        telemetry.Observe("booking.coordinator.queue_depth", () => new Measurement<int>(_limiter.Queued), "Runs waiting behind MAX_PARALLEL");
        telemetry.Observe("booking.coordinator.in_flight", () => new Measurement<int>(_limiter.TotalInFlight), "Coordinator runs in flight");
        foreach (var name in new[] { Breakers.RedisLock, Breakers.Coordinator })
            telemetry.Observe($"booking.breaker.{name}.open", () => new Measurement<int>(_breakers.IsOpen(name) ? 1 : 0), "1 while the breaker is open");
        breakers.Changed += OnBreakerChanged;
    }

    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel restaurant, BookingDraft draft, CancellationToken ct)
    {
        var choice = await _selector.ChooseAsync(restaurant.Id);
        if (choice.Live == PipelineSelector.V3 && _breakers.IsOpen(Breakers.Coordinator))
            return await FallBackToLegacyAsync(restaurant, draft, ct);

        if (choice.Live == PipelineSelector.Legacy)
        {
            var outcome = await _legacy.SubmitAsync(restaurant, draft, ct);
            if (outcome is SubmitOutcome.Admitted legacyAdmitted && choice.DryRun is { } candidate)
                _shadow.Start(restaurant, legacyAdmitted.BookingId, candidate);
            return outcome;
        }

        SubmitOutcome v3Outcome;
        using (var slot = await AcquireInlineSlotAsync(restaurant.Id, ct))
        {
            try
            {
                if (slot is not null)
                    v3Outcome = await _v3.AdmitAndAssignAsync(restaurant, draft, ct);
                else
                {
                    // MAX_PARALLEL runs in flight and the queue full (or too slow): admit now, assign later.
                    v3Outcome = await _v3.AdmitAsync(restaurant, draft, ct);
                    if (v3Outcome is SubmitOutcome.Admitted queued) await LeaveToWorkerAsync(restaurant.Id, queued.BookingId, "inline", ct);
                }
            }
            catch (Polly.CircuitBreaker.BrokenCircuitException)
            {
                return await FallBackToLegacyAsync(restaurant, draft, ct);
            }
        }
        if (v3Outcome is SubmitOutcome.Admitted admitted && choice.DryRun is { } dryRun)
            _shadow.Start(restaurant, admitted.BookingId, dryRun);
        return v3Outcome;
    }

    /// <summary>A coordinator slot for an inline run, waiting in the bounded queue no longer than the inline budget.</summary>
    private async Task<IDisposable?> AcquireInlineSlotAsync(Guid restaurantId, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromMilliseconds(_options.InlineBudgetMs));
        try
        {
            return await _limiter.AcquireAsync(restaurantId, wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Leaves an admitted booking to the worker: due now, with a coordinator.rate_limited event.</summary>
    private async Task LeaveToWorkerAsync(Guid restaurantId, Guid bookingId, string trigger, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        await db.Bookings.Where(b => b.Id == bookingId && b.AssignmentState == AssignmentStates.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.NextAttemptAt, _time.GetUtcNow().AddMilliseconds(200)), ct);
        _events.Add(db, EventSources.Coordinator, "coordinator.rate_limited", restaurantId, bookingId, new Dictionary<string, object?>
        {
            ["trigger"] = trigger, ["shadow"] = false, ["reason"] = "max_parallel_queue_full",
            ["max_parallel"] = _limiter.MaxParallel, ["in_flight"] = _limiter.InFlight(restaurantId),
        }, Severity.Warning);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>One V3 run behind the per-restaurant limit; overflow is left to the worker.</summary>
    public async Task<bool> RunAsync(Guid restaurantId, Guid bookingId, string trigger)
    {
        var stopping = _lifetime.ApplicationStopping;
        using var slot = await _limiter.AcquireAsync(restaurantId, stopping);
        if (slot is null)
        {
            await LeaveToWorkerAsync(restaurantId, bookingId, trigger, stopping);
            return false;
        }
        return await _v3.RunAsync(bookingId, trigger, stopping);
    }

    private async Task<SubmitOutcome> FallBackToLegacyAsync(RestaurantModel restaurant, BookingDraft draft, CancellationToken ct)
    {
        var outcome = await _legacy.SubmitAsync(restaurant, draft, ct);
        if (outcome is SubmitOutcome.Admitted admitted)
        {
            var context = new Dictionary<string, object?>
            {
                ["trigger"] = "inline", ["shadow"] = false, ["circuit_status"] = "open", ["reason"] = "coordinator_circuit_open",
                ["opened_at"] = _breakers.OpenedAt(Breakers.Coordinator),
            };
            await _events.WriteAsync(EventSources.Coordinator, "coordinator.circuit_open", restaurant.Id, admitted.BookingId, context, Severity.Warning, ct);
            await _events.WriteAsync(EventSources.Coordinator, "coordinator.fallback_legacy", restaurant.Id, admitted.BookingId,
                new Dictionary<string, object?> { ["trigger"] = "inline", ["shadow"] = false, ["reason"] = "coordinator_circuit_open" }, Severity.Warning, ct);
        }
        return outcome;
    }

    private void OnBreakerChanged(string name, string status)
    {
        // One event per breaker state change, for the breaker timeline; best effort.
        _ = Task.Run(async () =>
        {
            try
            {
                await _events.WriteAsync(EventSources.Coordinator, status == "open" ? "coordinator.circuit_open" : "coordinator.circuit_state",
                    null, null, new Dictionary<string, object?>
                    {
                        ["trigger"] = "breaker", ["shadow"] = false, ["circuit"] = name, ["circuit_status"] = status,
                        ["reason"] = status == "open" ? "failure_ratio_exceeded" : null,
                    }, status == "open" ? Severity.Error : Severity.Info, CancellationToken.None);
            }
            catch (Exception ex) when (DbErrors.IsUnavailable(ex))
            {
                // The database may be the very reason the breaker opened.
            }
        });
    }
}
