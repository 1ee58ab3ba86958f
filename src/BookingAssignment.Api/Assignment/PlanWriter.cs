using System.Diagnostics;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The one place that stages what a run changes, for every pipeline and for manual assignment:
/// the start of a V3 run (claim, lease), the attempt row, the table rows (the exclusion
/// constraint guards them), moves of other bookings, and the confirmation. It only stages on the
/// caller's context; the caller saves and commits inside its advisory-locked transaction.
/// </summary>
internal sealed class PlanWriter(
    TransitionWriter transitions,
    EventRecorder events,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner,
    Telemetry telemetry,
    TimeProvider time)
{
    /// <summary>pending → in_progress: attempt counted, lease taken (null: the caller's transaction is the lease).</summary>
    public void Start(BookingDb db, Booking booking, string trigger, DateTimeOffset? leaseUntil)
    {
        events.Add(db, CoordinatorEvents.Start(trigger, booking.AttemptCount + 1), booking.RestaurantId, booking.Id);
        transitions.Apply(db, booking, m => m.StartAssignment(), trigger);
        booking.AttemptCount += 1;
        booking.LeaseExpiresAt = leaseUntil;
        booking.NextAttemptAt = null;
    }

    /// <summary>Claims a pending booking, or takes over one whose lease expired. False: another run owns it, or it is done.</summary>
    public bool TryClaim(BookingDb db, Booking booking, string trigger, DateTimeOffset now, DateTimeOffset leaseUntil)
    {
        if (booking.AssignmentState == AssignmentState.AssignmentInProgress)
        {
            if (booking.LeaseExpiresAt > now) return false; // another run owns it
            transitions.Apply(db, booking, m => m.Retry(), trigger, "lease_expired");
        }
        if (booking.AssignmentState != AssignmentState.AssignmentPending) return false;
        Start(db, booking, trigger, leaseUntil);
        return true;
    }

    /// <summary>The guest cancelled before tables were assigned: any non-terminal state → failed.</summary>
    public void FailCancelled(BookingDb db, Booking booking, string trigger) =>
        transitions.Apply(db, booking, m => m.Fail(), trigger, "cancelled_before_assignment");

    /// <summary>An event that explains the change being staged (e.g. why a booking was left to the worker).</summary>
    public void Note(BookingDb db, Booking booking, AppEvent e) => events.Add(db, e, booking.RestaurantId, booking.Id);

    /// <summary>
    /// Stages the outcome of an in-progress booking: <paramref name="decided"/> (the exact decision
    /// admission just took in this transaction) or, for a booking admitted earlier, a fresh decision
    /// of the V3 planner against <paramref name="schedule"/>.
    /// </summary>
    public async Task PlanAndStageAsync(BookingDb db, RestaurantModel r, Booking booking, IReadOnlyList<Occupancy> schedule, string trigger,
        AppEvent? lockEvent, long started, DateTimeOffset now, CancellationToken ct, ArrangementDecision? decided = null)
    {
        if (lockEvent is not null) events.Add(db, lockEvent, r.Id, booking.Id);
        var decision = decided ?? telemetry.Decide(PipelineSelector.V3, () => Admission.Decide(planner, r, schedule,
            new PlanRequest(booking.PartySize, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.ZonePreference)));
        var (plan, reason) = decision switch
        {
            ArrangementDecision.Feasible f => (f.Plan, null),
            ArrangementDecision.BudgetExhausted => ((TablePlan?)null, BudgetExhausted),
            _ => (null, NoPlan), // admitted earlier and now unseatable (e.g. the floor changed under it)
        };
        await StageV3Async(db, r, booking, plan, reason, trigger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, now, ct);
    }

    /// <summary>
    /// V3: the attempt row, then either the moves, the tables and in_progress → assigned → confirmed,
    /// or → manual_review when <paramref name="plan"/> is null (capacity verified, no placement).
    /// </summary>
    /// <returns>"confirmed" or "manual_review".</returns>
    private async Task<string> StageV3Async(BookingDb db, RestaurantModel r, Booking booking, TablePlan? plan, string? reason, string trigger,
        long durationMs, DateTimeOffset startedAt, CancellationToken ct)
    {
        AddAttempt(db, booking, booking.AttemptCount, plan, startedAt, reason);
        booking.LeaseExpiresAt = null;
        booking.NextAttemptAt = null;
        if (plan is null)
        {
            var why = reason ?? NoPlan;
            transitions.Apply(db, booking, m => m.SendToManualReview(), trigger, why);
            events.Add(db, CoordinatorEvents.ManualReview(trigger, why, booking.AttemptCount, durationMs), r.Id, booking.Id);
            return "manual_review";
        }
        await ApplyMovesAsync(db, r, plan, trigger, ct);
        AddTables(db, booking.Id, plan.TableIds, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.AssignmentPipeline);
        transitions.Apply(db, booking, m => m.CommitPlan(), trigger);
        transitions.Apply(db, booking, m => m.Confirm(), trigger);
        booking.Status = BookingStatus.Confirmed;
        booking.AssignmentReason = null;
        events.Add(db, CoordinatorEvents.Confirmed(trigger, plan.Strategy, booking.AttemptCount, durationMs, r.LabelsOf(plan.TableIds), plan.Moves.Count),
            r.Id, booking.Id);
        return "confirmed";
    }

    /// <summary>Legacy: no state machine; the booking goes straight to confirmed or manual_review.</summary>
    public void StageLegacy(BookingDb db, RestaurantModel r, Booking booking, TablePlan? plan, int attempt, DateTimeOffset startedAt)
    {
        AddAttempt(db, booking, attempt, plan, startedAt, NoPlan);
        if (plan is null)
        {
            // Capacity exists but the free tables cannot be combined for this party (fragmentation).
            booking.AssignmentState = AssignmentState.ManualReview;
            booking.AssignmentReason = NoPlan;
            return;
        }
        AddTables(db, booking.Id, plan.TableIds, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.AssignmentPipeline);
        booking.Status = BookingStatus.Confirmed;
        booking.AssignmentState = AssignmentState.Confirmed;
    }

    /// <summary>
    /// An operator's (or an operator-triggered retry's) tables: the live ones are released, the new
    /// ones staged, and manual_review → confirmed (or a confirmed booking re-entered) with its history.
    /// </summary>
    /// <returns>The tables the booking held before.</returns>
    public async Task<IReadOnlyList<Guid>> StageManualAsync(BookingDb db, RestaurantModel r, Booking booking, IReadOnlyList<Guid> tableIds,
        bool pinned, string actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var previous = await db.Assignments.Where(a => a.BookingId == booking.Id && a.ReleasedAt == null).ToListAsync(ct);
        foreach (var row in previous) row.ReleasedAt = now;
        AddTables(db, booking.Id, tableIds, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), actor);
        var fromState = booking.AssignmentState;
        transitions.Apply(db, booking, m => fromState == AssignmentState.ManualReview ? m.OperatorAssign() : m.OperatorReassign(), actor, actor: actor);
        booking.Status = BookingStatus.Confirmed;
        booking.AssignmentReason = null;
        booking.Pinned = booking.Pinned || pinned;
        var previousTables = previous.Select(p => p.TableId).ToArray();
        events.Add(db, BookingEvents.ManuallyAssigned(actor, StateNames.Of(fromState), r.LabelsOf(tableIds), r.LabelsOf(previousTables), booking.Pinned),
            r.Id, booking.Id);
        return previousTables;
    }

    /// <summary>
    /// A booking that already exists re-seated where it stands (modified, or moved off a removed or
    /// blocked table): its live tables released and the new ones staged in this transaction, the
    /// planner's moves applied, and for V3 the transition <paramref name="fire"/>. Until the caller
    /// commits, the booking keeps its old tables.
    /// </summary>
    public async Task StageReplanAsync(BookingDb db, RestaurantModel r, Booking booking, TablePlan plan,
        Func<AssignmentStateMachine, Transition> fire, string trigger, CancellationToken ct)
    {
        await ReleaseAsync(db, booking.Id, ct);
        await ApplyMovesAsync(db, r, plan, trigger, ct);
        AddTables(db, booking.Id, plan.TableIds, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), trigger);
        if (booking.AssignmentPipeline == PipelineSelector.V3) transitions.Apply(db, booking, fire, trigger);
        else booking.AssignmentState = AssignmentState.Confirmed;
        if (booking.Status == BookingStatus.Pending) booking.Status = BookingStatus.Confirmed;
        booking.AssignmentReason = null;
        booking.UpdatedAt = time.GetUtcNow();
    }

    /// <summary>A floor change or block took the booking's tables and nothing re-seats it: tables released, to manual review.</summary>
    public async Task StageStrandedAsync(BookingDb db, RestaurantModel r, Booking booking, string reason, string trigger, CancellationToken ct)
    {
        await ReleaseAsync(db, booking.Id, ct);
        if (booking.AssignmentPipeline == PipelineSelector.V3) transitions.Apply(db, booking, m => m.Strand(), trigger, reason);
        else booking.AssignmentState = AssignmentState.ManualReview;
        booking.Status = BookingStatus.Pending;
        booking.AssignmentReason = reason;
        booking.UpdatedAt = time.GetUtcNow();
        events.Add(db, CoordinatorEvents.ManualReview(trigger, reason, booking.AttemptCount), r.Id, booking.Id);
    }

    /// <summary>Releases a booking's live tables now, in the caller's transaction (before any new row is inserted).</summary>
    public async Task<int> ReleaseAsync(BookingDb db, Guid bookingId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return await db.Assignments.Where(a => a.BookingId == bookingId && a.ReleasedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.ReleasedAt, now), ct);
    }

    private const string NoPlan = "no_table_combination_free";
    private const string BudgetExhausted = "planner_budget_exhausted";

    /// <summary>Bounded reassignment: moved bookings keep time and party; only their tables change.</summary>
    private async Task ApplyMovesAsync(BookingDb db, RestaurantModel r, TablePlan plan, string trigger, CancellationToken ct)
    {
        foreach (var move in plan.Moves)
        {
            var moved = await db.Bookings.SingleAsync(b => b.Id == move.BookingId, ct);
            var rows = await db.Assignments.AsNoTracking().Where(a => a.BookingId == move.BookingId && a.ReleasedAt == null).ToListAsync(ct);
            if (moved.Pinned || moved.Status != BookingStatus.Confirmed || rows.Count == 0)
                throw new DbUpdateConcurrencyException($"Booking {move.BookingId} changed since it was planned as movable.");
            // Released now, in this transaction, before any new row is inserted: a chain of moves
            // (A to B's tables, B to C's …) never has two live rows on one table, whatever order EF writes in.
            await ReleaseAsync(db, move.BookingId, ct);
            AddTables(db, moved.Id, move.ToTableIds, new Slot(rows[0].HeldFrom, rows[0].HeldUntil), "v3_reassignment");
            transitions.Apply(db, moved, m => m.Reassign(), trigger, "made_room_for_new_booking");
            moved.AssignmentReason = null;
            events.Add(db, CoordinatorEvents.Reassigned(trigger, r.LabelsOf(move.FromTableIds), r.LabelsOf(move.ToTableIds)), r.Id, moved.Id);
        }
    }

    private void AddTables(BookingDb db, Guid bookingId, IEnumerable<Guid> tableIds, Slot held, string assignedBy)
    {
        var now = time.GetUtcNow();
        foreach (var tableId in tableIds)
            db.Assignments.Add(new BookingTableAssignment
            {
                BookingId = bookingId, TableId = tableId, HeldFrom = held.Start.ToUniversalTime(), HeldUntil = held.End.ToUniversalTime(),
                AssignedAt = now, AssignedBy = assignedBy,
            });
    }

    private void AddAttempt(BookingDb db, Booking booking, int attemptNo, TablePlan? plan, DateTimeOffset startedAt, string? reason) =>
        db.Attempts.Add(new AssignmentAttempt
        {
            BookingId = booking.Id, Pipeline = booking.AssignmentPipeline, AttemptNo = attemptNo, StartedAt = startedAt, FinishedAt = time.GetUtcNow(),
            Outcome = plan is null ? "no_plan" : "assigned", Reason = plan is null ? reason ?? NoPlan : null,
            Strategy = plan?.Strategy, TableIds = plan?.TableIds.ToArray() ?? [],
        });
}
