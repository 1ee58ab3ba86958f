
namespace BookingAssignment.Api.Locking;

/// <summary>
/// Transaction-scoped PostgreSQL advisory lock on restaurant + service date: the guard every
/// assignment transaction takes (the Redis lock in front of it is only an optimisation).
/// </summary>
internal static class AdvisoryLock
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
