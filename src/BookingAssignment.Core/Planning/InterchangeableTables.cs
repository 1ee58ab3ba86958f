using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Tables that the exact search may treat as one kind: a and b are interchangeable when swapping
/// them maps every candidate set onto a candidate set (same covers, same joins up to the swap) and
/// every mask the search depends on (fixed occupancy, current tables) onto itself. Swaps that
/// preserve all of that compose, so any permutation inside a class turns one arrangement into
/// another with the same moves: a subtree that failed for one member fails for the others.
/// The floor-level classes are computed once per floor; <see cref="Refine"/> splits them per decision.
/// </summary>
internal static class InterchangeableTables
{
    private static readonly ConditionalWeakTable<Floor, int[]> Cache = new();

    /// <summary>Class id per table index (below the table count).</summary>
    public static int[] Of(Floor floor) => Cache.GetValue(floor, Compute);

    /// <summary>Splits every class into the tables inside each mask and those outside it.</summary>
    public static int[] Refine(int[] classes, IEnumerable<UInt128> masks)
    {
        var refined = (int[])classes.Clone();
        var next = refined.Length; // fresh names above every table index
        var renamed = new Dictionary<int, int>();
        foreach (var mask in masks.Where(m => m != 0).Distinct())
        {
            // The tables inside the mask leave their class for a new one (one per class they come from).
            renamed.Clear();
            for (var rest = mask; rest != 0; rest &= rest - 1)
            {
                var t = (int)UInt128.TrailingZeroCount(rest);
                if (!renamed.TryGetValue(refined[t], out var name)) renamed[refined[t]] = name = next++;
                refined[t] = name;
            }
        }
        // Dense names again, in order of first appearance, so that they stay below the table count.
        var dense = new Dictionary<int, int>();
        for (var t = 0; t < refined.Length; t++)
        {
            if (!dense.TryGetValue(refined[t], out var name)) dense[refined[t]] = name = dense.Count;
            refined[t] = name;
        }
        return refined;
    }

    private static int[] Compute(Floor floor)
    {
        var n = floor.Tables.Count;
        var classes = Enumerable.Range(0, n).ToArray();
        if (n > 128) return classes;
        var masks = floor.Candidates.Select(Mask).ToHashSet();
        var representatives = new List<int>();
        for (var t = 0; t < n; t++)
        {
            var match = representatives.FindIndex(r => Swappable(floor, masks, r, t));
            if (match >= 0) classes[t] = representatives[match];
            else representatives.Add(t);
        }
        return classes;
    }

    private static bool Swappable(Floor floor, HashSet<UInt128> masks, int a, int b)
    {
        var ta = floor.Tables[a];
        var tb = floor.Tables[b];
        if (ta.MinCovers != tb.MinCovers || ta.MaxCovers != tb.MaxCovers) return false;
        var bitA = UInt128.One << a;
        var bitB = UInt128.One << b;
        foreach (var mask in masks)
        {
            var hasA = (mask & bitA) != 0;
            if (hasA == ((mask & bitB) != 0)) continue;
            var swapped = mask ^ bitA ^ bitB;
            if (!masks.Contains(swapped)) return false;
        }
        return true;
    }

    private static UInt128 Mask(TableSet set)
    {
        var mask = UInt128.Zero;
        foreach (var t in set.Indexes) mask |= UInt128.One << t;
        return mask;
    }
}
