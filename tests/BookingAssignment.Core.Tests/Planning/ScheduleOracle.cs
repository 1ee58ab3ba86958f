using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

/// <summary>
/// Brute force for small instances, written independently of the planner: tries every assignment
/// of candidate sets to the movable bookings and the new party.
/// </summary>
internal static class ScheduleOracle
{
    /// <summary>True when the new party can be seated with at most <paramref name="maxMoves"/> movable bookings changing tables.</summary>
    public static bool CanSeat(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request, int maxMoves = int.MaxValue)
    {
        var items = occupied.Select(o => new Item(o.During, o.PartySize, Indexes(floor, o.TableIds), o.Movable)).ToList();
        var newItem = new Item(request.During, request.PartySize, [], true);
        var placed = new List<(Item Item, int[] Tables)>();
        foreach (var fixedItem in items.Where(i => !i.Movable)) placed.Add((fixedItem, fixedItem.Original));
        var movable = items.Where(i => i.Movable).ToList();
        var all = new List<Item> { newItem };
        all.AddRange(movable);
        return Search(floor, all, 0, placed, maxMoves);
    }

    private static bool Search(Floor floor, List<Item> items, int index, List<(Item Item, int[] Tables)> placed, int movesLeft)
    {
        if (index == items.Count) return true;
        var item = items[index];
        var options = new List<(int[] Tables, int Cost)>();
        if (item.Original.Length > 0) options.Add((item.Original, 0));
        foreach (var set in floor.Candidates)
        {
            if (!set.Fits(item.Party)) continue;
            if (item.Original.Length > 0 && set.Indexes.SequenceEqual(item.Original.Order())) continue;
            options.Add((set.Indexes, item.Original.Length > 0 ? 1 : 0));
        }
        foreach (var (tables, cost) in options)
        {
            if (cost > movesLeft) continue;
            if (placed.Any(p => p.Item.During.Overlaps(item.During) && p.Tables.Intersect(tables).Any())) continue;
            placed.Add((item, tables));
            if (Search(floor, items, index + 1, placed, movesLeft - cost)) return true;
            placed.RemoveAt(placed.Count - 1);
        }
        return false;
    }

    /// <summary>Every hard rule, checked on a whole schedule: allowed set, capacity, no overlap on any table.</summary>
    public static string? Violation(Floor floor, IReadOnlyList<Occupancy> schedule)
    {
        for (var a = 0; a < schedule.Count; a++)
        {
            var o = schedule[a];
            var idx = Indexes(floor, o.TableIds);
            if (idx.Length != o.TableIds.Count || !floor.IsAllowedSet(idx)) return $"booking {o.BookingId} is on a set that is not allowed";
            var set = floor.Candidates.Single(c => c.Indexes.SequenceEqual(idx.Order()));
            if (!set.Fits(o.PartySize)) return $"booking {o.BookingId} (party {o.PartySize}) does not fit {set.MinCovers}-{set.MaxCovers}";
            for (var b = a + 1; b < schedule.Count; b++)
                if (schedule[b].During.Overlaps(o.During) && schedule[b].TableIds.Intersect(o.TableIds).Any())
                    return $"bookings {o.BookingId} and {schedule[b].BookingId} overlap on a table";
        }
        return null;
    }

    /// <summary>The schedule after a plan: moves applied, the new party added.</summary>
    public static List<Occupancy> Apply(IReadOnlyList<Occupancy> occupied, PlanRequest request, TablePlan plan, Guid newBookingId)
    {
        var result = occupied.Select(o =>
        {
            var move = plan.Moves.SingleOrDefault(m => m.BookingId == o.BookingId);
            return move is null ? o : o with { TableIds = move.ToTableIds };
        }).ToList();
        result.Add(new Occupancy(newBookingId, plan.TableIds, request.During, request.PartySize));
        return result;
    }

    private static int[] Indexes(Floor floor, IEnumerable<Guid> ids) => ids.Select(floor.IndexOf).Where(i => i >= 0).Order().ToArray();

    private sealed record Item(Slot During, int Party, int[] Original, bool Movable);
}
