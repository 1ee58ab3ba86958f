using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;
using Google.OrTools.LinearSolver;

namespace BookingAssignment.Core.Yield;

/// <param name="Accept">False: the tables are worth more to the parties the forecast still expects.</param>
/// <param name="Price">What seating this party costs those expected parties, in covers (their seats it displaces).</param>
public readonly record struct YieldJudgement(bool Accept, double Price);

/// <summary>
/// The opt-in yield rule (issue 9), an opportunity-cost control. Given the tables already held and the
/// requests the restaurant's history says are still to come (<see cref="DemandForecast"/>), a linear
/// programme seats as many expected covers as the free tables allow, each kind of table counted at
/// every quarter hour. A plan costs what that optimum loses when its tables are taken for its window;
/// it is accepted when its party brings at least that many covers. A party that fills its tables
/// exactly is never turned away, and with nothing expected nothing costs anything.
/// <para>
/// This turns away guests some arrangement could seat, on purpose: it is off by default and only
/// for a restaurant that asks for it. Tables are kinds by size (their covers range); joined sets
/// use one of each of their tables' kinds, and adjacency is left out, so the cost is an estimate.
/// </para>
/// </summary>
public static class YieldRule
{
    /// <summary>One plan judged on its own (<see cref="OpportunityCost"/> to judge many against one schedule).</summary>
    public static YieldJudgement Judge(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request, IReadOnlyList<Guid> planTables,
        IReadOnlyList<ExpectedRequest> upcoming)
    {
        using var cost = new OpportunityCost(floor, occupied, upcoming);
        return cost.Judge(request, planTables);
    }
}

/// <summary>
/// The linear programme of one schedule and forecast (<see cref="YieldRule"/>), built and solved once,
/// when a plan first needs it; each plan judged against it is one more solve with that plan's tables
/// taken away (availability judges a whole day's start times against one). Not thread-safe.
/// </summary>
public sealed class OpportunityCost(Floor floor, IReadOnlyList<Occupancy> occupied, IReadOnlyList<ExpectedRequest> upcoming) : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(15);
    private Programme? _lp;

    public YieldJudgement Judge(PlanRequest request, IReadOnlyList<Guid> planTables)
    {
        var indexes = planTables.Select(floor.IndexOf).Where(i => i >= 0).ToArray();
        var seats = indexes.Sum(i => floor.Tables[i].MaxCovers);
        if (seats <= request.PartySize || upcoming.Count == 0) return new YieldJudgement(true, 0);
        var lp = _lp ??= Build();
        if (double.IsNaN(lp.Value)) return new YieldJudgement(true, 0); // no optimum: nothing is protected

        // The plan's tables, taken for its window.
        var taken = new List<(Constraint Row, double Bound)>();
        foreach (var i in indexes)
            for (var t = 0; t < lp.Instants.Length; t++)
                if (Holds(request.During, lp.Instants[t]))
                {
                    var row = lp.Rows[lp.KindOf[i], t];
                    taken.Add((row, row.Ub()));
                    row.SetUb(Math.Max(0, row.Ub() - 1));
                }
        var without = lp.Solver.Solve() == Solver.ResultStatus.OPTIMAL ? lp.Solver.Objective().Value() : lp.Value;
        for (var k = taken.Count - 1; k >= 0; k--) taken[k].Row.SetUb(taken[k].Bound);
        var price = Math.Max(0, lp.Value - without);
        return new YieldJudgement(request.PartySize >= price - 1e-6, price);
    }

    public void Dispose() => _lp?.Solver.Dispose();

    private sealed record Programme(Solver Solver, Constraint[,] Rows, int[] KindOf, DateTimeOffset[] Instants, double Value);

    private Programme Build()
    {
        var kinds = floor.Tables.Select(t => (t.MinCovers, t.MaxCovers)).Distinct().ToList();
        var kindOf = floor.Tables.Select(t => kinds.IndexOf((t.MinCovers, t.MaxCovers))).ToArray();
        var instants = Instants();
        var free = new int[kinds.Count, instants.Length];
        for (var t = 0; t < instants.Length; t++)
        {
            var held = OccupancyIndex.BusyTables(floor, occupied, new Slot(instants[t], instants[t].AddTicks(1)));
            for (var i = 0; i < floor.Tables.Count; i++)
                if (!held[i]) free[kindOf[i], t]++;
        }
        // A joined set uses one table of each of its tables' kinds; sets alike in that and in covers are one choice.
        var shapes = floor.Candidates
            .Select(s => (Uses: Uses(s, kindOf, kinds.Count), s.MinCovers, s.MaxCovers))
            .DistinctBy(s => (string.Join(',', s.Uses), s.MinCovers, s.MaxCovers)).ToArray();

        var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP solver");
        var rows = new Constraint[kinds.Count, instants.Length];
        for (var k = 0; k < kinds.Count; k++)
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
                    for (var k = 0; k < kinds.Count; k++)
                        if (shape.Uses[k] > 0) rows[k, t].SetCoefficient(x, shape.Uses[k]);
                }
            }
        }
        var value = solver.Solve() == Solver.ResultStatus.OPTIMAL ? objective.Value() : double.NaN;
        return new Programme(solver, rows, kindOf, instants, value);
    }

    /// <summary>
    /// Where tables are counted: every expected start, and every quarter hour from the first of them to
    /// the last expected end, so two windows that overlap share an instant (a window starting between
    /// expected starts contains the next quarter hour).
    /// </summary>
    private DateTimeOffset[] Instants()
    {
        var starts = upcoming.Select(u => u.During.Start).ToHashSet();
        var (first, last) = (starts.Min(), upcoming.Max(u => u.During.End));
        for (var t = first; t < last; t = t.Add(Step)) starts.Add(t);
        return starts.Order().ToArray();
    }

    private static bool Holds(Slot window, DateTimeOffset instant) => window.Start <= instant && instant < window.End;

    private static int[] Uses(TableSet set, int[] kindOf, int kindCount)
    {
        var uses = new int[kindCount];
        foreach (var i in set.Indexes) uses[kindOf[i]]++;
        return uses;
    }
}
