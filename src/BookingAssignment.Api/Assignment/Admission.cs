using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Assignment;

/// <summary>What admission decided for a new booking, inside the caller's transaction.</summary>
internal abstract record AdmissionResult
{
    /// <summary>The capacity check failed; nothing was staged. <paramref name="Schedule"/> feeds the alternatives.</summary>
    public sealed record Rejected(string Reason, IReadOnlyList<Occupancy> Schedule) : AdmissionResult;

    /// <summary>
    /// The booking row and its <c>booking.created</c> event are staged (V3: walked to assignment_pending).
    /// <paramref name="Decision"/> is V3's exact decision: the arrangement to stage, or that the search ran out of budget.
    /// </summary>
    public sealed record Admitted(Booking Booking, ArrangementDecision? Decision = null) : AdmissionResult;
}

/// <summary>
/// Admission, shared by both pipelines and run inside the caller's transaction: the advisory lock
/// and the day's schedule, the capacity check, the new booking row with its <c>booking.created</c>
/// event — or the 409 outcome with alternatives and its <c>booking.rejected</c> event.
/// </summary>
internal sealed class Admission(
    EventRecorder events,
    TransitionWriter transitions,
    Telemetry telemetry,
    IOptions<BookingOptions> options,
    IOptions<PlannerOptions> plannerOptions,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner exact,
    AvailabilityPlanner availability,
    YieldForecasts yields)
{
    private readonly CapacityCheck _capacity = new();

    /// <summary>The advisory lock for the restaurant's service date, then that day's schedule.</summary>
    public static async Task<IReadOnlyList<Occupancy>> LockDayAsync(BookingDb db, RestaurantModel r, DateTimeOffset startsAt,
        DateTimeOffset? movableFrom, Guid? excludeBookingId, CancellationToken ct)
    {
        return await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, startsAt), movableFrom, excludeBookingId, ct, lockDay: r.Rules.ServiceDate(startsAt));
    }

    /// <summary>
    /// Bookings starting after this instant (not pinned, not seated) count as movable. Legacy's check
    /// uses the same rule, so a party only fragmentation keeps out is admitted, not refused; V3 without
    /// reassignment (MaxMoves 0) moves nothing.
    /// </summary>
    public DateTimeOffset? MovableFrom(string pipeline, DateTimeOffset now) =>
        pipeline == PipelineSelector.V3 && plannerOptions.Value.MaxMoves == 0 ? null : now.AddMinutes(plannerOptions.Value.FreezeMinutes);

    /// <summary>An admitted-only V3 booking: due for the worker after <paramref name="dueIn"/> (default: once the inline budget has passed).</summary>
    public void LeaveToWorker(Booking booking, DateTimeOffset now, TimeSpan? dueIn) =>
        booking.NextAttemptAt = now + (dueIn ?? TimeSpan.FromMilliseconds(options.Value.InlineBudgetMs + 1000));

    /// <summary>
    /// The admission decision against <paramref name="schedule"/>; on success the booking is staged on
    /// <paramref name="db"/>. Legacy (the rollback target) keeps the capacity check, a necessary
    /// condition, and so does V3 unless Planner:ExactAdmission is on. Exact V3 is: admitted when some arrangement seats everyone, refused when none
    /// does, and admitted for a person to decide only when the search ran out of budget (and the
    /// capacity check still passes).
    /// </summary>
    /// <param name="admitOnly">Admission alone (the worker assigns later): a fault of the solver then falls back to the
    /// capacity check, so a request is not lost to it; the run that assigns meets the fault again and retries.</param>
    public AdmissionResult Admit(BookingDb db, RestaurantModel r, BookingDraft d, string pipeline, IReadOnlyList<Occupancy> schedule, DateTimeOffset now,
        bool admitOnly = false)
    {
        if (Refusal(r, d, pipeline, schedule, now, admitOnly, out var decision) is { } refused) return refused;
        var booking = Create(db, d, r, pipeline, now);
        if (pipeline == PipelineSelector.V3)
        {
            transitions.Apply(db, booking, m => m.VerifyCapacity(), "inline");
            transitions.Apply(db, booking, m => m.Enqueue(), "inline");
        }
        return new AdmissionResult.Admitted(booking, decision);
    }

    /// <summary>The admission decision alone, nothing staged: the refusal, or null (admitted) with V3's exact decision when there is one.</summary>
    public AdmissionResult.Rejected? Refusal(RestaurantModel r, BookingDraft d, string pipeline, IReadOnlyList<Occupancy> schedule, DateTimeOffset now,
        bool admitOnly, out ArrangementDecision? decision)
    {
        var request = new PlanRequest(d.PartySize, r.Rules.HeldWindow(d.StartsAt, d.PartySize), d.ZonePreference);
        decision = null;
        if (pipeline == PipelineSelector.V3 && exact is IArrangementSolver)
        {
            // A fault of the solver is not a decision (null): the capacity check admits, and the run
            // that assigns meets the fault again and retries.
            try { decision = Decide(exact, r, schedule, request); }
            catch (Exception) when (admitOnly) { decision = null; }
            if (decision is ArrangementDecision.Infeasible no)
            {
                if (d.HoldId is null) return new AdmissionResult.Rejected(no.Reason, schedule);
                decision = null; // a live hold is never refused: the run that assigns decides again
            }
            // The opt-in yield setting: seatable, but its tables are worth more to the parties still expected.
            else if (decision is ArrangementDecision.Feasible seatable && d.HoldId is null && yields.Refuses(r, schedule, request, seatable.Plan, now))
                return new AdmissionResult.Rejected(YieldForecasts.Reason, schedule);
            // Out of budget (or a fault): admitted only while the necessary condition still holds.
            else if (decision is not ArrangementDecision.Feasible && d.HoldId is null && _capacity.Check(r.Floor, schedule, request) is { Ok: false } full)
                return new AdmissionResult.Rejected(full.Reason!, schedule);
        }
        // A live hold (its capacity was reserved when it was granted, and it is not in the schedule) is admitted as it stands.
        else if (d.HoldId is null && _capacity.Check(r.Floor, schedule, request) is { Ok: false } capacity)
            return new AdmissionResult.Rejected(capacity.Reason!, schedule);
        return null;
    }

    /// <summary>
    /// The V3 decision for capacity about to be promised outside a new booking (a hold, a re-plan):
    /// the exact decision when admission is exact; otherwise the capacity check (it counts bookings
    /// waiting for tables and live holds, which a plan alone would not see) and then a plan.
    /// </summary>
    public ArrangementDecision DecideV3(RestaurantModel r, IReadOnlyList<Occupancy> schedule, PlanRequest request)
    {
        if (exact is not IArrangementSolver && _capacity.Check(r.Floor, schedule, request) is { Ok: false } full)
            return new ArrangementDecision.Infeasible(full.Reason!);
        return Decide(exact, r, schedule, request);
    }

    /// <summary>The exact decision of V3's planner; a planner that only plans (a test's stand-in) decides by its plan.</summary>
    public static ArrangementDecision Decide(IAssignmentPlanner planner, RestaurantModel r, IReadOnlyList<Occupancy> schedule, PlanRequest request) =>
        planner is IArrangementSolver solver
            ? solver.Decide(r.Floor, schedule, request)
            : planner.Plan(r.Floor, schedule, request) is { } plan
                ? new ArrangementDecision.Feasible(plan)
                : new ArrangementDecision.Infeasible("no_table_combination_free");

    /// <summary>Adds the booking (state <c>created</c>) and its creation event to <paramref name="db"/>.</summary>
    public Booking Create(BookingDb db, BookingDraft d, RestaurantModel r, string pipeline, DateTimeOffset now)
    {
        var booking = new Booking
        {
            Id = Guid.CreateVersion7(now),
            RestaurantId = r.Id,
            Reference = NewReference(),
            PartySize = d.PartySize,
            StartAt = d.StartsAt.ToUniversalTime(),
            EndAt = r.Rules.EndOf(d.StartsAt, d.PartySize).ToUniversalTime(),
            Status = BookingStatus.Pending,
            AssignmentState = AssignmentState.Created,
            AssignmentPipeline = pipeline,
            ZonePreference = d.ZonePreference,
            CustomerName = d.CustomerName.Trim(),
            CustomerEmail = d.CustomerEmail,
            CustomerPhone = d.CustomerPhone,
            Notes = d.Notes,
            CreatedAt = now,
            UpdatedAt = now,
            IdempotencyClientHash = d.Idempotency?.ClientHash,
            IdempotencyKey = d.Idempotency?.Key,
            HoldId = d.HoldId,
        };
        db.Bookings.Add(booking);
        events.Add(db, BookingEvents.Created(pipeline, d.PartySize, booking.StartAt), r.Id, booking.Id);
        return booking;
    }

    /// <summary>The capacity check failed: nothing is persisted but the rejection event (for demand analytics).</summary>
    public async Task<SubmitOutcome.Rejected> RejectAsync(RestaurantModel r, BookingDraft d, string pipeline, AdmissionResult.Rejected rejected,
        DateTimeOffset now, CancellationToken ct)
    {
        var alternatives = await availability.AlternativesAsync(r, rejected.Schedule, d.PartySize, d.StartsAt, now, options.Value.AlternativesCount);
        await events.WriteAsync(BookingEvents.Rejected(rejected.Reason, d.PartySize, d.StartsAt.ToUniversalTime(), pipeline, alternatives.Count), r.Id, null, ct);
        telemetry.Rejections.Add(1, new KeyValuePair<string, object?>("reason", rejected.Reason));
        return new SubmitOutcome.Rejected(rejected.Reason, alternatives);
    }

    private static string NewReference()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"BK-{chars}";
    }
}
