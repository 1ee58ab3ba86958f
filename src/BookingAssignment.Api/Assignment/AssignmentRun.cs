using System.Diagnostics;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Resilience;
using Polly;
using Polly.CircuitBreaker;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// One V3 assignment run (SPEC §4.4): the only code that takes the locks, plans and commits. Every
/// way a V3 booking gets tables comes here with a trigger — a new booking inline
/// (<see cref="SubmitAsync"/>), the worker's retry and an operator's retry (<see cref="RunAsync"/>).
/// Inside the coordinator breaker it takes the Redis lock for the restaurant's service date (or
/// degrades to the database lock), then one transaction under the PostgreSQL advisory lock admits
/// (new bookings), plans and stages the result through <see cref="PlanWriter"/>. What it cannot
/// finish — contention, repeated conflicts, faults — is left to the worker through
/// <see cref="RetryScheduler"/>, so no accepted request is lost.
/// </summary>
internal sealed class AssignmentRun(
    IServiceScopeFactory scopes,
    RestaurantLocks locks,
    RestaurantCatalog catalog,
    Admission admission,
    PlanWriter writer,
    RetryScheduler retries,
    [FromKeyedServices(Breakers.Coordinator)] ResiliencePipeline breaker,
    Telemetry telemetry,
    IOptions<CoordinatorOptions> options,
    TimeProvider time) : IDisposable
{
    private const string Pipeline = PipelineSelector.V3;

    /// <summary>What one run works on: a new booking (with its draft) or an admitted one it has claimed.</summary>
    private sealed record Job(RestaurantModel Restaurant, string Trigger, DateTimeOffset StartsAt, BookingDraft? Draft, Guid BookingId, int ClaimedVersion)
    {
        public long Started { get; } = Stopwatch.GetTimestamp();
        public static Job New(RestaurantModel r, BookingDraft d) => new(r, "inline", d.StartsAt, d, Guid.Empty, 0);
    }

    /// <summary>
    /// A new booking: admitted and assigned in one transaction (201), or admitted only (202) when the
    /// lock stays contended or conflicts persist. A fault is recorded and falls back to admit-only;
    /// an open breaker (<see cref="BrokenCircuitException"/>) and the database being gone propagate.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        try
        {
            var outcome = await breaker.ExecuteAsync(async token => await LockedAsync(Job.New(r, draft), token), ct);
            return outcome is Refusal refusal ? await RejectAsync(r, refusal, ct) : outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not BrokenCircuitException && !DbErrors.IsUnavailable(ex)
                                   && !DbErrors.IsDuplicateIdempotencyKey(ex) && !DbErrors.IsHoldAlreadyUsed(ex))
        {
            await retries.RecordErrorAsync(r.Id, null, "inline", ex, ownedVersion: null);
            return await AdmitOnlyAsync(r, draft, new Deferral(null, null), ct);
        }
    }

    /// <summary>Why and when an admitted-only booking goes to the worker: an event staged with it, and when it is due.</summary>
    /// <param name="Decide">
    /// Finish the run in the admission's transaction when V3's exact decision is in hand: only where
    /// nothing failed (the limit was full, the lock contended). After a fault or repeated conflicts
    /// the booking is admitted only, and the worker retries the run.
    /// </param>
    public sealed record Deferral(AppEvent? Cause, TimeSpan? DueIn, bool Decide = false);

    /// <summary>
    /// Refused under the locks. The alternatives (a search of their own) and the rejection event come
    /// after the locks are released, so a sold-out evening does not hold the next request up.
    /// </summary>
    private sealed record Refusal(BookingDraft Draft, AdmissionResult.Rejected Decision, DateTimeOffset Now) : SubmitOutcome;

    private Task<SubmitOutcome.Rejected> RejectAsync(RestaurantModel r, Refusal refusal, CancellationToken ct)
    {
        _refusing.Refused(r, refusal.Draft.StartsAt);
        return admission.RejectAsync(r, refusal.Draft, Pipeline, refusal.Decision, refusal.Now, ct);
    }

    /// <summary>
    /// The refusal path without the locks, for a restaurant where another run is already in flight
    /// and whose day refused a request a moment ago (a drop, a sold-out evening): the decision on the
    /// day as committed a moment ago. A refusal is answered at once (409 with alternatives), instead of
    /// queueing for the lock only to hear the same answer; it is as true as an availability answer of
    /// that moment. Null: it may fit, and the locked run decides (a "yes" read without the lock proves
    /// nothing). A day that has not refused lately goes straight to the locked run: there the check
    /// would only be a second read of the day.
    /// </summary>
    public async Task<SubmitOutcome.Rejected?> RefuseUnlockedAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        if (draft.HoldId is not null) return null; // a live hold is never refused
        if (!_refusing.Lately(r, draft.StartsAt)) return null;
        // A few at once per core (each waits on two round trips); the rest wait their turn here, not at the lock.
        await _unlocked.WaitAsync(ct);
        try { return await RefuseFromSnapshotAsync(r, draft, ct); }
        finally { _unlocked.Release(); }
    }

    private readonly SemaphoreSlim _unlocked = new(2 * Environment.ProcessorCount);
    private readonly RefusingDays _refusing = new(time);
    private readonly DayQueue _queue = new(time);

    public void Dispose() => _queue.Dispose();

    /// <summary>
    /// No coordinator slot: admitted only (and, with V3's exact decision in hand, finished in that
    /// transaction: <see cref="Deferral.Decide"/>) in the day's turn (<see cref="DayQueue"/>). A request
    /// the day becomes unable to take while it waits leaves the queue refused.
    /// </summary>
    public async Task<SubmitOutcome> OverflowAsync(RestaurantModel r, BookingDraft draft, Deferral deferral, CancellationToken ct)
    {
        var (turn, refused) = await _queue.WaitAsync((r.Id, r.Rules.ServiceDate(draft.StartsAt)),
            () => _refusing.Last(r, draft.StartsAt), () => RefuseUnlockedAsync(r, draft, ct), ct);
        if (refused is not null) return refused;
        using (turn) return await AdmitOnlyAsync(r, draft, deferral, ct);
    }

    private async Task<SubmitOutcome.Rejected?> RefuseFromSnapshotAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, draft.StartsAt), admission.MovableFrom(Pipeline, now), excludeBookingId: null, ct);
        if (admission.Refusal(r, draft, Pipeline, schedule, now, admitOnly: false, out _) is not { } refused) return null;
        telemetry.UnlockedRefusals.Add(1);
        _refusing.Refused(r, draft.StartsAt);
        return await admission.RejectAsync(r, draft, Pipeline, refused, now, ct);
    }

    /// <summary>Admission only (→ assignment_pending), for the worker to assign.</summary>
    public async Task<SubmitOutcome> AdmitOnlyAsync(RestaurantModel r, BookingDraft draft, Deferral deferral, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await CommitAsync(Job.New(r, draft), lockEvent: null, deferral, ct);
                return outcome is Refusal refusal ? await RejectAsync(r, refusal, ct) : outcome;
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex) && attempt < 3)
            {
                // Serialization hiccup: admission is all-or-nothing, so simply try again (admission only).
                deferral = deferral with { Decide = false };
            }
        }
    }

    /// <summary>
    /// One run of an admitted booking. Returns true when the booking is terminal afterwards. Faults
    /// become a scheduled retry, never an exception (they still count for the breaker).
    /// </summary>
    public async Task<bool> RunAsync(Guid bookingId, string trigger, CancellationToken ct)
    {
        Job? job = null;
        try
        {
            return await breaker.ExecuteAsync(async token =>
            {
                job = await ClaimAsync(bookingId, trigger, token);
                if (job is null) return await IsTerminalAsync(bookingId, token);
                return await LockedAsync(job, token) is SubmitOutcome.Admitted { Terminal: true };
            }, ct);
        }
        catch (BrokenCircuitException)
        {
            // Breaker open: leave the booking pending; it is retried once the breaker closes.
            await retries.ScheduleAsync(bookingId, trigger, "coordinator_circuit_open", ownedVersion: null, cause: null, CancellationToken.None);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await retries.RecordErrorAsync(job?.Restaurant.Id, bookingId, trigger, ex, job?.ClaimedVersion);
            return false;
        }
    }

    /// <summary>The Redis lock (or the database lock alone), then the transaction; re-planned on a conflict.</summary>
    private async Task<SubmitOutcome> LockedAsync(Job job, CancellationToken ct)
    {
        using var activity = Telemetry.Activities.StartActivity("coordinator.run");
        activity?.SetTag("trigger", job.Trigger);
        var r = job.Restaurant;
        await using var lease = await locks.AcquireAsync(AdvisoryLock.Resource(r.Id, r.Rules.ServiceDate(job.StartsAt)), ct);
        telemetry.LockWait.Record(lease.WaitMs, new KeyValuePair<string, object?>("mode", lease.Mode.ToString()));
        if (lease.Contended) return await DeferAsync(job, "lock_contention", CoordinatorEvents.LockContention(lease, job.Trigger), decide: true, ct);
        for (var replan = 1; replan <= options.Value.ReplansPerRun; replan++)
        {
            try
            {
                return await CommitAsync(job, CoordinatorEvents.Lock(lease, job.Trigger), deferral: null, ct);
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex))
            {
                // Exclusion conflict or lost race (e.g. to an operator): nothing was written; re-plan on fresh data.
            }
        }
        return await DeferAsync(job, "conflict_after_replans", cause: null, decide: false, ct);
    }

    /// <summary>Leaves the job to the worker: a new booking is admitted only (<see cref="Deferral.Decide"/>), a claimed one gets a retry.</summary>
    private async Task<SubmitOutcome> DeferAsync(Job job, string reason, AppEvent? cause, bool decide, CancellationToken ct)
    {
        if (job.Draft is { } draft) return await AdmitOnlyAsync(job.Restaurant, draft, new Deferral(cause, null, decide), ct);
        await retries.ScheduleAsync(job.BookingId, job.Trigger, reason, job.ClaimedVersion, cause, ct);
        return new SubmitOutcome.Admitted(job.BookingId, Terminal: false);
    }

    /// <summary>
    /// The one transaction under the advisory lock. New booking: admission (409 outcome, nothing
    /// written) and the start of its run; claimed booking: still ours, or another run took it. Then,
    /// with <paramref name="lockEvent"/>, plan and stage the outcome; without it, admit only.
    /// </summary>
    private async Task<SubmitOutcome> CommitAsync(Job job, AppEvent? lockEvent, Deferral? deferral, CancellationToken ct)
    {
        var r = job.Restaurant;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Booking booking;
        ArrangementDecision? decision = null;
        if (job.Draft is { } draft)
        {
            var schedule = await Admission.LockDayAsync(db, r, draft.StartsAt, admission.MovableFrom(Pipeline, now), excludeBookingId: draft.HoldId, ct);
            switch (admission.Admit(db, r, draft, Pipeline, schedule, now, admitOnly: lockEvent is null))
            {
                case AdmissionResult.Rejected rejected:
                    await tx.RollbackAsync(ct);
                    return new Refusal(draft, rejected, now);
                case AdmissionResult.Admitted admitted:
                    booking = admitted.Booking;
                    decision = admitted.Decision;
                    break;
                default:
                    throw new UnreachableException();
            }
            if (lockEvent is null)
            {
                if (deferral?.Cause is { } cause) writer.Note(db, booking, cause);
                if (decision is null || deferral is not { Decide: true })
                {
                    admission.LeaveToWorker(booking, now, deferral?.DueIn);
                    await SaveAsync(db, tx, ct);
                    return new SubmitOutcome.Admitted(booking.Id, Terminal: false) { Committed = CommittedBooking.Of(db, booking) };
                }
                // Exact admission has decided (an arrangement, or out of budget: a person decides) in
                // this transaction, under the advisory lock, which with the exclusion constraint is what
                // makes a run safe (the Redis lock only keeps runs from colliding). So the run finishes
                // now instead of leaving the booking to the worker: waiting, it would be one more
                // variable in every later decision of the evening (and, unproved, possibly one that
                // cannot be seated, failing each of them), and the guest would hear 202 for a booking
                // that is already decided.
            }
            writer.Start(db, booking, job.Trigger, leaseUntil: null);
            await writer.PlanAndStageAsync(db, r, booking, schedule, job.Trigger, lockEvent, job.Started, now, ct, decision);
        }
        else
        {
            booking = await db.Bookings.SingleAsync(b => b.Id == job.BookingId, ct);
            await AdvisoryLock.AcquireAsync(db, r.Id, r.Rules.ServiceDate(booking.StartAt), ct);
            if (booking.AssignmentStateVersion != job.ClaimedVersion || booking.AssignmentState != AssignmentState.AssignmentInProgress)
                return new SubmitOutcome.Admitted(booking.Id, Terminal: await IsTerminalAsync(booking.Id, ct)); // another run took it
            if (booking.Status == BookingStatus.Cancelled)
                writer.FailCancelled(db, booking, job.Trigger);
            else
            {
                var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, booking.StartAt), admission.MovableFrom(Pipeline, now), booking.Id, ct);
                await writer.PlanAndStageAsync(db, r, booking, schedule, job.Trigger, lockEvent!, job.Started, now, ct);
            }
        }
        await SaveAsync(db, tx, ct);
        if (booking.AssignmentState is AssignmentState.Confirmed or AssignmentState.ManualReview)
            telemetry.RecordOutcome(Pipeline, StateNames.Of(booking.AssignmentState), job.Started); // committed
        return new SubmitOutcome.Admitted(booking.Id, Terminal: true) { Committed = CommittedBooking.Of(db, booking) };
    }

    /// <summary>pending → in_progress with a lease (or takes over an expired lease). Null: not ours to run.</summary>
    private async Task<Job?> ClaimAsync(Guid bookingId, string trigger, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null || booking.AssignmentPipeline != Pipeline) return null;
        var now = time.GetUtcNow();
        if (booking.Status == BookingStatus.Cancelled)
        {
            if (booking.AssignmentState.IsTerminal()) return null;
            writer.FailCancelled(db, booking, trigger);
            await db.SaveChangesAsync(ct);
            return null;
        }
        if (!writer.TryClaim(db, booking, trigger, now, now.AddSeconds(options.Value.LeaseSeconds))) return null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (DbErrors.IsLostRace(ex))
        {
            return null; // lost the race to another run: it owns the booking now
        }
        var restaurant = await catalog.FindAsync(booking.RestaurantId, ct)
            ?? throw new InvalidOperationException($"Restaurant {booking.RestaurantId} of booking {booking.Id} does not exist.");
        return new Job(restaurant, trigger, booking.StartAt, Draft: null, booking.Id, booking.AssignmentStateVersion);
    }

    private static async Task SaveAsync(BookingDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task<bool> IsTerminalAsync(Guid bookingId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var state = await db.Bookings.Where(b => b.Id == bookingId).Select(b => (AssignmentState?)b.AssignmentState).SingleOrDefaultAsync(ct);
        return state is { } s && s.IsTerminal();
    }
}
