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
        var rid = restaurant.Id;
        var live = await (
            from a in db.Assignments.AsNoTracking()
            join b in db.Bookings.AsNoTracking() on a.BookingId equals b.Id
            where b.RestaurantId == rid && a.ReleasedAt == null && a.HeldUntil > windowStart && a.HeldFrom < windowEnd
            select new { a.BookingId, a.TableId, a.HeldFrom, a.HeldUntil, b.PartySize, b.Pinned, b.Status, b.StartAt })
            .ToListAsync(ct);

        var result = new List<Occupancy>();
        foreach (var g in live.GroupBy(x => x.BookingId))
        {
            if (g.Key == excludeBookingId) continue;
            var first = g.First();
            var movable = movableFrom is { } mf && !first.Pinned && first.Status == BookingStatus.Confirmed && first.StartAt >= mf;
            result.Add(new Occupancy(g.Key, g.Select(x => x.TableId).ToArray(), new Slot(first.HeldFrom, first.HeldUntil), first.PartySize, movable));
        }

        // Admitted but not yet tabled: they count against capacity, never against a table.
        var waiting = await db.Bookings.AsNoTracking()
            .Where(b => b.RestaurantId == rid && b.Status == BookingStatus.Pending
                        && AssignmentStates.NonTerminal.Contains(b.AssignmentState)
                        && b.StartAt < windowEnd && b.EndAt > windowStart.AddMinutes(-restaurant.Rules.BufferMinutes)
                        && !db.Assignments.Any(a => a.BookingId == b.Id && a.ReleasedAt == null))
            .Select(b => new { b.Id, b.StartAt, b.PartySize })
            .ToListAsync(ct);
        foreach (var w in waiting)
        {
            if (w.Id == excludeBookingId) continue;
            result.Add(new Occupancy(w.Id, [], restaurant.Rules.HeldWindow(w.StartAt, w.PartySize), w.PartySize, Movable: true));
        }
        return result;
    }

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
