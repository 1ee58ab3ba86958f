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
        var floor = new Floor(tables, joins, rng.Next(2, 4));

        var occupied = new List<Occupancy>();
        var bookings = rng.Next(3, 9);
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
