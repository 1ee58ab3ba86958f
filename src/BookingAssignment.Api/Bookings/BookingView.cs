using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using Microsoft.EntityFrameworkCore;

namespace BookingAssignment.Api.Bookings;

/// <summary>Builds the booking body clients see (times in the restaurant's local offset).</summary>
public static class BookingView
{
    public static async Task<BookingResponse?> LoadAsync(BookingDb db, RestaurantCatalog catalog, Guid id, CancellationToken ct)
    {
        var b = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (b is null) return null;
        var r = await catalog.FindAsync(b.RestaurantId, ct);
        var tableIds = await db.Assignments.AsNoTracking()
            .Where(a => a.BookingId == id && a.ReleasedAt == null).Select(a => a.TableId).ToListAsync(ct);
        return From(b, r!, tableIds);
    }

    public static BookingResponse From(Booking b, RestaurantModel r, IEnumerable<Guid> tableIds) => new(
        b.Id, b.Reference, b.RestaurantId, b.PartySize,
        r.Rules.ToLocal(b.StartAt), r.Rules.ToLocal(b.EndAt),
        b.Status, b.AssignmentState, b.AssignmentPipeline,
        r.LabelsOf(tableIds),
        b.CreatedAt, b.AssignmentReason,
        new CustomerDto(b.CustomerName, b.CustomerEmail, b.CustomerPhone), b.Notes);
}
