using System.Globalization;
using Google.OrTools.Sat;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The second half of the complete search: the problem <see cref="Sweep"/> could not settle in its
/// share of the budget, handed to CP-SAT (Google OR-Tools). Clause learning proves "no arrangement"
/// on evenings where every instant fits on its own but no arrangement holds through time, which
/// the depth-first sweep can only prove by exhausting its tree.
/// <para>
/// Model: one Boolean per (booking, set in its domain), exactly one per booking; at the start of
/// every booking, each table is held by at most one of the bookings then in progress (two windows
/// overlap exactly when one contains the other's start). Immovable bookings are already out of
/// the domains. Solved twice, one worker on the calling thread (so the decision's CPU clock counts it;
/// CP-SAT's own limit is in wall time, so it is given the budget left at the pace the decision has had,
/// <see cref="DecisionClock.AtCurrentPace"/>):
/// </para>
/// <list type="number">
/// <item>any arrangement, with the budget that is left: that is the decision. Identical tables are
/// counted, not named (<see cref="PooledTables"/>): ten lone two-tops are one pool of ten, so a
/// sold-out evening's "no" is not a pigeonhole proof over 10! permutations;</item>
/// <item>within the move budget, on the model with every table named (a booking's current tables
/// matter now), fewest moves, then the new party's best-scored set (domains are in that order).</item>
/// </list>
/// </summary>
internal static class CpSatSearch
{
    /// <summary>
    /// An arrangement (set per variable, as the sweep returns it), or null with whether "none" is
    /// proved; <paramref name="deadline"/> is on the decision's clock. False, with nothing tried, when
    /// the relaxation has more than <paramref name="maxChoices"/> choices (booking × named set or pool):
    /// past that (a 60-table floor of joinable rows with no pools, 300 bookings: about 17,000), loading
    /// and presolving the model alone takes longer than a decision's budget.
    /// </summary>
    public static bool TrySolve(SweepProblem p, TimeSpan deadline, TimeSpan moveBudget, int maxChoices, DecisionClock clock, RepairSearch? repair,
        out int[]? assignment, out bool proved)
    {
        (assignment, proved) = (null, false);
        if (p.Domain.Any(d => d.Length == 0)) return proved = true;
        var limit = deadline - clock.Elapsed;
        if (limit <= TimeSpan.Zero) return true;

        // First the relaxation that counts every copy of a group as one pool: small, and its "no" is
        // a proof. Its arrangement, given tables by best fit, usually is an arrangement of the evening.
        var merged = new PooledTables(p, merged: true);
        var relaxedOptions = OptionsOf(p, merged);
        if (relaxedOptions.Sum(o => o.Length) > maxChoices) return false;
        var (relaxed, r) = BuildModel(p, merged, relaxedOptions);
        var guess = Run(relaxed, r, clock.AtCurrentPace(limit));
        if (guess.Status == CpSolverStatus.Infeasible) return proved = true;
        // It may fit. An arrangement of the relaxation's choices, when best fit finds one; else conflict
        // repair, longer now (two thirds of what is left, all of it when the relaxation ran out of time);
        // else the sweep held to the relaxation's kinds of tables.
        var first = guess.Chosen is null ? null : Concrete(p, merged, relaxedOptions, guess.Chosen);
        first ??= repair?.Continue(clock, guess.Chosen is null ? deadline : clock.Elapsed + (deadline - clock.Elapsed) * 2 / 3);
        if (first is null && guess.Chosen is not null) first = Realize(p, merged, relaxedOptions, guess.Chosen, clock, deadline);
        if (first is null)
        {
            // Then the exact model: copies of a group each their own pool.
            limit = deadline - clock.Elapsed;
            var pooled = new PooledTables(p);
            var options = OptionsOf(p, pooled);
            var (model, x) = BuildModel(p, pooled, options);
            var found = limit > TimeSpan.Zero ? Run(model, x, clock.AtCurrentPace(limit)) : default;
            if (found.Status == CpSolverStatus.Infeasible) return proved = true;
            first = found.Chosen is null ? null : Concrete(p, pooled, options, found.Chosen);
            if (first is null) return true; // out of budget: nothing proved
        }
        assignment = FewerMoves(p, first, deadline, moveBudget, maxChoices, clock);
        return true;
    }

