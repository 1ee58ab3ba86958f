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
    public CapacityResult Check(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        if (request.PartySize > floor.MaxPartySize || !floor.Candidates.Any(c => c.Fits(request.PartySize)))
            return CapacityResult.Rejected("party_too_large");

        // Tables held by bookings that cannot move are simply unavailable.
        var pinnedBusy = OccupancyIndex.BusyTables(floor, occupied.Where(o => !o.Movable).ToArray(), request.During);
        var placeable = false;
        foreach (var set in floor.Candidates)
            if (set.Fits(request.PartySize) && OccupancyIndex.IsFree(set, pinnedBusy)) { placeable = true; break; }
        if (!placeable) return CapacityResult.Rejected("no_free_table");

        var totalSeats = 0;
        foreach (var t in floor.Tables) totalSeats += t.MaxCovers;

        // Walk the change points inside the window; demand only changes where a booking starts.
        var overlapping = occupied.Where(o => o.During.Overlaps(request.During)).ToArray();
        var points = overlapping.Select(o => o.During.Start).Where(s => s > request.During.Start)
            .Append(request.During.Start).Distinct();
        foreach (var p in points)
        {
            var seatsNeeded = request.PartySize;
            var tablesNeeded = 1;
            foreach (var o in overlapping)
            {
                if (!(o.During.Start <= p && p < o.During.End)) continue;
                tablesNeeded += 1;
                seatsNeeded += o.Movable ? o.PartySize : HeldSeats(floor, o);
            }
            if (tablesNeeded > floor.Tables.Count || seatsNeeded > totalSeats)
                return CapacityResult.Rejected("no_free_capacity");
        }
        return CapacityResult.Accepted;
    }

    private static int HeldSeats(Floor floor, Occupancy o)
    {
        var seats = 0;
        foreach (var t in o.TableIds)
        {
            var i = floor.IndexOf(t);
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
