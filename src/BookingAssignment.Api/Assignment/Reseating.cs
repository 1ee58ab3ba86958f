using BookingAssignment.Api.Bookings;

namespace BookingAssignment.Api.Assignment;

/// <summary>What happened to one booking a floor change or a block took tables from.</summary>
internal sealed record ReseatOutcome(Guid BookingId, string Reference, DateTimeOffset StartsAt, int PartySize,
    IReadOnlyList<string> FromTables, IReadOnlyList<string> ToTables, string? Reason);

/// <summary>
/// Re-seats bookings stranded by a floor change or a table block (SPEC §8), inside the caller's
/// <see cref="LockedChange"/> transaction and against the restaurant as it is after the change:
/// each is re-planned by its own pipeline (trigger <c>floor_change</c>, moves of other movable
/// bookings allowed) or, when nothing seats it, sent to manual review with the reason. One at a
/// time, earliest first, each saved before the next is decided, so later decisions see it.
/// </summary>
internal sealed class Reseating(Replanner replanner, PlanWriter writer)
{
    public const string Trigger = "floor_change";

    public async Task<IReadOnlyList<ReseatOutcome>> ReseatAsync(BookingDb db, RestaurantModel r, IEnumerable<Guid> bookingIds, string reason, CancellationToken ct)
    {
        var outcomes = new List<ReseatOutcome>();
        foreach (var id in bookingIds.Distinct())
        {
            var b = await BookingRows.LockAsync(db, id, ct);
            if (b is null || b.Status != BookingStatus.Confirmed) continue;
            var from = r.LabelsOf(await BookingRows.LiveTablesAsync(db, id, ct));
            string? why = r.Rules.CheckSeating(b.StartAt).Ok ? null : "service_removed";
            if (why is null)
            {
                var request = new PlanRequest(b.PartySize, r.Rules.HeldWindow(b.StartAt, b.PartySize), b.ZonePreference);
                if ((await replanner.DecideAsync(db, r, b, request, ct)).Decision is ArrangementDecision.Feasible { Plan: var plan })
                    await writer.StageReplanAsync(db, r, b, plan, m => m.FloorChange(), Trigger, ct);
                else why = reason;
            }
            if (why is not null) await writer.StageStrandedAsync(db, r, b, why, Trigger, ct);
            await db.SaveChangesAsync(ct);
            var to = why is null ? r.LabelsOf(await BookingRows.LiveTablesAsync(db, id, ct)) : [];
            outcomes.Add(new ReseatOutcome(b.Id, b.Reference, r.Rules.ToLocal(b.StartAt), b.PartySize, from, to, why));
        }
        return outcomes.OrderBy(o => o.StartsAt).ToArray();
    }

    /// <summary>Confirmed bookings not yet over whose live tables include any of <paramref name="tableIds"/> during <paramref name="window"/> (null: any time).</summary>
    public static async Task<List<Guid>> OnTablesAsync(BookingDb db, Guid restaurantId, IReadOnlyCollection<Guid> tableIds, Slot? window, DateTimeOffset now,
        CancellationToken ct)
    {
        var live = db.Assignments.Where(a => a.ReleasedAt == null && tableIds.Contains(a.TableId) && a.HeldUntil > now);
        if (window is { } w) live = live.Where(a => a.HeldUntil > w.Start && a.HeldFrom < w.End);
        return await live
            .Join(db.Bookings, a => a.BookingId, b => b.Id, (a, b) => new { b.Id, b.RestaurantId, b.Status, b.StartAt })
            .Where(x => x.RestaurantId == restaurantId && x.Status == BookingStatus.Confirmed)
            .Select(x => new { x.Id, x.StartAt }).Distinct().OrderBy(x => x.StartAt).Select(x => x.Id).ToListAsync(ct);
    }
}