    /// <summary>Each stage once, answers ignored: the relaxation, best fit, the restricted sweep, the exact pooled model, fewer moves.</summary>
    internal static void WarmUp(SweepProblem p, DecisionClock clock)
    {
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(1);
        var merged = new PooledTables(p, merged: true);
        var relaxedOptions = OptionsOf(p, merged);
        var (relaxed, r) = BuildModel(p, merged, relaxedOptions);
        if (Run(relaxed, r, TimeSpan.FromSeconds(1)).Chosen is { } guess)
        {
            Concrete(p, merged, relaxedOptions, guess);
            Realize(p, merged, relaxedOptions, guess, clock, deadline);
        }
        var pooled = new PooledTables(p);
        var options = OptionsOf(p, pooled);
        var (model, x) = BuildModel(p, pooled, options);
        if (Run(model, x, TimeSpan.FromSeconds(1)).Chosen is { } found && Concrete(p, pooled, options, found) is { } first)
            FewerMoves(p, first, deadline, TimeSpan.FromSeconds(1), int.MaxValue, clock);
    }

    /// <summary>
    /// Fewer moves for an arrangement found: bookings go back to their current tables where those
    /// are free, then, within the move budget and when it has at most <paramref name="maxChoices"/> choices,
    /// CP-SAT on the model with every table named (a booking's current tables matter now) minimises moves,
    /// then the new party's rank.
    /// </summary>
    internal static int[] FewerMoves(SweepProblem p, int[] found, TimeSpan deadline, TimeSpan moveBudget, int maxChoices, DecisionClock clock)
    {
        var first = BackHome(p, found);
        var left = deadline - clock.Elapsed;
        var share = moveBudget < left ? moveBudget : left;
        // The named model's loading and presolve are not bounded by CP-SAT's time limit: past maxChoices
        // (the 60-table benchmark evening has about 17,000) they took the decision to 175 ms.
        if (share <= TimeSpan.Zero || p.Domain.Sum(d => d.Length) > maxChoices) return first;
        var (free, y) = BuildModel(p, pooled: null, OptionsOf(p, pooled: null));
        var moves = new List<LinearExpr>();
        for (var v = 0; v < y.Length; v++)
        {
            for (var k = 0; k < y[v].Length; k++) free.AddHint(y[v][k], first[v] == p.Domain[v][k] ? 1 : 0);
            if (p.Current[v] >= 0 && p.Domain[v][0] == p.Current[v]) moves.Add(1 - y[v][0]);
        }
        // Moves weigh more than any difference in the new party's rank.
        var rank = LinearExpr.WeightedSum(y[0], Enumerable.Range(0, y[0].Length).Select(k => (long)k));
        free.Minimize(LinearExpr.Sum(moves) * y[0].Length + rank);
        var better = Run(free, y, clock.AtCurrentPace(share));
        return better.Chosen is { } chosen ? Enumerable.Range(0, chosen.Length).Select(v => p.Domain[v][chosen[v]]).ToArray() : first;
    }

