using System.Text.Json;
using BookingAssignment.Api.Http;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BookingAssignment.Api.Webhooks;

/// <summary>
/// The webhook outbox (SPEC §9): just before a save, every booking the context adds or changes is
/// compared with what was loaded, and each change an integrator is told about becomes an outbox
/// row in the same save — the same transaction — as the change. Nothing is announced that did not
/// commit, and nothing that committed goes unannounced, whichever code path made the change.
/// </summary>
internal static class BookingOutbox
{
    public const string Confirmed = "booking.confirmed";
    public const string Modified = "booking.modified";
    public const string Cancelled = "booking.cancelled";
    public const string ManualReview = "booking.manual_review";
    public const string Seated = "booking.seated";
    public const string Completed = "booking.completed";
    public const string NoShow = "booking.no_show";

    public static readonly string[] Types = [Confirmed, Modified, Cancelled, ManualReview, Seated, Completed, NoShow];

    /// <summary>The guest-facing fields; a change to any of them is a <c>booking.modified</c>.</summary>
    private static readonly string[] GuestFields =
    [
        nameof(Booking.PartySize), nameof(Booking.StartAt), nameof(Booking.ZonePreference), nameof(Booking.Notes),
        nameof(Booking.CustomerName), nameof(Booking.CustomerEmail), nameof(Booking.CustomerPhone),
    ];

    public static void Stage(BookingDb db)
    {
        foreach (var entry in db.ChangeTracker.Entries<Booking>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
            foreach (var type in TypesOf(entry))
                db.WebhookOutbox.Add(new WebhookOutboxEntry
                {
                    MessageId = $"msg_{Guid.CreateVersion7():N}", BookingId = entry.Entity.Id, RestaurantId = entry.Entity.RestaurantId,
                    EventType = type, Payload = JsonSerializer.Serialize(Snapshot(entry.Entity), JsonBody.Options),
                });
    }

    private static IEnumerable<string> TypesOf(EntityEntry<Booking> e)
    {
        var b = e.Entity;
        var added = e.State == EntityState.Added;
        var status = e.Property(x => x.Status);
        var state = e.Property(x => x.AssignmentState);
        var wasStatus = added ? null : (string?)status.OriginalValue;
        var wasReview = !added && state.OriginalValue == AssignmentState.ManualReview;
        if (!added && GuestFields.Any(f => e.Property(f).IsModified && !Equals(e.Property(f).OriginalValue, e.Property(f).CurrentValue)))
            yield return Modified;
        if (b.Status != wasStatus)
        {
            var type = b.Status switch
            {
                BookingStatus.Confirmed => Confirmed,
                BookingStatus.Cancelled => Cancelled,
                BookingStatus.CheckedIn => Seated,
                BookingStatus.Completed => Completed,
                BookingStatus.NoShow => NoShow,
                _ => null,
            };
            if (type is not null) yield return type;
        }
        if (b.AssignmentState == AssignmentState.ManualReview && !wasReview && b.Status == BookingStatus.Pending) yield return ManualReview;
    }

    /// <summary>The booking as the change left it (times in UTC; tables are the restaurant's business: GET the booking for them).</summary>
    private static object Snapshot(Booking b) => new
    {
        b.Id, b.Reference, b.RestaurantId, b.PartySize, StartsAt = b.StartAt, EndsAt = b.EndAt, b.Status,
        AssignmentState = StateNames.Of(b.AssignmentState), Pipeline = b.AssignmentPipeline, b.AssignmentReason,
        Customer = new { Name = b.CustomerName, Email = b.CustomerEmail, Phone = b.CustomerPhone }, b.Notes, b.ZonePreference, b.HoldId,
        b.CreatedAt, b.UpdatedAt,
    };
}
