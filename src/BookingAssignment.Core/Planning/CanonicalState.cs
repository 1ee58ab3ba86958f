using System.Runtime.CompilerServices;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The search's state (one value per table) written in a canonical order, so that states that are
/// permutations of each other by a symmetry of this decision are written the same way: values of
/// interchangeable tables inside a group are sorted, and then the groups that are copies of each
/// other (<see cref="InterchangeableGroups"/>) are sorted as whole tuples. Both are permutations
/// that map every candidate set, every fixed booking and every mask the decision preserves onto
/// itself, so a canonical key stands for a whole orbit of states and comparing keys value by value
/// still compares states up to such a permutation (<see cref="FailedStates"/>).
/// </summary>
internal sealed class CanonicalState
{
    private readonly int[] _tableAt;
    private readonly int[][] _sortedTogether;
    private readonly (int Start, int Groups, int Length)[] _copies;
    private int[] _scratch = [];

    /// <param name="classes">This decision's table classes (<see cref="InterchangeableTables.Refine"/>).</param>
    /// <param name="preserved">Masks the permutations must keep (fixed bookings; current tables when moves count).</param>
    public CanonicalState(InterchangeableGroups groups, int[] classes, IReadOnlyCollection<UInt128> preserved)
    {
        // Groups of one floor kind stay copies in this decision when swapping them keeps every preserved mask.
        var kind = new int[groups.Members.Length];
        var representatives = new List<int>();
        for (var g = 0; g < groups.Members.Length; g++)
        {
            var match = representatives.FindIndex(r => groups.Kind[r] == groups.Kind[g] && Keeps(preserved, groups.Members[r], groups.Members[g]));
            kind[g] = match >= 0 ? match : representatives.Count;
            if (match < 0) representatives.Add(g);
        }
        var order = Enumerable.Range(0, kind.Length).OrderBy(g => kind[g]).ThenBy(g => g).ToArray();
        var tableAt = new List<int>();
        var together = new List<int[]>();
        var copies = new List<(int, int, int)>();
        for (var i = 0; i < order.Length;)
        {
            var runStart = tableAt.Count;
            var j = i;
            for (; j < order.Length && kind[order[j]] == kind[order[i]]; j++)
            {
                var members = groups.Members[order[j]];
                var offset = tableAt.Count;
                tableAt.AddRange(members);
                foreach (var same in Enumerable.Range(0, members.Length).GroupBy(p => classes[members[p]]).Where(c => c.Count() > 1))
                    together.Add(same.Select(p => offset + p).ToArray());
            }
            if (j - i > 1) copies.Add((runStart, j - i, groups.Members[order[i]].Length));
            i = j;
        }
        _tableAt = tableAt.ToArray();
        _sortedTogether = together.ToArray();
        _copies = copies.ToArray();
    }

    public int Length => _tableAt.Length;

    /// <summary>Writes the canonical key of <paramref name="valueOfTable"/> into <paramref name="key"/>.</summary>
    // Hot: compiled optimized from its first call, as the rest of the search (see Sweep.Step).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ReadOnlySpan<int> valueOfTable, Span<int> key)
    {
        for (var p = 0; p < _tableAt.Length; p++) key[p] = valueOfTable[_tableAt[p]];
        Span<int> values = stackalloc int[8];
        foreach (var positions in _sortedTogether)
        {
            var buffer = positions.Length <= values.Length ? values[..positions.Length] : new int[positions.Length];
            for (var i = 0; i < positions.Length; i++) buffer[i] = key[positions[i]];
            buffer.Sort();
            for (var i = 0; i < positions.Length; i++) key[positions[i]] = buffer[i];
        }
        foreach (var (start, groups, length) in _copies)
        {
            if (length == 1) { key.Slice(start, groups).Sort(); continue; }
            SortTuples(key.Slice(start, groups * length), length);
        }
    }

    /// <summary>Insertion sort of consecutive tuples of <paramref name="length"/> values (few groups of a kind).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SortTuples(Span<int> run, int length)
    {
        if (_scratch.Length < length) _scratch = new int[length];
        var held = _scratch.AsSpan(0, length);
        var count = run.Length / length;
        for (var i = 1; i < count; i++)
        {
            run.Slice(i * length, length).CopyTo(held);
            var j = i - 1;
            while (j >= 0 && run.Slice(j * length, length).SequenceCompareTo(held) > 0)
            {
                run.Slice(j * length, length).CopyTo(run.Slice((j + 1) * length, length));
                j--;
            }
            held.CopyTo(run.Slice((j + 1) * length, length));
        }
    }

    private static bool Keeps(IReadOnlyCollection<UInt128> preserved, int[] a, int[] b)
    {
        foreach (var mask in preserved)
            if (mask != 0 && InterchangeableGroups.Swap(mask, a, b) != mask) return false;
        return true;
    }
}
