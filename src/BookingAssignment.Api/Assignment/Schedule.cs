using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Core.Planning;
using Microsoft.EntityFrameworkCore;

namespace BookingAssignment.Api.Assignment;

/// <summary>Non-terminal assignment states: the booking still holds (or will hold) capacity.</summary>
public static class AssignmentStates
{
    public const string Created = "created";
    public const string CapacityVerified = "capacity_verified";
    public const string Pending = "assignment_pending";
    public const string InProgress = "assignment_in_progress";
    public const string Assigned = "assigned";
    public const string Confirmed = "confirmed";
    public const string Failed = "failed";
    public const string ManualReview = "manual_review";

    public static readonly string[] All = [Created, CapacityVerified, Pending, InProgress, Assigned, Confirmed, Failed, ManualReview];
    public static readonly string[] NonTerminal = [Created, CapacityVerified, Pending, InProgress, Assigned];
    public static bool IsTerminal(string state) => state is Confirmed or Failed or ManualReview;
}

/// <summary>
/// Reads what already occupies a restaurant's tables around a window: live assignments, plus
/// admitted bookings still waiting for tables (they hold capacity but no table yet).
/// </summary>
public static class Schedule
{
    /// <param name="movableFrom">Bookings starting at or after this instant, not pinned and not
    /// seated, are marked movable (bounded reassignment). Null: nothing is movable.</param>
    public static async Task<List<Occupancy>> LoadAsync(BookingDb db, RestaurantModel restaurant, Slot window,
        DateTimeOffset? movableFrom, Guid? excludeBookingId, CancellationToken ct)
    {
        var windowStart = window.Start.ToUniversalTime();
        var windowEnd = window.End.ToUniversalTime();
        var waitingFrom = windowStart.AddMinutes(-restaurant.Rules.BufferMinutes);
        var rid = restaurant.Id;
        // One round trip: live assignments, then admitted bookings still waiting for tables — including
        // those in manual review, whose guests a host still has to seat. They count against capacity,
        // never against a table; without them a sold-out evening would keep admitting into manual review.
        var rows = await db.Database.SqlQuery<ScheduleRow>($"""
            SELECT a.booking_id, a.table_id, a.held_from, a.held_until, b.party_size, b.pinned, b.status, b.start_at, false AS waiting
            FROM booking_table_assignments a JOIN bookings b ON b.id = a.booking_id
            WHERE b.restaurant_id = {rid} AND a.released_at IS NULL AND a.held_until > {windowStart} AND a.held_from < {windowEnd}
            UNION ALL
            SELECT b.id, NULL::uuid, NULL::timestamptz, NULL::timestamptz, b.party_size, b.pinned, b.status, b.start_at, true
            FROM bookings b
            WHERE b.restaurant_id = {rid} AND b.status = 'pending'
              AND b.assignment_state IN ('created', 'capacity_verified', 'assignment_pending', 'assignment_in_progress', 'assigned', 'manual_review')
              AND b.start_at < {windowEnd} AND b.end_at > {waitingFrom}
              AND NOT EXISTS (SELECT 1 FROM booking_table_assignments x WHERE x.booking_id = b.id AND x.released_at IS NULL)
            """).ToListAsync(ct);

        var result = new List<Occupancy>();
        foreach (var g in rows.Where(r => !r.Waiting && r.BookingId != excludeBookingId).GroupBy(r => r.BookingId))
        {
            var first = g.First();
            var movable = movableFrom is { } mf && !first.Pinned && first.Status == BookingStatus.Confirmed && first.StartAt >= mf;
            result.Add(new Occupancy(g.Key, g.Select(x => x.TableId!.Value).ToArray(), new Slot(first.HeldFrom!.Value, first.HeldUntil!.Value), first.PartySize, movable));
        }
        foreach (var w in rows.Where(r => r.Waiting && r.BookingId != excludeBookingId))
            result.Add(new Occupancy(w.BookingId, [], restaurant.Rules.HeldWindow(w.StartAt, w.PartySize), w.PartySize, Movable: true));
        return result;
    }

    private sealed record ScheduleRow(Guid BookingId, Guid? TableId, DateTimeOffset? HeldFrom, DateTimeOffset? HeldUntil,
        int PartySize, bool Pinned, string Status, DateTimeOffset StartAt, bool Waiting);

    /// <summary>The whole local service day around an instant (plus the night after), for loading once.</summary>
    public static Slot DayWindow(RestaurantModel restaurant, DateTimeOffset instant)
    {
        var date = restaurant.Rules.ServiceDate(instant);
        var localMidnight = date.ToDateTime(TimeOnly.MinValue);
        var offset = restaurant.Rules.TimeZone.GetUtcOffset(localMidnight);
        var start = new DateTimeOffset(localMidnight, offset);
        return new Slot(start, start.AddHours(30));
    }
}

/// <summary>Transaction-scoped PostgreSQL advisory lock on restaurant + service date.</summary>
public static class AdvisoryLock
{
    public static Task AcquireAsync(BookingDb db, Guid restaurantId, DateOnly serviceDate, CancellationToken ct)
    {
        var (a, b) = Key(restaurantId, serviceDate);
        return db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({a}, {b})", ct);
    }

    public static (int, int) Key(Guid restaurantId, DateOnly serviceDate)
    {
        var bytes = restaurantId.ToByteArray();
        var h = BitConverter.ToInt32(bytes, 0) ^ BitConverter.ToInt32(bytes, 4) ^ BitConverter.ToInt32(bytes, 8) ^ BitConverter.ToInt32(bytes, 12);
        return (h, serviceDate.DayNumber);
    }

    /// <summary>Lock resource name used for the Redis lock: the same key, readable.</summary>
    public static string Resource(Guid restaurantId, DateOnly serviceDate) => $"booking-assignment:lock:{restaurantId:N}:{serviceDate:yyyy-MM-dd}";
}
