
namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Reads what already occupies a restaurant's tables around a window: live assignments, admitted
/// bookings still waiting for tables (they hold capacity but no table yet), table blocks and live
/// holds. Every planner, the admission decision, availability and the manual-review suggestions
/// read it, so all of them respect blocks and holds.
/// </summary>
internal static class Schedule
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
        var waiting = WaitingStates;
        // One round trip: live assignments, then admitted bookings still waiting for tables — including
        // those in manual review, whose guests a host still has to seat. They count against capacity,
        // never against a table; without them a sold-out evening would keep admitting into manual review.
        // Then table blocks (fixed, like a pinned booking on those tables) and live holds (capacity
        // the exact search must still place, like a booking waiting for its run). An expired hold
        // stops counting the moment it expires: no sweep is involved.
        var rows = await db.Database.SqlQuery<ScheduleRow>($"""
            SELECT a.booking_id, a.table_id, a.held_from, a.held_until, b.party_size, b.pinned, b.status, b.start_at, false AS waiting, b.assignment_state
            FROM booking_table_assignments a JOIN bookings b ON b.id = a.booking_id
            WHERE b.restaurant_id = {rid} AND a.released_at IS NULL AND a.held_until > {windowStart} AND a.held_from < {windowEnd}
            UNION ALL
            SELECT b.id, NULL::uuid, NULL::timestamptz, NULL::timestamptz, b.party_size, b.pinned, b.status, b.start_at, true, b.assignment_state
            FROM bookings b
            WHERE b.restaurant_id = {rid} AND b.status = 'pending'
              AND b.assignment_state = ANY({waiting})
              AND b.start_at < {windowEnd} AND b.end_at > {waitingFrom}
              AND NOT EXISTS (SELECT 1 FROM booking_table_assignments x WHERE x.booking_id = b.id AND x.released_at IS NULL)
            UNION ALL
            SELECT k.id, unnest(k.table_ids), k.held_from, k.held_until, 0, true, 'blocked', k.held_from, false, 'confirmed'
            FROM table_blocks k
            WHERE k.restaurant_id = {rid} AND k.deleted_at IS NULL AND k.held_until > {windowStart} AND k.held_from < {windowEnd}
            UNION ALL
            SELECT h.id, NULL::uuid, NULL::timestamptz, NULL::timestamptz, h.party_size, false, 'held', h.start_at, true, 'assignment_pending'
            FROM booking_holds h
            WHERE h.restaurant_id = {rid} AND h.expires_at > now()
              AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.hold_id = h.id)
              AND h.start_at < {windowEnd} AND h.end_at > {waitingFrom}
            """).ToListAsync(ct);

        var result = new List<Occupancy>();
        foreach (var g in rows.Where(r => !r.Waiting && r.BookingId != excludeBookingId).GroupBy(r => r.BookingId))
        {
            var first = g.First();
            var movable = movableFrom is { } mf && !first.Pinned && first.Status == BookingStatus.Confirmed && first.StartAt >= mf;
            result.Add(new Occupancy(g.Key, g.Select(x => x.TableId!.Value).ToArray(), new Slot(first.HeldFrom!.Value, first.HeldUntil!.Value), first.PartySize, movable));
        }
        foreach (var w in rows.Where(r => r.Waiting && r.BookingId != excludeBookingId))
            // Waiting for a run: it must be seated too (movable, no tables yet). Waiting for a person
            // (manual review): it holds capacity, but the exact search does not try to place it.
            result.Add(new Occupancy(w.BookingId, [], restaurant.Rules.HeldWindow(w.StartAt, w.PartySize), w.PartySize,
                Movable: w.AssignmentState != ManualReviewState));
        return result;
    }

    /// <summary>States of a pending booking that still holds capacity: everything but failed (and confirmed, which holds tables).</summary>
    private static readonly string[] WaitingStates = Enum.GetValues<AssignmentState>()
        .Where(s => s is not (AssignmentState.Confirmed or AssignmentState.Failed)).Select(StateNames.Of).ToArray();

    private static readonly string ManualReviewState = StateNames.Of(AssignmentState.ManualReview);

    private sealed record ScheduleRow(Guid BookingId, Guid? TableId, DateTimeOffset? HeldFrom, DateTimeOffset? HeldUntil,
        int PartySize, bool Pinned, string Status, DateTimeOffset StartAt, bool Waiting, string AssignmentState);

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