    /// <summary>
    /// Fewer moves, cheaply: a booking whose current tables are free beside everyone else's in the
    /// arrangement goes back to them, until none can. (The arrangement stays valid at every step.)
    /// </summary>
    private static int[] BackHome(SweepProblem p, int[] assignment)
    {
        var result = (int[])assignment.Clone();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var v = 0; v < result.Length; v++)
            {
                var home = p.Current[v];
                if (home < 0 || result[v] == home || !p.Domain[v].Contains(home)) continue;
                var clash = false;
                foreach (var u in p.Neighbours[v])
                    if ((p.SetMask[result[u]] & p.SetMask[home]) != 0) { clash = true; break; }
                if (clash) continue;
                result[v] = home;
                changed = true;
            }
        }
        return result;
    }

    /// <summary>
    /// When best fit cannot give the relaxation's arrangement tables, the planner's sweep tries to,
    /// with each booking held to the kind of tables the relaxation chose for it (a much smaller
    /// search than the evening's), for the rest of the budget. On the sell-out benchmark it needed up to
    /// 36 ms where it succeeded, while the exact pooled model after it never finished in what half the
    /// budget left (its loading and presolve alone took 12-16 ms): that model now runs only when the
    /// restricted sweep gives up early, by exhausting its tree or its nodes.
    /// </summary>
    private static int[]? Realize(SweepProblem p, PooledTables merged, Option[][] options, int[] chosen, DecisionClock clock, TimeSpan deadline)
    {
        var domain = new int[chosen.Length][];
        for (var v = 0; v < chosen.Length; v++)
        {
            var o = options[v][chosen[v]];
            domain[v] = o.Pool < 0 ? [o.Set]
                : p.Domain[v].Where(s => (p.SetMask[s] & ~merged.Pools[o.Pool]) == 0 && p.Sets[s].Count == o.Need).ToArray();
        }
        var sweep = new Sweep(p with { Domain = domain }, RealizeNodes, clock, deadline);
        return sweep.Solve(int.MaxValue);
    }

    private const long RealizeNodes = 200_000;

    /// <summary>One way to seat a booking in the feasibility model: a named set, or <see cref="Need"/> tables of a pool.</summary>
    private readonly record struct Option(UInt128 Mask, int Need, int Pool, int Set);

    /// <summary>
    /// Each booking's choices: named sets outside pools, a count of tables inside one. A booking's
    /// current tables are left out when they hold a smaller set that fits it (kept in its domain only
    /// so it need not move): any arrangement that uses them still fits on the smaller set. Without
    /// pools (<paramref name="pooled"/> null), every set of every domain is named, in domain order.
    /// </summary>
    private static Option[][] OptionsOf(SweepProblem p, PooledTables? pooled)
    {
        var options = new Option[p.Domain.Length][];
        for (var v = 0; v < options.Length; v++)
        {
            var list = new List<Option>();
            foreach (var s in p.Domain[v])
            {
                var mask = p.SetMask[s];
                var pool = pooled?.PoolOf[(int)UInt128.TrailingZeroCount(mask)] ?? -1;
                if (pooled is not null && s == p.Current[v] && p.Domain[v].Any(o => o != s && (p.SetMask[o] & ~mask) == 0)) continue;
                if (pool < 0) list.Add(new Option(mask, 1, -1, s));
                else if (!list.Any(o => o.Pool == pool && o.Need == p.Sets[s].Count)) list.Add(new Option(pooled!.Pools[pool], p.Sets[s].Count, pool, -1));
            }
            options[v] = list.ToArray();
        }
        return options;
    }

    /// <summary>The model over <paramref name="options"/>: exactly one each, at most one booking per named table and at most a pool's size in it, at every maximal instant.</summary>
    private static (CpModel Model, BoolVar[][] X) BuildModel(SweepProblem p, PooledTables? pooled, Option[][] options)
    {
        var model = new CpModel();
        var x = options.Select(o =>
        {
            var vars = o.Select(_ => model.NewBoolVar(string.Empty)).ToArray();
            model.AddExactlyOne(vars);
            return vars;
        }).ToArray();
        var holders = Enumerable.Range(0, p.Tables).Select(_ => new List<ILiteral>()).ToArray();
        var load = Enumerable.Range(0, pooled?.Pools.Count ?? 0).Select(_ => new List<LinearExpr>()).ToArray();
        foreach (var active in MaximalInstants(p))
        {
            foreach (var list in holders) list.Clear();
            foreach (var list in load) list.Clear();
            foreach (var v in active)
                for (var k = 0; k < x[v].Length; k++)
                {
                    var o = options[v][k];
                    if (o.Pool >= 0) load[o.Pool].Add(x[v][k] * o.Need);
                    else
                        for (var rest = o.Mask; rest != 0; rest &= rest - 1) holders[(int)UInt128.TrailingZeroCount(rest)].Add(x[v][k]);
                }
            foreach (var list in holders) if (list.Count > 1) model.AddAtMostOne(list);
            for (var pool = 0; pool < load.Length; pool++)
                if (load[pool].Count > 0) model.Add(LinearExpr.Sum(load[pool]) <= (long)UInt128.PopCount(pooled!.Pools[pool]));
        }
        if (pooled is { Merged: false }) BreakSymmetry(model, p, pooled, x, options);
        return (model, x);
    }

    /// <summary>
    /// The bookings in progress at each booking's start, keeping only the sets not contained in the
    /// next start's (no one in them ends before it): the maximal groups of overlapping windows, one
    /// "at most one per table" each.
    /// </summary>
    private static IEnumerable<int[]> MaximalInstants(SweepProblem p)
    {
        var starts = p.Start.Distinct().Order().ToArray();
        for (var i = 0; i < starts.Length; i++)
        {
            var instant = starts[i];
            var active = Enumerable.Range(0, p.Domain.Length).Where(v => p.Start[v] <= instant && instant < p.End[v]).ToArray();
            if (i + 1 < starts.Length && active.All(v => p.End[v] > starts[i + 1])) continue;
            yield return active;
        }
    }

    /// <summary>
    /// Pools of one kind (twelve joinable pairs, each its own pool) are copies: any arrangement can be
    /// relabelled so that they are first used in index order, bookings taken in the sweep's order.
    /// Requiring that keeps exactly the evenings that fit and spares the solver refuting 12! relabellings.
    /// "Pool j used by the booking at position q" implies "pool j−1 used before q", through prefix
    /// literals that may be true only if some booking up to that position uses the pool.
    /// </summary>
    private static void BreakSymmetry(CpModel model, SweepProblem p, PooledTables pooled, BoolVar[][] x, Option[][] options)
    {
        var order = p.Order;
        foreach (var copies in Enumerable.Range(0, pooled.Pools.Count).GroupBy(pool => pooled.Kind[pool]).Where(g => g.Count() > 1))
        {
            var chain = copies.Order().ToArray();
            for (var j = 1; j < chain.Length; j++)
            {
                BoolVar? usedBefore = null; // pool chain[j-1] used by a booking before position q
                for (var q = 0; q < order.Length; q++)
                {
                    var v = order[q];
                    for (var k = 0; k < x[v].Length; k++)
                        if (options[v][k].Pool == chain[j])
                            model.AddImplication(x[v][k], usedBefore ?? model.FalseLiteral());
                    // Extend the prefix with this booking's use of chain[j-1].
                    var uses = Enumerable.Range(0, x[v].Length).Where(k => options[v][k].Pool == chain[j - 1]).Select(k => (ILiteral)x[v][k]).ToList();
                    if (uses.Count == 0) continue;
                    var next = model.NewBoolVar(string.Empty);
                    if (usedBefore is not null) uses.Add(usedBefore);
                    model.AddBoolOr(uses).OnlyEnforceIf(next);
                    usedBefore = next;
                }
            }
        }
    }

    /// <summary>
    /// The solution with tables named: pooled bookings get theirs by a sweep in start order. Null
    /// when that, or the independent re-check, fails (never expected; then there is no answer).
    /// </summary>
    private static int[]? Concrete(SweepProblem p, PooledTables pooled, Option[][] options, int[] chosen)
    {
        var n = chosen.Length;
        var result = new int[n];
        var byMask = new Dictionary<UInt128, int>();
        for (var s = 0; s < p.Sets.Count; s++) byMask.TryAdd(p.SetMask[s], s);
        for (var v = 0; v < n; v++) result[v] = options[v][chosen[v]].Set;
        for (var pool = 0; pool < pooled.Pools.Count; pool++)
        {
            var on = Enumerable.Range(0, n).Where(v => options[v][chosen[v]].Pool == pool).Select(v => (v, options[v][chosen[v]].Need));
            if (pooled.Assign(pool, on, p) is not { } tables) return null;
            foreach (var (v, mask) in tables)
            {
                if (!byMask.TryGetValue(mask, out var set) || !p.Domain[v].Contains(set)) return null;
                result[v] = set;
            }
        }
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (p.Start[a] < p.End[b] && p.Start[b] < p.End[a] && (p.SetMask[result[a]] & p.SetMask[result[b]]) != 0) return null;
        return result;
    }

    private static (CpSolverStatus Status, int[]? Chosen) Run(CpModel model, BoolVar[][] x, TimeSpan limit)
    {
        var solver = new CpSolver
        {
            StringParameters = string.Create(CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{limit.TotalSeconds:0.######} num_workers:1 random_seed:7 log_search_progress:false"),
        };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return (status, null);
        var chosen = new int[x.Length];
        for (var v = 0; v < x.Length; v++)
            for (var k = 0; k < x[v].Length; k++)
                if (solver.BooleanValue(x[v][k])) chosen[v] = k;
        return (status, chosen);
    }

}
