using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Admission check (SPEC §4.2): a fast <em>necessary</em> condition for a party to be seatable.
/// It is a relaxation of the real problem, so it never rejects a request that some rearrangement
/// of the unseated bookings could seat:
/// <list type="number">
/// <item>some candidate table set (single or joined) can hold the party, using no table held by
/// an immovable booking during the window;</item>
/// <item>at every instant of the window, fewer bookings overlap than there are tables that could
/// serve them, and the seats left after each overlapping booking takes at least its own party size
/// (from the tables it holds if it cannot move) still hold the new party.</item>
/// </list>
/// Seats held by immovable bookings count in full, because those tables cannot be freed.
/// </summary>
public sealed class CapacityCheck
{
    // Every availability answer runs this once per start time of the day, so it allocates nothing
    // but the busy-table mask: no LINQ over the schedule.
    public CapacityResult Check(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        var candidates = floor.Candidates;
        var fits = false;
        for (var c = 0; c < candidates.Count && !fits; c++) fits = candidates[c].Fits(request.PartySize);
        if (request.PartySize > floor.MaxPartySize || !fits)
            return CapacityResult.Rejected("party_too_large");

        // Tables held by bookings that cannot move are simply unavailable.
        var pinnedBusy = OccupancyIndex.BusyTables(floor, occupied, request.During, immovableOnly: true);
        var placeable = false;
        for (var c = 0; c < candidates.Count && !placeable; c++)
            placeable = candidates[c].Fits(request.PartySize) && OccupancyIndex.IsFree(candidates[c], pinnedBusy);
        if (!placeable) return CapacityResult.Rejected("no_free_table");

        var totalSeats = 0;
        foreach (var t in floor.Tables) totalSeats += t.MaxCovers;

        // Walk the change points inside the window (its start, and every later start of an overlapping
        // booking; a point met twice is checked twice); demand only changes where a booking starts.
        var window = request.During;
        if (Overloaded(floor, occupied, window.Start, request.PartySize, totalSeats)) return CapacityResult.Rejected("no_free_capacity");
        for (var i = 0; i < occupied.Count; i++)
        {
            var o = occupied[i];
            if (o.During.Start > window.Start && o.During.Overlaps(window)
                && Overloaded(floor, occupied, o.During.Start, request.PartySize, totalSeats))
                return CapacityResult.Rejected("no_free_capacity");
        }
        return CapacityResult.Accepted;
    }

    /// <summary>
    /// At instant <paramref name="p"/> of the window, the bookings in progress and the new party need
    /// more tables or seats than the floor has (a booking in progress at a point of the window overlaps it).
    /// </summary>
    private static bool Overloaded(Floor floor, IReadOnlyList<Occupancy> occupied, DateTimeOffset p, int partySize, int totalSeats)
    {
        var seatsNeeded = partySize;
        var tablesNeeded = 1;
        for (var i = 0; i < occupied.Count; i++)
        {
            var o = occupied[i];
            if (!(o.During.Start <= p && p < o.During.End)) continue;
            tablesNeeded += 1;
            seatsNeeded += o.Movable ? o.PartySize : HeldSeats(floor, o);
        }
        return tablesNeeded > floor.Tables.Count || seatsNeeded > totalSeats;
    }

    private static int HeldSeats(Floor floor, Occupancy o)
    {
        var seats = 0;
        for (var j = 0; j < o.TableIds.Count; j++)
        {
            var i = floor.IndexOf(o.TableIds[j]);
            if (i >= 0) seats += floor.Tables[i].MaxCovers;
        }
        return Math.Max(seats, o.PartySize);
    }
}

public sealed record CapacityResult(bool Ok, string? Reason)
{
    public static readonly CapacityResult Accepted = new(true, null);
    public static CapacityResult Rejected(string reason) => new(false, reason);
}
