using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The old planner, kept as the rollback target: best-fit single table (fewest spare seats), then
/// the smallest simple combination of adjacent tables. No scoring beyond that, no moves.
/// </summary>
public sealed class LegacyPlanner : IAssignmentPlanner
{
    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        var busy = OccupancyIndex.BusyTables(floor, occupied, request.During);
        TableSet? best = null;
        foreach (var set in floor.Candidates)
        {
            if (!set.Fits(request.PartySize) || !OccupancyIndex.IsFree(set, busy)) continue;
            if (best is null || Better(set, best)) best = set;
        }
        if (best is null) return null;
        return TablePlan.Of(OccupancyIndex.Ids(floor, best), best.Count == 1 ? "single_best_fit" : "combination");
    }

    // Single tables before combinations, then least spare seats, then lowest table index (stable).
    private static bool Better(TableSet a, TableSet b)
    {
        if (a.Count != b.Count) return a.Count < b.Count;
        if (a.MaxCovers != b.MaxCovers) return a.MaxCovers < b.MaxCovers;
        return a.Indexes[0] < b.Indexes[0];
    }
}
