using System.Diagnostics;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Resilience;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Core.Planning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The V3 pipeline (SPEC §4.4). Admission persists the booking and walks it
/// created → capacity_verified → assignment_pending in one transaction. A run then claims it
/// (→ assignment_in_progress, with a lease), takes the Redis lock for the restaurant/date (or
/// degrades to the database lock), plans under the PostgreSQL advisory lock and commits
/// assigned → confirmed with its tables — or retries with backoff, or sends it to manual review.
/// </summary>
public sealed partial class V3Pipeline(
    IServiceScopeFactory scopes,
    EventRecorder events,
    TransitionWriter transitions,
    RestaurantLocks locks,
    RestaurantCatalog catalog,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner,
    [FromKeyedServices(Breakers.Coordinator)] ResiliencePipeline breaker,
    TimeProvider time,
    Telemetry telemetry,
    IOptions<CoordinatorOptions> coordinatorOptions,
    IOptions<PlannerOptions> plannerOptions,
    IOptions<BookingOptions> bookingOptions,
    Admission admission,
    ILogger<V3Pipeline> logger)
{
    public const string Pipeline = PipelineSelector.V3;
    private readonly Random _jitter = new();
    private CoordinatorOptions Options => coordinatorOptions.Value;

    /// <summary>Admission only: capacity check and the booking row (→ assignment_pending), under the advisory lock; the worker assigns.</summary>
    public async Task<SubmitOutcome> AdmitAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AdmitOnceAsync(r, draft, assign: null, ct);
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex) && attempt < 3)
            {
                // Serialization hiccup: admission is all-or-nothing, so simply try again.
            }
        }
    }

    /// <summary>
    /// One admission transaction: advisory lock, capacity check (409 outcome, nothing written),
    /// booking row and created → capacity_verified → assignment_pending. With <paramref name="assign"/>
    /// the booking is assigned in the same transaction (it returns the outcome for the metrics);
    /// without it the booking is left for the worker.
    /// </summary>
    private async Task<SubmitOutcome> AdmitOnceAsync(RestaurantModel r, BookingDraft draft,
        Func<BookingDb, Booking, IReadOnlyList<Occupancy>, DateTimeOffset, Task<string>>? assign, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (schedule, rejectReason) = await admission.LockAndCheckAsync(db, r, draft, MovableFrom(now), ct);
        if (rejectReason is not null)
        {
            await tx.RollbackAsync(ct);
            return await admission.RejectAsync(r, draft, Pipeline, rejectReason, schedule, now, ct);
        }
        var booking = admission.Create(db, draft, r, Pipeline, now);
        transitions.Apply(db, booking, m => m.VerifyCapacity(), "inline");
        transitions.Apply(db, booking, m => m.Enqueue(), "inline");
        // Admit-only: the inline caller owns it for the budget; after that the worker may take it.
        if (assign is null) booking.NextAttemptAt = now.AddMilliseconds(bookingOptions.Value.InlineBudgetMs + 1000);
        var outcome = assign is null ? null : await assign(db, booking, schedule, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SubmitOutcome.Admitted(booking.Id, Terminal: outcome is not null);
    }

    /// <summary>
    /// The inline path for a new booking, inside the coordinator circuit breaker: with the Redis
    /// lock held (or degraded to the database lock), one transaction under the advisory lock admits
    /// the booking and assigns it — created → capacity_verified → assignment_pending →
    /// assignment_in_progress → assigned → confirmed (or → manual_review), every edge with its history
    /// row and event. When the lock is contended or conflicts persist, the booking is only admitted
    /// (assignment_pending) and the worker finishes it. Faults other than the database being gone
    /// are recorded and fall back to the same admit-only path, so no accepted request is lost.
    /// </summary>
    public async Task<SubmitOutcome> AdmitAndAssignAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        try
        {
            return await breaker.ExecuteAsync(async token => await AdmitAndAssignCoreAsync(r, draft, token), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not Polly.CircuitBreaker.BrokenCircuitException && !DbErrors.IsUnavailable(ex))
        {
            LogRunFailed(logger, ex, Guid.Empty);
            await events.WriteAsync(EventSources.Coordinator, "coordinator.error", r.Id, null, new Dictionary<string, object?>
            {
                ["trigger"] = "inline", ["shadow"] = false, ["reason"] = ex.GetType().Name, ["message"] = ex.GetBaseException().Message,
            }, Severity.Error, CancellationToken.None);
            return await AdmitAsync(r, draft, ct);
        }
    }

    private async Task<SubmitOutcome> AdmitAndAssignCoreAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Telemetry.Activities.StartActivity("coordinator.admit_and_assign");
        await using var lease = await locks.AcquireAsync(AdvisoryLock.Resource(r.Id, r.Rules.ServiceDate(draft.StartsAt)), ct);
        telemetry.LockWait.Record(lease.WaitMs, new KeyValuePair<string, object?>("mode", lease.Mode.ToString()));
        var lockContext = new Dictionary<string, object?> { ["trigger"] = "inline", ["shadow"] = false, ["wait_ms"] = Math.Round(lease.WaitMs, 1) };
        if (lease.Contended)
        {
            var admitted = await AdmitAsync(r, draft, ct);
            if (admitted is SubmitOutcome.Admitted a)
            {
                lockContext["reason"] = "lock_wait_exceeded";
                await events.WriteAsync(EventSources.Coordinator, "coordinator.lock_contention", r.Id, a.BookingId, lockContext, Severity.Warning, ct);
            }
            return admitted;
        }
        if (lease.Mode == LockMode.DatabaseOnly) lockContext["reason"] = "redis_unavailable";
        var lockEvent = lease.Mode == LockMode.Redis ? "coordinator.lock_acquired" : "coordinator.lock_degraded";

        for (var attempt = 1; attempt <= Options.ReplansPerRun; attempt++)
        {
            string? outcome = null;
            try
            {
                var admitted = await AdmitOnceAsync(r, draft, async (db, booking, schedule, now) =>
                {
                    events.Add(db, EventSources.Coordinator, "coordinator.start", r.Id, booking.Id, new Dictionary<string, object?>
                    {
                        ["trigger"] = "inline", ["shadow"] = false, ["attempt"] = 1,
                    });
                    transitions.Apply(db, booking, m => m.StartAssignment(), "inline");
                    booking.AttemptCount = 1;
                    events.Add(db, EventSources.Coordinator, lockEvent, r.Id, booking.Id, lockContext,
                        lease.Mode == LockMode.Redis ? Severity.Info : Severity.Warning);
                    return outcome = await PlanIntoAsync(db, r, booking, schedule, "inline", started, now, ct);
                }, ct);
                if (admitted is SubmitOutcome.Admitted && outcome is not null) telemetry.RecordOutcome(Pipeline, outcome, started); // committed
                return admitted;
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex))
            {
                // A race lost to a writer outside our locks (e.g. an operator): nothing was written; try again.
            }
        }
        return await AdmitAsync(r, draft, ct);
    }

    /// <summary>
    /// One coordinator run of a booking, inside the coordinator circuit breaker. Returns true when
    /// the booking is terminal afterwards. Faults become a scheduled retry, never an exception.
    /// </summary>
    public async Task<bool> RunAsync(Guid bookingId, string runTrigger, CancellationToken ct)
    {
        try
        {
            return await breaker.ExecuteAsync(async token => await RunCoreAsync(bookingId, runTrigger, token), ct);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            // Breaker open: leave the booking pending for the worker; it is retried once the breaker closes.
            await ScheduleRetryAsync(bookingId, runTrigger, "coordinator_circuit_open", ownedVersion: null, CancellationToken.None);
            return false;
        }
        catch (RunFailedException)
        {
            return false; // recorded and rescheduled where it happened
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Failed before the claim: the booking is still pending and the worker will pick it up.
            await RecordErrorAsync(bookingId, runTrigger, ex, ownedVersion: null);
            return false;
        }
    }

    private async Task<bool> RunCoreAsync(Guid bookingId, string runTrigger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Telemetry.Activities.StartActivity("coordinator.run");
        activity?.SetTag("booking.id", bookingId);

        var claim = await ClaimAsync(bookingId, runTrigger, ct);
        if (claim is null) return await IsTerminalAsync(bookingId, ct);
        var (restaurant, serviceDate, version) = claim.Value;
        try
        {
            await using var lease = await locks.AcquireAsync(AdvisoryLock.Resource(restaurant.Id, serviceDate), ct);
            telemetry.LockWait.Record(lease.WaitMs, new KeyValuePair<string, object?>("mode", lease.Mode.ToString()));
            var lockContext = new Dictionary<string, object?> { ["trigger"] = runTrigger, ["shadow"] = false, ["wait_ms"] = Math.Round(lease.WaitMs, 1) };
            if (lease.Contended)
            {
                lockContext["reason"] = "lock_wait_exceeded";
                await events.WriteAsync(EventSources.Coordinator, "coordinator.lock_contention", restaurant.Id, bookingId, lockContext, Severity.Warning, ct);
                await ScheduleRetryAsync(bookingId, runTrigger, "lock_contention", version, ct);
                return false;
            }
            if (lease.Mode == LockMode.DatabaseOnly) lockContext["reason"] = "redis_unavailable";
            // Recorded with the plan, in its transaction: one round trip fewer per run.
            var lockEvent = lease.Mode == LockMode.Redis ? "coordinator.lock_acquired" : "coordinator.lock_degraded";

            for (var replan = 1; replan <= Options.ReplansPerRun; replan++)
            {
                try
                {
                    var terminal = await PlanAndCommitAsync(restaurant, bookingId, version, runTrigger, started, (lockEvent, lockContext), ct);
                    return terminal ?? await IsTerminalAsync(bookingId, ct);
                }
                catch (Exception ex) when (DbErrors.IsConflict(ex))
                {
                    // Exclusion conflict or lost race: a business outcome. Re-plan on fresh data.
                }
            }
            await ScheduleRetryAsync(bookingId, runTrigger, "conflict_after_replans", version, ct);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RecordErrorAsync(bookingId, runTrigger, ex, version);
            throw new RunFailedException(ex); // still a fault for the coordinator breaker
        }
    }

    private async Task RecordErrorAsync(Guid bookingId, string runTrigger, Exception ex, int? ownedVersion)
    {
        LogRunFailed(logger, ex, bookingId);
        try
        {
            await events.WriteAsync(EventSources.Coordinator, "coordinator.error", null, bookingId, new Dictionary<string, object?>
            {
                ["trigger"] = runTrigger, ["shadow"] = false, ["reason"] = ex.GetType().Name, ["message"] = ex.GetBaseException().Message,
            }, Severity.Error, CancellationToken.None);
            await ScheduleRetryAsync(bookingId, runTrigger, "error:" + ex.GetType().Name, ownedVersion, CancellationToken.None);
        }
        catch (Exception inner)
        {
            // Most likely the database is gone: the lease expires and the worker retries the booking.
            LogRetryNotRecorded(logger, bookingId, inner.GetBaseException().Message);
        }
    }

    /// <summary>A run that failed after claiming its booking; already recorded and rescheduled.</summary>
    private sealed class RunFailedException(Exception inner) : Exception("Coordinator run failed: " + inner.Message, inner);

    /// <summary>pending → in_progress with a lease (or takes over an expired lease). Null: not ours to run.</summary>
    private async Task<(RestaurantModel, DateOnly, int)?> ClaimAsync(Guid bookingId, string runTrigger, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null || booking.AssignmentPipeline != Pipeline) return null;
        var now = time.GetUtcNow();
        var restaurant = (await catalog.FindAsync(booking.RestaurantId, ct))!;
        if (booking.Status == BookingStatus.Cancelled)
        {
            if (!AssignmentStates.IsTerminal(booking.AssignmentState))
            {
                transitions.Apply(db, booking, m => m.Fail(), runTrigger, "cancelled_before_assignment");
                await db.SaveChangesAsync(ct);
            }
            return null;
        }
        if (booking.AssignmentState == AssignmentStates.InProgress)
        {
            if (booking.LeaseExpiresAt > now) return null; // another run owns it
            transitions.Apply(db, booking, m => m.Retry(), runTrigger, "lease_expired");
        }
        if (booking.AssignmentState != AssignmentStates.Pending) return null;

        events.Add(db, EventSources.Coordinator, "coordinator.start", booking.RestaurantId, booking.Id, new Dictionary<string, object?>
        {
            ["trigger"] = runTrigger, ["shadow"] = false, ["attempt"] = booking.AttemptCount + 1,
        });
        transitions.Apply(db, booking, m => m.StartAssignment(), runTrigger);
        booking.AttemptCount += 1;
        booking.LeaseExpiresAt = now.AddSeconds(Options.LeaseSeconds);
        booking.NextAttemptAt = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (DbErrors.IsLostRace(ex))
        {
            return null; // lost the race to another run: it owns the booking now
        }
        return (restaurant, restaurant.Rules.ServiceDate(booking.StartAt), booking.AssignmentStateVersion);
    }

    /// <returns>True/false when this run decided the outcome; null when another run took the booking.</returns>
    private async Task<bool?> PlanAndCommitAsync(RestaurantModel r, Guid bookingId, int claimedVersion, string runTrigger, long started,
        (string Type, Dictionary<string, object?> Context) lockEvent, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
        await AdvisoryLock.AcquireAsync(db, r.Id, r.Rules.ServiceDate(booking.StartAt), ct);
        if (booking.AssignmentStateVersion != claimedVersion || booking.AssignmentState != AssignmentStates.InProgress) return null;
        events.Add(db, EventSources.Coordinator, lockEvent.Type, r.Id, booking.Id, lockEvent.Context,
            lockEvent.Type == "coordinator.lock_acquired" ? Severity.Info : Severity.Warning);
        if (booking.Status == BookingStatus.Cancelled)
        {
            transitions.Apply(db, booking, m => m.Fail(), runTrigger, "cancelled_before_assignment");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }

        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, booking.StartAt), MovableFrom(now), booking.Id, ct);
        var outcome = await PlanIntoAsync(db, r, booking, schedule, runTrigger, started, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        telemetry.RecordOutcome(Pipeline, outcome, started);
        return true;
    }

    /// <summary>
    /// Plans an in-progress booking against <paramref name="schedule"/> and stages the result on
    /// <paramref name="db"/>: the attempt row, then either the tables (with any moves) and
    /// in_progress → assigned → confirmed, or → manual_review. The caller saves and commits.
    /// </summary>
    /// <returns>"confirmed" or "manual_review".</returns>
    private async Task<string> PlanIntoAsync(BookingDb db, RestaurantModel r, Booking booking, IReadOnlyList<Occupancy> schedule,
        string runTrigger, long started, DateTimeOffset now, CancellationToken ct)
    {
        var request = new PlanRequest(booking.PartySize, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.ZonePreference);
        var planStarted = Stopwatch.GetTimestamp();
        var plan = planner.Plan(r.Floor, schedule, request);
        telemetry.PlannerDuration.Record(Stopwatch.GetElapsedTime(planStarted).TotalMilliseconds, new KeyValuePair<string, object?>("pipeline", Pipeline));

        db.Attempts.Add(new AssignmentAttempt
        {
            BookingId = booking.Id, Pipeline = Pipeline, AttemptNo = booking.AttemptCount, StartedAt = now, FinishedAt = time.GetUtcNow(),
            Outcome = plan is null ? "no_plan" : "assigned", Reason = plan is null ? "no_table_combination_free" : null,
            Strategy = plan?.Strategy, TableIds = plan?.TableIds.ToArray() ?? [],
        });
        var durationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        booking.LeaseExpiresAt = null;
        booking.NextAttemptAt = null;
        if (plan is null)
        {
            // Capacity was verified at admission, but no placement exists (fragmentation).
            transitions.Apply(db, booking, m => m.SendToManualReview(), runTrigger, "no_table_combination_free");
            events.Add(db, EventSources.Coordinator, "coordinator.manual_review", r.Id, booking.Id, new Dictionary<string, object?>
            {
                ["trigger"] = runTrigger, ["shadow"] = false, ["reason"] = "no_table_combination_free", ["attempts"] = booking.AttemptCount, ["duration_ms"] = durationMs,
            }, Severity.Warning);
            return "manual_review";
        }

        await ApplyMovesAsync(db, r, plan, runTrigger, now, ct);
        foreach (var tableId in plan.TableIds)
            db.Assignments.Add(new BookingTableAssignment
            {
                BookingId = booking.Id, TableId = tableId, HeldFrom = request.During.Start.ToUniversalTime(),
                HeldUntil = request.During.End.ToUniversalTime(), AssignedAt = now, AssignedBy = Pipeline,
            });
        transitions.Apply(db, booking, m => m.CommitPlan(), runTrigger);
        transitions.Apply(db, booking, m => m.Confirm(), runTrigger);
        booking.Status = BookingStatus.Confirmed;
        booking.AssignmentReason = null;
        events.Add(db, EventSources.Coordinator, "coordinator.confirmed", r.Id, booking.Id, new Dictionary<string, object?>
        {
            ["trigger"] = runTrigger, ["shadow"] = false, ["strategy"] = plan.Strategy, ["attempts"] = booking.AttemptCount,
            ["duration_ms"] = durationMs, ["tables"] = r.LabelsOf(plan.TableIds), ["moves"] = plan.Moves.Count,
        });
        return "confirmed";
    }

    /// <summary>Bounded reassignment: moved bookings keep time and party; only their tables change.</summary>
    private async Task ApplyMovesAsync(BookingDb db, RestaurantModel r, TablePlan plan, string runTrigger, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var move in plan.Moves)
        {
            var moved = await db.Bookings.SingleAsync(b => b.Id == move.BookingId, ct);
            var rows = await db.Assignments.Where(a => a.BookingId == move.BookingId && a.ReleasedAt == null).ToListAsync(ct);
            if (moved.Pinned || moved.Status != BookingStatus.Confirmed || rows.Count == 0)
                throw new DbUpdateConcurrencyException($"Booking {move.BookingId} changed since it was planned as movable.");
            foreach (var row in rows) row.ReleasedAt = now;
            foreach (var tableId in move.ToTableIds)
                db.Assignments.Add(new BookingTableAssignment
                {
                    BookingId = moved.Id, TableId = tableId, HeldFrom = rows[0].HeldFrom, HeldUntil = rows[0].HeldUntil, AssignedAt = now, AssignedBy = "v3_reassignment",
                });
            moved.AssignmentStateVersion += 1;
            moved.UpdatedAt = now;
            db.StateHistory.Add(new StateHistoryEntry
            {
                BookingId = moved.Id, FromState = moved.AssignmentState, ToState = moved.AssignmentState, Version = moved.AssignmentStateVersion,
                Trigger = "reassign", Reason = "made_room_for_new_booking", Pipeline = Pipeline, CreatedAt = now,
            });
            events.Add(db, EventSources.Coordinator, "assignment.reassigned", r.Id, moved.Id, new Dictionary<string, object?>
            {
                ["trigger"] = runTrigger, ["shadow"] = false, ["old_tables"] = r.LabelsOf(move.FromTableIds), ["new_tables"] = r.LabelsOf(move.ToTableIds),
            });
        }
    }

    /// <summary>in_progress → pending with backoff, or → manual_review when the run budget is spent.</summary>
    /// <param name="ownedVersion">The version this run claimed; an in-progress booking at another
    /// version belongs to another run (e.g. the worker took over an expired lease) and is left alone.</param>
    public async Task ScheduleRetryAsync(Guid bookingId, string runTrigger, string reason, int? ownedVersion, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null || AssignmentStates.IsTerminal(booking.AssignmentState)) return;
        if (booking.AssignmentState == AssignmentStates.InProgress && booking.AssignmentStateVersion != ownedVersion) return;
        var now = time.GetUtcNow();
        if (booking.AttemptCount >= Options.RunBudget)
        {
            var why = $"run_budget_exhausted:{reason}";
            transitions.Apply(db, booking, m => m.SendToManualReview(), runTrigger, why);
            booking.LeaseExpiresAt = null;
            booking.NextAttemptAt = null;
            events.Add(db, EventSources.Coordinator, "coordinator.manual_review", booking.RestaurantId, booking.Id, new Dictionary<string, object?>
            {
                ["trigger"] = runTrigger, ["shadow"] = false, ["reason"] = why, ["attempts"] = booking.AttemptCount,
            }, Severity.Warning);
            telemetry.RecordOutcome(Pipeline, "manual_review", Stopwatch.GetTimestamp());
        }
        else
        {
            var delay = Backoff.Delay(Math.Max(1, booking.AttemptCount), TimeSpan.FromMilliseconds(Options.BackoffBaseMs), TimeSpan.FromMilliseconds(Options.BackoffCapMs), _jitter);
            if (booking.AssignmentState == AssignmentStates.InProgress)
                transitions.Apply(db, booking, m => m.Retry(), runTrigger, reason);
            booking.LeaseExpiresAt = null;
            booking.NextAttemptAt = now + delay;
            events.Add(db, EventSources.Coordinator, "coordinator.retry", booking.RestaurantId, booking.Id, new Dictionary<string, object?>
            {
                ["trigger"] = runTrigger, ["shadow"] = false, ["reason"] = reason, ["delay_ms"] = (long)delay.TotalMilliseconds, ["attempts"] = booking.AttemptCount,
            }, Severity.Warning);
        }
        try { await db.SaveChangesAsync(ct); }
        catch (Exception ex) when (DbErrors.IsLostRace(ex)) { /* someone else moved it on: their decision stands */ }
    }

    /// <summary>The hard ceiling: non-terminal for too long → manual_review (the worker calls this).</summary>
    public async Task ExpireAsync(Guid bookingId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null || AssignmentStates.IsTerminal(booking.AssignmentState)) return;
        const string why = "deadline_exceeded";
        transitions.Apply(db, booking, m => m.CanSendToManualReview ? m.SendToManualReview() : m.Fail(), "worker", why);
        booking.LeaseExpiresAt = null;
        booking.NextAttemptAt = null;
        events.Add(db, EventSources.Coordinator, "coordinator.manual_review", booking.RestaurantId, booking.Id, new Dictionary<string, object?>
        {
            ["trigger"] = "worker", ["shadow"] = false, ["reason"] = why, ["attempts"] = booking.AttemptCount,
        }, Severity.Warning);
        try { await db.SaveChangesAsync(ct); }
        catch (Exception ex) when (DbErrors.IsLostRace(ex)) { }
    }

    private async Task<bool> IsTerminalAsync(Guid bookingId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var state = await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.AssignmentState).SingleOrDefaultAsync(ct);
        return state is not null && AssignmentStates.IsTerminal(state);
    }

    private DateTimeOffset? MovableFrom(DateTimeOffset now) =>
        plannerOptions.Value.MaxMoves > 0 ? now.AddMinutes(plannerOptions.Value.FreezeMinutes) : null;


    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the retry of booking {BookingId} ({Error}); the worker takes it over when its lease expires")]
    private static partial void LogRetryNotRecorded(ILogger logger, Guid bookingId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Coordinator run failed for booking {BookingId}; a retry is scheduled")]
    private static partial void LogRunFailed(ILogger logger, Exception ex, Guid bookingId);
}
