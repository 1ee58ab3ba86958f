using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Api.Assignment;

/// <summary>What happened to a submitted booking; mapped to HTTP at the edge.</summary>
public abstract record SubmitOutcome
{
    /// <summary>The capacity check failed: 409 no_availability, nothing persisted.</summary>
    public sealed record Rejected(string Reason, IReadOnlyList<DateTimeOffset> Alternatives) : SubmitOutcome;

    /// <summary>The booking row exists; <paramref name="Terminal"/> says whether assignment finished.</summary>
    public sealed record Admitted(Guid BookingId, bool Terminal) : SubmitOutcome;
}

/// <summary>Pieces of admission shared by both pipelines.</summary>
public static class Admission
{
    public static Booking NewBooking(BookingDraft d, RestaurantModel r, string pipeline, DateTimeOffset now) => new()
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
