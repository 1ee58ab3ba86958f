using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Locking;

namespace BookingAssignment.Api.Assignment;

/// <summary>What admission decided for a new booking, inside the caller's transaction.</summary>
internal abstract record AdmissionResult
{
    /// <summary>The capacity check failed; nothing was staged. <paramref name="Schedule"/> feeds the alternatives.</summary>
    public sealed record Rejected(string Reason, IReadOnlyList<Occupancy> Schedule) : AdmissionResult;

    /// <summary>The booking row and its <c>booking.created</c> event are staged (V3: walked to assignment_pending).</summary>
    public sealed record Admitted(Booking Booking) : AdmissionResult;
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
    IOptions<PlannerOptions> plannerOptions)
{
    private readonly CapacityCheck _capacity = new();

    /// <summary>The advisory lock for the restaurant's service date, then that day's schedule.</summary>
    public static async Task<IReadOnlyList<Occupancy>> LockDayAsync(BookingDb db, RestaurantModel r, DateTimeOffset startsAt,
        DateTimeOffset? movableFrom, Guid? excludeBookingId, CancellationToken ct)
    {
        await AdvisoryLock.AcquireAsync(db, r.Id, r.Rules.ServiceDate(startsAt), ct);
        return await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, startsAt), movableFrom, excludeBookingId, ct);
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

    /// <summary>Capacity check against <paramref name="schedule"/>; on success the booking is staged on <paramref name="db"/>.</summary>
    public AdmissionResult Admit(BookingDb db, RestaurantModel r, BookingDraft d, string pipeline, IReadOnlyList<Occupancy> schedule, DateTimeOffset now)
    {
        var capacity = _capacity.Check(r.Floor, schedule, new PlanRequest(d.PartySize, r.Rules.HeldWindow(d.StartsAt, d.PartySize), d.ZonePreference));
        if (!capacity.Ok) return new AdmissionResult.Rejected(capacity.Reason!, schedule);
        var booking = Create(db, d, r, pipeline, now);
        if (pipeline == PipelineSelector.V3)
        {
            transitions.Apply(db, booking, m => m.VerifyCapacity(), "inline");
            transitions.Apply(db, booking, m => m.Enqueue(), "inline");
        }
        return new AdmissionResult.Admitted(booking);
    }

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
        };
        db.Bookings.Add(booking);
        events.Add(db, BookingEvents.Created(pipeline, d.PartySize, booking.StartAt), r.Id, booking.Id);
        return booking;
    }

    /// <summary>The capacity check failed: nothing is persisted but the rejection event (for demand analytics).</summary>
    public async Task<SubmitOutcome.Rejected> RejectAsync(RestaurantModel r, BookingDraft d, string pipeline, AdmissionResult.Rejected rejected,
        DateTimeOffset now, CancellationToken ct)
    {
        var alternatives = Alternatives(r, rejected.Schedule, d.PartySize, d.StartsAt, now, options.Value.AlternativesCount);
        await events.WriteAsync(BookingEvents.Rejected(rejected.Reason, d.PartySize, d.StartsAt.ToUniversalTime(), pipeline, alternatives.Count), r.Id, null, ct);
        telemetry.Rejections.Add(1, new KeyValuePair<string, object?>("reason", rejected.Reason));
        return new SubmitOutcome.Rejected(rejected.Reason, alternatives);
    }

    /// <summary>Nearest start times on the 15-minute grid of the same day that pass the capacity check.</summary>
    public static IReadOnlyList<DateTimeOffset> Alternatives(RestaurantModel r, IReadOnlyList<Occupancy> daySchedule,
        int partySize, DateTimeOffset requested, DateTimeOffset now, int count)
    {
        if (count <= 0) return [];
        var check = new CapacityCheck();
        var date = r.Rules.ServiceDate(requested);
        return r.Rules.SeatingGrid(date)
            .Where(t => t > now && t != requested)
            .OrderBy(t => Math.Abs((t - requested).Ticks)).ThenBy(t => t)
            .Where(t => check.Check(r.Floor, daySchedule, new PlanRequest(partySize, r.Rules.HeldWindow(t, partySize))).Ok)
            .Take(count)
            .Order()
            .ToArray();
    }

    private static string NewReference()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"BK-{chars}";
    }
}
