using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>A half-open time range [Start, End).</summary>
public readonly record struct Slot(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(Slot other) => Start < other.End && other.Start < End;
}

/// <summary>A live booking already holding tables during <see cref="During"/> (turn time plus buffer).</summary>
/// <param name="Movable">False when seated, pinned by an operator or inside the freeze window.</param>
public sealed record Occupancy(Guid BookingId, IReadOnlyList<Guid> TableIds, Slot During, int PartySize, bool Movable = false);

public sealed record PlanRequest(int PartySize, Slot During, string? ZonePreference = null);

/// <summary>Another booking moved to different tables so the new party fits (bounded reassignment).</summary>
public sealed record Move(Guid BookingId, IReadOnlyList<Guid> FromTableIds, IReadOnlyList<Guid> ToTableIds);

public sealed record TablePlan(IReadOnlyList<Guid> TableIds, string Strategy, double Score, IReadOnlyList<Move> Moves)
{
    public static TablePlan Of(IReadOnlyList<Guid> tables, string strategy, double score = 0) => new(tables, strategy, score, []);
}

/// <summary>Chooses tables for one party, given what is already occupied. Pure and deterministic.</summary>
public interface IAssignmentPlanner
{
    /// <returns>A plan, or null when no valid placement exists.</returns>
    TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request);
}

internal static class OccupancyIndex
{
    /// <summary>busy[i] is true when table i is held by a booking overlapping the request (<paramref name="immovableOnly"/>: one that cannot move).</summary>
    public static bool[] BusyTables(Floor floor, IReadOnlyList<Occupancy> occupied, Slot during, bool immovableOnly = false)
    {
        var busy = new bool[floor.Tables.Count];
        for (var k = 0; k < occupied.Count; k++)
        {
            var o = occupied[k];
            if ((immovableOnly && o.Movable) || !o.During.Overlaps(during)) continue;
            for (var j = 0; j < o.TableIds.Count; j++) // not foreach: an interface's enumerator is an allocation
            {
                var i = floor.IndexOf(o.TableIds[j]);
                if (i >= 0) busy[i] = true;
            }
        }
        return busy;
    }

    public static bool IsFree(TableSet set, bool[] busy)
    {
        foreach (var i in set.Indexes) if (busy[i]) return false;
        return true;
    }

    public static Guid[] Ids(Floor floor, TableSet set) => set.Indexes.Select(i => floor.Tables[i].Id).ToArray();
}
