using System.Diagnostics;
using System.Globalization;
using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.PlannerBenchmarks;

/// <summary>
/// The e2e sell-out's evening without the API (issue 9): the load test's 40-table floor (10 two-tops,
/// twelve joinable pairs of four-tops, 6 six-tops), 360 requests of parties 1–6 between 18:00 and
/// 21:00 decided one after another by the exact planner, accepted plans (and their moves) applied.
/// Per seed: how many were seated, proved unseatable, or ran out of budget (manual review), and the
/// decision latency. Single-threaded, so wall time is the decision's own time. The planner is warmed
/// up first, as the API warms it at start.
/// </summary>
public static class SellOut
{
    public static IReadOnlyList<string> Run(int seeds, ExactPlannerOptions options)
    {
        var rows = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        // As the API does at start (PlannerWarmUp): compiling the search and CP-SAT's stages is not a decision's cost.
        var warm = new ExactPlanner(options);
        warm.WarmUpSearch();
        warm.WarmUpCpSat();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var floor = Floor();
            // Instant answers are shared across seeds, as across restaurants of one shape in a process.
            var planner = new ExactPlanner(options);
            var occupied = new List<Occupancy>();
            var random = new Random(seed);
            var day = new DateTimeOffset(2027, 1, 10, 0, 0, 0, TimeSpan.Zero);
            int seated = 0, refused = 0, exhausted = 0, moves = 0;
            var samples = new List<double>();
            for (var n = 0; n < 360; n++)
            {
                var party = random.Next(1, 7);
                var start = day.AddHours(18).AddMinutes(15 * random.Next(13));
                var turn = party <= 2 ? 75 : party <= 4 ? 90 : 105;
                var request = new PlanRequest(party, new Slot(start, start.AddMinutes(turn + 10)));
                var t0 = Stopwatch.GetTimestamp();
                var decision = planner.Decide(floor, occupied, request);
                samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                switch (decision)
                {
                    case ArrangementDecision.Feasible { Plan: var plan }:
                        seated++;
                        moves += plan.Moves.Count;
                        foreach (var m in plan.Moves)
                        {
                            var i = occupied.FindIndex(o => o.BookingId == m.BookingId);
                            occupied[i] = occupied[i] with { TableIds = m.ToTableIds };
                        }
                        occupied.Add(new Occupancy(Guid.NewGuid(), plan.TableIds, request.During, party, Movable: true));
                        break;
                    case ArrangementDecision.Infeasible: refused++; break;
                    default: exhausted++; break;
                }
            }
            samples.Sort();
            double Pct(double q) => samples[Math.Clamp((int)Math.Ceiling(q * samples.Count) - 1, 0, samples.Count - 1)];
            var admitted = seated + exhausted;
            rows.Add($"| {seed} | {seated} | {refused} | {exhausted} | {(100.0 * exhausted / Math.Max(1, admitted)).ToString("0.0", inv)} % | {moves} | " +
                     $"{Pct(0.5).ToString("0.00", inv)} | {Pct(0.99).ToString("0.0", inv)} | {samples[^1].ToString("0.0", inv)} |");
            Console.WriteLine(rows[^1]);
        }
        return rows;
    }

    private static Floor Floor()
    {
        var tables = new List<FloorTable>();
        var joins = new List<(Guid, Guid)>();
        for (var i = 1; i <= 10; i++) tables.Add(new FloorTable(Guid.NewGuid(), $"S{i}", "main", 1, 2));
        for (var i = 1; i <= 24; i++) tables.Add(new FloorTable(Guid.NewGuid(), $"F{i}", "main", 1, 4));
        for (var i = 10; i < 34; i += 2) joins.Add((tables[i].Id, tables[i + 1].Id));
        for (var i = 1; i <= 6; i++) tables.Add(new FloorTable(Guid.NewGuid(), $"L{i}", "terrace", 3, 6));
        return new Floor(tables, joins, 2);
    }
}
