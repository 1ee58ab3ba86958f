using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

/// <summary>Small random floors with a valid schedule and one new request, reproducible by seed.</summary>
internal sealed record Instance(int Seed, Floor Floor, List<Occupancy> Occupied, PlanRequest Request);

internal static class RandomInstances
{
    public static Instance Make(int seed)
    {
        var rng = new Random(seed);
        var tableCount = rng.Next(3, 7);
        var sizes = new[] { 2, 2, 4, 4, 4, 6 };
        var tables = Enumerable.Range(0, tableCount).Select(i =>
        {
            var max = sizes[rng.Next(sizes.Length)];
            var zone = rng.Next(4) == 0 ? "patio" : "main";
            return new FloorTable(PlanningFixtures.TableId(i), $"T{i}", zone, max >= 6 ? 3 : 1, max);
        }).ToArray();
        var joins = new List<(Guid, Guid)>();
        for (var i = 0; i < tableCount; i++)
            for (var j = i + 1; j < tableCount; j++)
                if (rng.Next(3) == 0) joins.Add((tables[i].Id, tables[j].Id));
        return Book(rng, seed, new Floor(tables, joins, rng.Next(2, 4)), rng.Next(3, 9));
    }

    /// <summary>
    /// Floors made of repeated parts, where many tables are interchangeable: a few identical
    /// unjoined tables, a row of identical two-tops that join along the row, and identical
    /// joinable pairs; more bookings, so that symmetric arrangements abound.
    /// </summary>
    public static Instance MakeSymmetric(int seed)
    {
        var rng = new Random(seed);
        var tables = new List<FloorTable>();
        var joins = new List<(Guid, Guid)>();
        FloorTable Add(int max, string zone)
        {
            var t = new FloorTable(PlanningFixtures.TableId(tables.Count), $"T{tables.Count}", zone, max >= 6 ? 3 : 1, max);
            tables.Add(t);
            return t;
        }
        var singleMax = rng.Next(2) == 0 ? 2 : 4;
        for (var i = rng.Next(1, 4); i > 0; i--) Add(singleMax, "main");
        FloorTable? previous = null;
        for (var i = rng.Next(0, 4); i > 0; i--)
        {
            var t = Add(2, "main");
            if (previous is not null) joins.Add((previous.Id, t.Id));
            previous = t;
        }
        for (var i = rng.Next(0, 3); i > 0; i--)
        {
            var zone = rng.Next(2) == 0 ? "main" : "patio";
            joins.Add((Add(4, zone).Id, Add(4, zone).Id));
        }
        if (tables.Count < 3) Add(6, "main");
        return Book(rng, seed, new Floor(tables, joins, rng.Next(2, 4)), rng.Next(4, 10));
    }

    /// <summary>
    /// Floors of repeated joinable groups: two or three copies of a pair (or of a row of three), beside
    /// a few lone tables, so that the search's symmetry over whole groups is exercised, with fixed
    /// bookings breaking some copies apart.
    /// </summary>
    public static Instance MakeGroups(int seed)
    {
        var rng = new Random(seed);
        var tables = new List<FloorTable>();
        var joins = new List<(Guid, Guid)>();
        FloorTable Add(int min, int max)
        {
            var t = new FloorTable(PlanningFixtures.TableId(tables.Count), $"T{tables.Count}", "main", min, max);
            tables.Add(t);
            return t;
        }
        var groupLength = rng.Next(2, 4);
        var groupMax = rng.Next(2) == 0 ? 2 : 4;
        for (var g = rng.Next(2, 4); g > 0; g--)
        {
            FloorTable? previous = null;
            for (var i = 0; i < groupLength; i++)
            {
                var t = Add(1, groupMax);
                if (previous is not null) joins.Add((previous.Id, t.Id));
                previous = t;
            }
        }
        for (var i = rng.Next(0, 3); i > 0; i--) Add(1, 2);
        if (rng.Next(2) == 0) Add(3, 6);
        return Book(rng, seed, new Floor(tables, joins, rng.Next(2, 4)), rng.Next(5, 11));
    }

    private static Instance Book(Random rng, int seed, Floor floor, int bookings)
    {
        var occupied = new List<Occupancy>();
        for (var b = 0; b < bookings; b++)
        {
            var party = rng.Next(1, 9);
            var during = PlanningFixtures.Window(15 * rng.Next(0, 12), 15 * rng.Next(3, 7));
            var free = floor.Candidates.Where(c => c.Fits(party) && !occupied.Any(o =>
                o.During.Overlaps(during) && o.TableIds.Any(t => c.Indexes.Contains(floor.IndexOf(t))))).ToList();
            if (free.Count == 0) continue;
            var set = free[rng.Next(free.Count)];
            occupied.Add(new Occupancy(PlanningFixtures.BookingId(b), set.Indexes.Select(i => floor.Tables[i].Id).ToArray(), during, party, rng.Next(4) != 0));
        }
        var request = new PlanRequest(rng.Next(1, 9), PlanningFixtures.Window(15 * rng.Next(0, 12), 15 * rng.Next(3, 7)),
            rng.Next(3) == 0 ? "patio" : null);
        return new Instance(seed, floor, occupied, request);
    }
}
