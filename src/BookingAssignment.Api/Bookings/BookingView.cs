
namespace BookingAssignment.Api.Bookings;

/// <summary>Builds the booking body clients see (times in the restaurant's local offset, the ETag included).</summary>
internal static class BookingView
{
    public static async Task<BookingResponse?> LoadAsync(BookingDb db, RestaurantCatalog catalog, Guid id, CancellationToken ct)
    {
        // One query: the booking and its live tables.
        var row = await db.Bookings.AsNoTracking().Where(x => x.Id == id)
            .Select(b => new { Booking = b, Tables = db.Assignments.Where(a => a.BookingId == b.Id && a.ReleasedAt == null).Select(a => a.TableId).ToList() })
            .SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var r = await catalog.FindAsync(row.Booking.RestaurantId, ct);
        return From(row.Booking, r!, row.Tables);
    }

    public static BookingResponse From(Booking b, RestaurantModel r, IEnumerable<Guid> tableIds) => new(
        b.Id, b.Reference, b.RestaurantId, b.PartySize,
        r.Rules.ToLocal(b.StartAt), r.Rules.ToLocal(b.EndAt),
        b.Status, StateNames.Of(b.AssignmentState), b.AssignmentPipeline,
        r.LabelsOf(tableIds),
        b.CreatedAt, b.AssignmentReason,
        new CustomerDto(b.CustomerName, b.CustomerEmail, b.CustomerPhone), b.Notes, b.ZonePreference, b.HoldId,
        b.SeatedAt is { } s ? r.Rules.ToLocal(s) : null, b.CompletedAt is { } c ? r.Rules.ToLocal(c) : null, b.NoShowAt is { } n ? r.Rules.ToLocal(n) : null,
        BookingResponse.TagOf(b.RowVersion));
}
