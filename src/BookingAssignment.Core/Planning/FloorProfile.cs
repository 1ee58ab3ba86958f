using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Per-floor facts the planner needs on every call, computed once and cached beside the floor:
/// for each party size, the candidate sets that fit it and are <em>minimal</em> (no fitting
/// candidate is a strict subset). A non-minimal set is never needed: whenever it is free, a
/// subset of it that fits is free too, with fewer tables and fewer spare seats.
/// </summary>
internal sealed class FloorProfile
{
    private static readonly ConditionalWeakTable<Floor, FloorProfile> Cache = new();

    private readonly int[][] _fitting;

    private FloorProfile(Floor floor)
    {
        Floor = floor;
        Candidates = floor.Candidates;
        MaxParty = floor.MaxPartySize;
        TableCount = floor.Tables.Count;

        var keys = new Dictionary<string, int>(Candidates.Count);
        for (var i = 0; i < Candidates.Count; i++) keys[Key(Candidates[i].Indexes)] = i;

        _fitting = new int[MaxParty + 1][];
        for (var p = 0; p <= MaxParty; p++)
        {
            var list = new List<int>();
            for (var c = 0; c < Candidates.Count; c++)
            {
                var set = Candidates[c];
                if (p >= 1 && set.Fits(p) && !HasFittingStrictSubset(set, p, keys)) list.Add(c);
            }
            // Static order: fewest tables, fewest seats, floor order. Used for tie-breaks and the move search.
            _fitting[p] = list
                .OrderBy(c => Candidates[c].Count)
                .ThenBy(c => Candidates[c].MaxCovers)
                .ThenBy(c => c)
                .ToArray();
        }
    }

    public Floor Floor { get; }
    public IReadOnlyList<TableSet> Candidates { get; }
    public int MaxParty { get; }
    public int TableCount { get; }

    public static FloorProfile For(Floor floor) => Cache.GetValue(floor, f => new FloorProfile(f));

    /// <summary>Indexes into <see cref="Candidates"/> of the minimal sets that fit the party, in static order.</summary>
    public int[] Fitting(int partySize) =>
        partySize >= 1 && partySize <= MaxParty ? _fitting[partySize] : [];

    private bool HasFittingStrictSubset(TableSet set, int partySize, Dictionary<string, int> keys)
    {
        var n = set.Count;
        if (n == 1) return false;
        // Subsets of a set of at most MaxTablesPerBooking tables: small, so enumerate by bitmask.
        var full = (1 << n) - 1;
        var buffer = new List<int>(n);
        for (var mask = 1; mask < full; mask++)
        {
            buffer.Clear();
            for (var b = 0; b < n; b++)
                if ((mask & (1 << b)) != 0) buffer.Add(set.Indexes[b]);
            if (keys.TryGetValue(Key(buffer), out var c) && Candidates[c].Fits(partySize)) return true;
        }
        return false;
    }

    private static string Key(IEnumerable<int> sortedIndexes) => string.Join(',', sortedIndexes);
}
