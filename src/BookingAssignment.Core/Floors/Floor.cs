namespace BookingAssignment.Core.Floors;

/// <summary>A table as the planner sees it.</summary>
public sealed record FloorTable(Guid Id, string Label, string Zone, int MinCovers, int MaxCovers);

/// <summary>
/// A restaurant's table inventory: tables, which pairs may be joined, and how many tables one
/// booking may use. Candidate table sets (single tables and connected sets of adjacent tables in
/// one zone) are enumerated once per floor and cached, because every plan needs them.
/// </summary>
public sealed class Floor
{
    private readonly Dictionary<Guid, int> _indexById;
    private readonly bool[,] _adjacent;
    private IReadOnlyList<TableSet>? _candidates;

    public Floor(IEnumerable<FloorTable> tables, IEnumerable<(Guid A, Guid B)> adjacency, int maxTablesPerBooking)
    {
        Tables = tables.ToArray();
        MaxTablesPerBooking = Math.Max(1, maxTablesPerBooking);
        _indexById = new Dictionary<Guid, int>(Tables.Count);
        for (var i = 0; i < Tables.Count; i++) _indexById[Tables[i].Id] = i;
        _adjacent = new bool[Tables.Count, Tables.Count];
        var neighbours = Enumerable.Range(0, Tables.Count).Select(_ => new List<int>()).ToArray();
        foreach (var (a, b) in adjacency)
        {
            if (!_indexById.TryGetValue(a, out var ia) || !_indexById.TryGetValue(b, out var ib) || ia == ib) continue;
            // Joining is only allowed inside one zone, whatever the adjacency list says.
            if (!string.Equals(Tables[ia].Zone, Tables[ib].Zone, StringComparison.Ordinal)) continue;
            if (_adjacent[ia, ib]) continue;
            _adjacent[ia, ib] = _adjacent[ib, ia] = true;
            neighbours[ia].Add(ib);
            neighbours[ib].Add(ia);
        }
        Neighbours = neighbours.Select(n => (IReadOnlyList<int>)n.Order().ToArray()).ToArray();
    }

    public IReadOnlyList<FloorTable> Tables { get; }
    public int MaxTablesPerBooking { get; }

    /// <summary>Indexes of tables adjacent to the table at <paramref name="index"/> (same zone only).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Neighbours { get; }

    public int IndexOf(Guid tableId) => _indexById.TryGetValue(tableId, out var i) ? i : -1;

    public bool AreAdjacent(int a, int b) => _adjacent[a, b];

    /// <summary>Largest party any single candidate set can seat.</summary>
    public int MaxPartySize => _maxPartySize ??= Candidates.Count == 0 ? 0 : Candidates.Max(c => c.MaxCovers);

    private int? _maxPartySize;

    /// <summary>
    /// Every table set a booking may use: single tables and connected sets of adjacent tables in
    /// one zone with at most <see cref="MaxTablesPerBooking"/> tables.
    /// </summary>
    public IReadOnlyList<TableSet> Candidates => _candidates ??= TableSetEnumerator.Enumerate(this);

    /// <summary>
    /// The tables may be joined and hold the party, as an operator's assignment is checked: a single
    /// table from its minimum to its maximum covers, joined tables from one guest to their summed maximum.
    /// </summary>
    public bool Seats(IReadOnlyCollection<int> indexes, int partySize)
    {
        if (indexes.Any(i => i < 0 || i >= Tables.Count) || !IsAllowedSet(indexes)) return false;
        var min = indexes.Count == 1 ? Tables[indexes.First()].MinCovers : 1;
        return partySize >= min && partySize <= indexes.Sum(i => Tables[i].MaxCovers);
    }

    /// <summary>True when the given tables form one allowed candidate set.</summary>
    public bool IsAllowedSet(IReadOnlyCollection<int> indexes)
    {
        if (indexes.Count == 0 || indexes.Count > MaxTablesPerBooking) return false;
        if (indexes.Distinct().Count() != indexes.Count) return false;
        var list = indexes.ToArray();
        var seen = new HashSet<int> { list[0] };
        var stack = new Stack<int>(seen);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            foreach (var n in Neighbours[t])
                if (Array.IndexOf(list, n) >= 0 && seen.Add(n)) stack.Push(n);
        }
        return seen.Count == list.Length;
    }
}

/// <summary>A candidate set of tables (indexes into <see cref="Floor.Tables"/>, ascending).</summary>
public sealed record TableSet(int[] Indexes, int MinCovers, int MaxCovers, string Zone)
{
    public int Count => Indexes.Length;
    public bool Fits(int partySize) => partySize >= MinCovers && partySize <= MaxCovers;
}

internal static class TableSetEnumerator
{
    /// <summary>
    /// Enumerates connected induced subgraphs up to the size limit without duplicates: each set is
    /// grown only from its smallest index, adding neighbours with larger indexes.
    /// </summary>
    public static IReadOnlyList<TableSet> Enumerate(Floor floor)
    {
        var result = new List<TableSet>();
        var seen = new HashSet<string>();
        for (var root = 0; root < floor.Tables.Count; root++)
            Grow(floor, [root], root, result, seen);
        return result;
    }

    private static void Grow(Floor floor, List<int> current, int root, List<TableSet> result, HashSet<string> seen)
    {
        var sorted = current.Order().ToArray();
        if (!seen.Add(string.Join(',', sorted))) return;
        result.Add(Make(floor, sorted));
        if (current.Count >= floor.MaxTablesPerBooking) return;
        foreach (var t in current.ToArray())
        foreach (var n in floor.Neighbours[t])
        {
            if (n <= root || current.Contains(n)) continue;
            current.Add(n);
            Grow(floor, current, root, result, seen);
            current.RemoveAt(current.Count - 1);
        }
    }

    private static TableSet Make(Floor floor, int[] indexes)
    {
        var min = 0;
        var max = 0;
        foreach (var i in indexes)
        {
            max += floor.Tables[i].MaxCovers;
            min = Math.Max(min, floor.Tables[i].MinCovers);
        }
        // Joined tables accept any party the largest minimum allows; a single table keeps its own minimum.
        if (indexes.Length > 1) min = Math.Min(min, max);
        return new TableSet(indexes, min, max, floor.Tables[indexes[0]].Zone);
    }
}
