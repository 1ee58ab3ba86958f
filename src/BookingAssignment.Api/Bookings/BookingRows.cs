using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Bookings;

/// <summary>Reads shared by the handlers that change an existing booking.</summary>
internal static class BookingRows
{
    /// <summary>The booking row, locked for the rest of the caller's transaction.</summary>
    public static Task<Booking?> LockAsync(BookingDb db, Guid id, CancellationToken ct) =>
        db.Bookings.FromSql($"SELECT * FROM bookings WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);

    public static async Task<List<Guid>> LiveTablesAsync(BookingDb db, Guid id, CancellationToken ct) =>
        await db.Assignments.Where(a => a.BookingId == id && a.ReleasedAt == null).Select(a => a.TableId).ToListAsync(ct);

    /// <summary>The booking (unlocked) and its restaurant, or the 404 for the caller; a staff key of another restaurant sees a 404 too.</summary>
    public static async Task<(Booking? Booking, RestaurantModel? Restaurant, ProblemHttpResult? NotFound)> FindAsync(HttpContext http, BookingDb db,
        RestaurantCatalog catalog, Guid id, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null || !http.MaySee(booking.RestaurantId)) return (null, null, Problems.NotFound("id", $"Booking {id} does not exist."));
        return (booking, await catalog.FindAsync(booking.RestaurantId, ct), null);
    }

    /// <summary>409 for a change the booking's status does not allow, with the status it has.</summary>
    public static ProblemHttpResult IllegalTransition(Booking b, string action, string detail) =>
        Problems.Status(StatusCodes.Status409Conflict, $"Cannot {action} this booking", detail, "illegal_status_transition",
            new Dictionary<string, object?> { ["currentStatus"] = b.Status, ["assignmentState"] = StateNames.Of(b.AssignmentState) });

    /// <summary>409 when the restaurant's lock stayed held elsewhere (or conflicts persisted): nothing was changed; try again.</summary>
    public static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Status(StatusCodes.Status409Conflict, "Restaurant busy", "Another change to this restaurant's day is in progress; nothing was changed. Try again.",
            "restaurant_busy");
    }
}
