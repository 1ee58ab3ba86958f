using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;
using Google.OrTools.LinearSolver;

namespace BookingAssignment.Core.Yield;

/// <param name="Accept">False: the tables are worth more to the parties the forecast still expects.</param>
/// <param name="Price">What the plan's tables are expected to earn from those parties over the request's window, in covers.</param>
public readonly record struct YieldJudgement(bool Accept, double Price);

/// <summary>
/// The opt-in yield rule (issue 9): a bid-price control. Given the tables already held and the
/// requests the restaurant's history says are still to come (<see cref="DemandForecast"/>), a linear
/// programme seats as many expected covers as the free tables allow, each kind of table counted at
/// every start time; its dual values price one table of a kind at one instant, in covers. A plan is
/// accepted when its party brings at least what its tables cost over its window. A party that fills
/// its tables exactly is never turned away, and with nothing expected every price is zero.
/// <para>
/// This turns away guests some arrangement could seat, on purpose: it is off by default and only
/// for a restaurant that asks for it. Tables are kinds by size (their covers range); joined sets
/// use one of each of their tables' kinds, and adjacency is left out, so the prices are an estimate.
/// </para>
/// </summary>
public static class YieldRule
{
    public static YieldJudgement Judge(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request, IReadOnlyList<Guid> planTables,
        IReadOnlyList<ExpectedRequest> upcoming)
    {
        var indexes = planTables.Select(floor.IndexOf).Where(i => i >= 0).ToArray();
        var seats = indexes.Sum(i => floor.Tables[i].MaxCovers);
        if (seats <= request.PartySize || upcoming.Count == 0) return new YieldJudgement(true, 0);

        var kinds = floor.Tables.Select(t => (t.MinCovers, t.MaxCovers)).Distinct().ToList();
        var kindOf = floor.Tables.Select(t => kinds.IndexOf((t.MinCovers, t.MaxCovers))).ToArray();
        var instants = upcoming.Select(u => u.During.Start).Append(request.During.Start).Distinct().Order().ToArray();
        var prices = Prices(floor, occupied, upcoming, kinds.Count, kindOf, instants);

        var price = 0.0;
        foreach (var i in indexes)
            for (var t = 0; t < instants.Length; t++)
                if (Holds(request.During, instants[t])) price += prices[kindOf[i], t];
        return new YieldJudgement(request.PartySize >= price - 1e-6, price);
    }

    /// <summary>The dual value of "kind k's free tables at instant t", in covers (zero where tables are to spare).</summary>
    private static double[,] Prices(Floor floor, IReadOnlyList<Occupancy> occupied, IReadOnlyList<ExpectedRequest> upcoming, int kindCount, int[] kindOf,
        DateTimeOffset[] instants)
    {
        var free = new int[kindCount, instants.Length];
        for (var t = 0; t < instants.Length; t++)
        {
            var held = OccupancyIndex.BusyTables(floor, occupied, new Slot(instants[t], instants[t].AddTicks(1)));
            for (var i = 0; i < floor.Tables.Count; i++)
                if (!held[i]) free[kindOf[i], t]++;
        }
        // A joined set uses one table of each of its tables' kinds; sets alike in that and in covers are one choice.
        var shapes = floor.Candidates
            .Select(s => (Uses: Uses(s, kindOf, kindCount), s.MinCovers, s.MaxCovers))
            .DistinctBy(s => (string.Join(',', s.Uses), s.MinCovers, s.MaxCovers)).ToArray();

        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP solver");
        var rows = new Constraint[kindCount, instants.Length];
        for (var k = 0; k < kindCount; k++)
            for (var t = 0; t < instants.Length; t++)
                rows[k, t] = solver.MakeConstraint(double.NegativeInfinity, free[k, t]);
        var objective = solver.Objective();
        objective.SetMaximization();
        foreach (var demand in upcoming)
        {
            var cap = solver.MakeConstraint(double.NegativeInfinity, demand.Count);
            foreach (var shape in shapes)
            {
                if (demand.PartySize < shape.MinCovers || demand.PartySize > shape.MaxCovers) continue;
                var x = solver.MakeNumVar(0, double.PositiveInfinity, "");
                cap.SetCoefficient(x, 1);
                objective.SetCoefficient(x, demand.PartySize);
                for (var t = 0; t < instants.Length; t++)
                {
                    if (!Holds(demand.During, instants[t])) continue;
                    for (var k = 0; k < kindCount; k++)
                        if (shape.Uses[k] > 0) rows[k, t].SetCoefficient(x, shape.Uses[k]);
                }
            }
        }
        var prices = new double[kindCount, instants.Length];
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL) return prices; // no prices: nothing is protected
        for (var k = 0; k < kindCount; k++)
            for (var t = 0; t < instants.Length; t++)
                prices[k, t] = Math.Max(0, rows[k, t].DualValue());
        return prices;
    }

    private static bool Holds(Slot window, DateTimeOffset instant) => window.Start <= instant && instant < window.End;

    private static int[] Uses(TableSet set, int[] kindOf, int kindCount)
    {
        var uses = new int[kindCount];
        foreach (var i in set.Indexes) uses[kindOf[i]]++;
        return uses;
    }
}
