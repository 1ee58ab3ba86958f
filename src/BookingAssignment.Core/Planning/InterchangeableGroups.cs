using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The floor's groups of joinable tables (components of the join graph: a pair, a row, a lone
/// table) and which groups are copies of each other. Two groups of the same size are copies when
/// swapping them table for table (in index order) maps every candidate set onto a candidate set
/// and every table onto one with the same covers: twelve joinable pairs of four-tops are then one
/// kind, as ten lone two-tops are. <see cref="InterchangeableTables"/> only swaps single tables,
/// which never moves one table of a pair without its partner.
/// </summary>
internal sealed record InterchangeableGroups(int[][] Members, int[] Kind)
{
    private static readonly ConditionalWeakTable<Floor, InterchangeableGroups> Cache = new();

    public static InterchangeableGroups Of(Floor floor) => Cache.GetValue(floor, Compute);

    private static InterchangeableGroups Compute(Floor floor)
    {
        var n = floor.Tables.Count;
        var root = Enumerable.Range(0, n).ToArray();
        int Find(int t) => root[t] == t ? t : root[t] = Find(root[t]);
        foreach (var set in floor.Candidates)
            for (var i = 1; i < set.Count; i++) root[Find(set.Indexes[i])] = Find(set.Indexes[0]);
        var members = Enumerable.Range(0, n).GroupBy(Find).Select(g => g.Order().ToArray()).OrderBy(g => g[0]).ToArray();
        var kind = new int[members.Length];
        if (n > 128) return new InterchangeableGroups(members, Enumerable.Range(0, members.Length).ToArray());
        var masks = floor.Candidates.Select(s => Mask(s.Indexes)).ToHashSet();
        var representatives = new List<int>();
        for (var g = 0; g < members.Length; g++)
        {
            var match = representatives.FindIndex(r => Copies(floor, masks, members[r], members[g]));
            kind[g] = match >= 0 ? match : representatives.Count;
            if (match < 0) representatives.Add(g);
        }
        return new InterchangeableGroups(members, kind);
    }

    private static bool Copies(Floor floor, HashSet<UInt128> masks, int[] a, int[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            var (ta, tb) = (floor.Tables[a[i]], floor.Tables[b[i]]);
            if (ta.MinCovers != tb.MinCovers || ta.MaxCovers != tb.MaxCovers) return false;
        }
        var touched = Mask(a) | Mask(b);
        foreach (var mask in masks)
            if ((mask & touched) != 0 && !masks.Contains(Swap(mask, a, b))) return false;
        return true;
    }

    /// <summary>The mask with group a's tables and group b's exchanged, table for table.</summary>
    public static UInt128 Swap(UInt128 mask, int[] a, int[] b)
    {
        var result = mask & ~(Mask(a) | Mask(b));
        for (var i = 0; i < a.Length; i++)
        {
            if ((mask & (UInt128.One << a[i])) != 0) result |= UInt128.One << b[i];
            if ((mask & (UInt128.One << b[i])) != 0) result |= UInt128.One << a[i];
        }
        return result;
    }

    public static UInt128 Mask(IEnumerable<int> tables)
    {
        var mask = UInt128.Zero;
        foreach (var t in tables) mask |= UInt128.One << t;
        return mask;
    }
}
