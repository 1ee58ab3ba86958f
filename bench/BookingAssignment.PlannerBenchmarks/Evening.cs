using BookingAssignment.Core.Planning;
using BookingAssignment.Simulator;

namespace BookingAssignment.PlannerBenchmarks;

/// <summary>
/// The benchmark's fixed evening: the 60-table casual floor with 300 bookings placed by the V3
/// planner from the casual party mix (starts spread evenly over 15:00–22:30), all still movable, and a set of probe requests planned
/// against it (probes are not added, so every call sees the same 300 bookings).
/// </summary>
public sealed class Evening
{
    public static readonly DateTimeOffset Doors = new(2026, 6, 12, 17, 0, 0, TimeSpan.Zero);

    private Evening(FloorPlan floor, List<Occupancy> bookings, List<PlanRequest> probes)
    {
        Floor = floor;
        Bookings = bookings;
        Probes = probes;
    }

    public FloorPlan Floor { get; }
    public List<Occupancy> Bookings { get; }
    public List<PlanRequest> Probes { get; }

    public static Evening Create(int bookings = 300, int probes = 1000, int seed = 42)
    {
        var floor = FloorPlans.Casual240();
        var placer = new TablePlanner(new TablePlannerOptions { MaxMoves = 0 });
        var occupied = new List<Occupancy>();
        var rng = new Random(seed);
        // Starts spread evenly over 15:00–22:30 (an all-afternoon-and-evening service: 300 bookings on
        // 60 tables is five turns a table), placed in random order, so probes see a busy floor with gaps.
        var stream = Demand.Night(rng, floor.Seats, Demand.Casual, 6.0)
            .Select(r => r with { StartMinute = (rng.Next(0, 450 / Demand.GridMinutes + 1) * Demand.GridMinutes) - 120 });
        foreach (var r in stream)
        {
            if (occupied.Count == bookings) break;
            var plan = placer.Plan(floor.Floor, occupied, Request(r));
            if (plan is null) continue;
            occupied.Add(new Occupancy(Guid.NewGuid(), plan.TableIds, Request(r).During, r.Party, Movable: true));
        }
        if (occupied.Count < bookings) throw new InvalidOperationException($"only {occupied.Count} bookings fit");
        var probeRequests = Demand.Night(new Random(seed + 1), floor.Seats, Demand.Casual, 3.0).Take(probes).Select(Request).ToList();
        return new Evening(floor, occupied, probeRequests);
    }

    private static PlanRequest Request(Request r) =>
        new(r.Party, new Slot(Doors.AddMinutes(r.StartMinute), Doors.AddMinutes(r.EndMinute)));
}
