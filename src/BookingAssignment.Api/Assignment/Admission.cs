using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Core.Planning;
using Microsoft.Extensions.Options;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Admission, shared by both pipelines and run inside the caller's transaction: the advisory lock
/// and capacity check, the new booking row with its <c>booking.created</c> event, or the 409
/// outcome with alternatives and its <c>booking.rejected</c> event.
/// </summary>
public sealed class Admission(EventRecorder events, Telemetry telemetry, IOptions<BookingOptions> options)
{
    private readonly CapacityCheck _capacity = new();

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
            AssignmentState = AssignmentStates.Created,
            AssignmentPipeline = pipeline,
            ZonePreference = d.ZonePreference,
            CustomerName = d.CustomerName.Trim(),
            CustomerEmail = d.CustomerEmail,
            CustomerPhone = d.CustomerPhone,
            Notes = d.Notes,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Bookings.Add(booking);
        events.Add(db, EventSources.Bookings, "booking.created", r.Id, booking.Id, new Dictionary<string, object?>
        {
            ["pipeline"] = pipeline, ["party_size"] = d.PartySize, ["start_at"] = booking.StartAt,
        });
        return booking;
    }

    /// <summary>
    /// The admission critical section, inside the caller's transaction: the advisory lock for the
    /// restaurant's service date, that day's schedule, and the capacity check. Reject reason null = admit.
    /// </summary>
    public async Task<(IReadOnlyList<Occupancy> Schedule, string? RejectReason)> LockAndCheckAsync(BookingDb db, RestaurantModel r,
        BookingDraft d, DateTimeOffset? movableFrom, CancellationToken ct)
    {
        await AdvisoryLock.AcquireAsync(db, r.Id, r.Rules.ServiceDate(d.StartsAt), ct);
        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, d.StartsAt), movableFrom, excludeBookingId: null, ct);
        var capacity = _capacity.Check(r.Floor, schedule, new PlanRequest(d.PartySize, r.Rules.HeldWindow(d.StartsAt, d.PartySize), d.ZonePreference));
        return (schedule, capacity.Ok ? null : capacity.Reason);
    }

    /// <summary>The capacity check failed: nothing is persisted but the rejection event (for demand analytics).</summary>
    public async Task<SubmitOutcome.Rejected> RejectAsync(RestaurantModel r, BookingDraft d, string pipeline, string reason,
        IReadOnlyList<Occupancy> daySchedule, DateTimeOffset now, CancellationToken ct)
    {
        var alternatives = Alternatives(r, daySchedule, d.PartySize, d.StartsAt, now, options.Value.AlternativesCount);
        await events.WriteAsync(EventSources.Bookings, "booking.rejected", r.Id, null, new Dictionary<string, object?>
        {
            ["reason"] = reason, ["party_size"] = d.PartySize, ["start_at"] = d.StartsAt.ToUniversalTime(),
            ["pipeline"] = pipeline, ["alternatives"] = alternatives.Count,
        }, Severity.Info, ct);
        telemetry.Rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return new SubmitOutcome.Rejected(reason, alternatives);
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
