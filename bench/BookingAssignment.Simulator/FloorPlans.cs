using BookingAssignment.Core.Floors;

namespace BookingAssignment.Simulator;

/// <summary>
/// A floor as the simulator describes it. The adjacency list is kept here as well as inside
/// <see cref="Floor"/> so that the validator can check joins without trusting Core.
/// </summary>
public sealed record FloorPlan(string Name, IReadOnlyList<FloorTable> Tables, IReadOnlyList<(Guid A, Guid B)> Joins, int MaxTablesPerBooking)
{
    public Floor Floor { get; } = new(Tables, Joins, MaxTablesPerBooking);
    public int Seats => Tables.Sum(t => t.MaxCovers);
}

public static class FloorPlans
{
    public static IReadOnlyList<FloorPlan> All { get; } = [Casual240(), Room80(), Bistro()];

    /// <summary>
    /// 240 seats, 60 tables: 2 two-tops, 56 four-tops in 8 rows of 7 (neighbours in a row join in
    /// pairs and threes), 2 six-tops. Rows 7–8 are the terrace.
    /// </summary>
    public static FloorPlan Casual240()
    {
        var b = new Builder("casual-240");
        b.Add("T1", "main", 1, 2);
        b.Add("T2", "main", 1, 2);
        for (var row = 1; row <= 8; row++)
        {
            var zone = row <= 6 ? "main" : "terrace";
            string? previous = null;
            for (var seat = 1; seat <= 7; seat++)
            {
                var label = $"R{row}.{seat}";
                b.Add(label, zone, 1, 4);
                if (previous is not null) b.Join(previous, label);
                previous = label;
            }
        }
        b.Add("S1", "main", 3, 6);
        b.Add("S2", "main", 3, 6);
        return b.Build(3);
    }

    /// <summary>80 seats: 10 two-tops, 5 four-tops, 4 six-tops, 2 eight-tops; no joins.</summary>
    public static FloorPlan Room80()
    {
        var b = new Builder("room-80");
        for (var i = 1; i <= 10; i++) b.Add($"D{i}", "main", 1, 2);
        for (var i = 1; i <= 5; i++) b.Add($"Q{i}", "main", 1, 4);
        for (var i = 1; i <= 4; i++) b.Add($"S{i}", "main", 3, 6);
        for (var i = 1; i <= 2; i++) b.Add($"E{i}", "main", 5, 8);
        return b.Build(1);
    }

    /// <summary>
    /// The bistro: 12 two-tops in two rows of 6 (neighbours join, up to three tables; the second row
    /// is the patio), 8 four-tops joinable in 4 pairs, one round six-top (62 seats).
    /// </summary>
    public static FloorPlan Bistro()
    {
        var b = new Builder("bistro");
        for (var row = 1; row <= 2; row++)
        {
            var zone = row == 1 ? "main" : "patio";
            for (var i = 1; i <= 6; i++)
            {
                b.Add($"B{row}.{i}", zone, 1, 2);
                if (i > 1) b.Join($"B{row}.{i - 1}", $"B{row}.{i}");
            }
        }
        for (var pair = 1; pair <= 4; pair++)
        {
            b.Add($"F{pair}a", "main", 1, 4);
            b.Add($"F{pair}b", "main", 1, 4);
            b.Join($"F{pair}a", $"F{pair}b");
        }
        b.Add("R6", "main", 3, 6);
        return b.Build(3);
    }

    private sealed class Builder(string name)
    {
        private readonly List<FloorTable> _tables = [];
        private readonly List<(Guid, Guid)> _joins = [];

        public void Add(string label, string zone, int min, int max)
        {
            // Stable ids derived from floor name and position, so runs are reproducible.
            var bytes = new byte[16];
            BitConverter.GetBytes(StableHash(name)).CopyTo(bytes, 4);
            BitConverter.GetBytes(_tables.Count + 1).CopyTo(bytes, 12);
            _tables.Add(new FloorTable(new Guid(bytes), label, zone, min, max));
        }

        public void Join(string a, string b) => _joins.Add((Find(a), Find(b)));

        public FloorPlan Build(int maxTables) => new(name, _tables.ToArray(), _joins.ToArray(), maxTables);

        private Guid Find(string label) => _tables.Single(t => t.Label == label).Id;

        private static int StableHash(string s)
        {
            var h = 17;
            foreach (var c in s) h = unchecked(h * 31 + c);
            return h;
        }
    }
}
