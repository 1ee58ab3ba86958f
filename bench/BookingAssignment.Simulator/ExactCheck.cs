using BookingAssignment.Core.Planning;
using Google.OrTools.Sat;

namespace BookingAssignment.Simulator;

/// <summary>One booking to place: fixed on its tables (seated or frozen), or free to take any fitting set.</summary>
public sealed record Placement(int Id, Request Request, Guid[]? FixedTables);

/// <summary>
/// The exact check of the quality benchmark, with CP-SAT and independent of the product's solver:
/// does some arrangement of these bookings fit the floor (each on a fitting candidate set, fixed
/// ones where they are, no table held twice at once)? Movable bookings are offered only minimal
/// sets (a superset never helps). Returns the arrangement, or null with the solver's status.
/// </summary>
public static class ExactCheck
{
    public static (Dictionary<int, Guid[]>? Arrangement, bool Proved) Arrange(FloorPlan plan, IReadOnlyList<Placement> items, double seconds)
    {
        var floor = plan.Floor;
        var candidates = floor.Candidates;
        var minimal = new Dictionary<int, int[]>();
        int[] Minimal(int party)
        {
            if (minimal.TryGetValue(party, out var m)) return m;
            var fitting = Enumerable.Range(0, candidates.Count).Where(c => candidates[c].Fits(party)).ToList();
            var keys = fitting.Select(c => candidates[c].Indexes.ToHashSet()).ToList();
            return minimal[party] = fitting.Where((c, i) => !keys.Where((k, j) => j != i && k.Count < keys[i].Count).Any(k => k.IsSubsetOf(keys[i]))).ToArray();
        }

        var model = new CpModel();
        var starts = items.Select(p => p.Request.StartMinute).Distinct().Order().ToArray();
        var load = new Dictionary<(int Table, int Minute), List<BoolVar>>();
        var fixedBusy = new HashSet<(int Table, int Minute)>();
        var choice = new List<(int Item, int Set, BoolVar Var)>();
        for (var i = 0; i < items.Count; i++)
        {
            var r = items[i].Request;
            if (items[i].FixedTables is { } tables)
            {
                foreach (var t in tables.Select(floor.IndexOf))
                    foreach (var minute in starts)
                        if (minute >= r.StartMinute && minute < r.EndMinute && !fixedBusy.Add((t, minute)))
                            return (null, true); // two fixed bookings already collide: nothing can help
                continue;
            }
            var vars = new List<BoolVar>();
            foreach (var c in Minimal(r.Party))
            {
                var v = model.NewBoolVar($"x_{i}_{c}");
                vars.Add(v);
                choice.Add((i, c, v));
                foreach (var t in candidates[c].Indexes)
                    foreach (var minute in starts)
                    {
                        if (minute < r.StartMinute || minute >= r.EndMinute) continue;
                        if (!load.TryGetValue((t, minute), out var list)) load[(t, minute)] = list = [];
                        list.Add(v);
                    }
            }
            if (vars.Count == 0) return (null, true);
            model.AddExactlyOne(vars);
        }
        foreach (var ((t, minute), list) in load)
        {
            if (fixedBusy.Contains((t, minute))) foreach (var v in list) model.Add(v == 0);
            else if (list.Count > 1) model.AddAtMostOne(list);
        }
        var solver = new CpSolver { StringParameters = $"max_time_in_seconds:{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} num_workers:1 random_seed:7" };
        var status = solver.Solve(model);
        if (status == CpSolverStatus.Infeasible) return (null, true);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return (null, false);
        var result = new Dictionary<int, Guid[]>();
        foreach (var p in items) if (p.FixedTables is { } f) result[p.Id] = f;
        foreach (var (i, c, v) in choice)
            if (solver.BooleanValue(v)) result[items[i].Id] = candidates[c].Indexes.Select(x => floor.Tables[x].Id).ToArray();
        return (result, true);
    }

    /// <summary>Whether <paramref name="request"/> fits beside the seated bookings (those that may not move stay where they are).</summary>
    public static bool? Fits(FloorPlan plan, IReadOnlyDictionary<int, Guid[]> seated, IReadOnlyDictionary<int, Request> byId, Request request,
        Func<Request, bool> movable, double seconds)
    {
        var (arrangement, proved) = Decide(plan, seated, byId, request, movable, seconds);
        return arrangement is not null ? true : proved ? false : null;
    }

    private static readonly CapacityCheck Relaxation = new();
    private static readonly ExactPlanner Witness = new(new ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(200) });

    /// <summary>
    /// The decision, cheapest proof first: the capacity relaxation proves a "no"; an arrangement the
    /// product's solver finds, re-checked here, proves a "yes"; everything else goes to CP-SAT.
    /// Only the solver's positive answers are used, and only after this check validates them.
    /// </summary>
    public static (Dictionary<int, Guid[]>? Arrangement, bool Proved) Decide(FloorPlan plan, IReadOnlyDictionary<int, Guid[]> seated,
        IReadOnlyDictionary<int, Request> byId, Request request, Func<Request, bool> movable, double seconds)
    {
        var occupancies = seated.Select(kv => new Occupancy(OnlineRun.BookingGuid(kv.Key), kv.Value, OnlineRun.Held(byId[kv.Key]), byId[kv.Key].Party,
            movable(byId[kv.Key]))).ToList();
        var planRequest = new PlanRequest(request.Party, OnlineRun.Held(request));
        if (!Relaxation.Check(plan.Floor, occupancies, planRequest).Ok) return (null, true);
        if (Witness.Decide(plan.Floor, occupancies, planRequest) is ArrangementDecision.Feasible { Plan: var p })
        {
            var result = seated.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var m in p.Moves) result[OnlineRun.BookingIndex(m.BookingId)] = m.ToTableIds.ToArray();
            result[request.Id] = p.TableIds.ToArray();
            if (Valid(plan, result, byId, seated, movable)) return (result, true);
        }
        var items = seated.Select(kv => new Placement(kv.Key, byId[kv.Key], movable(byId[kv.Key]) ? null : kv.Value)).ToList();
        items.Add(new Placement(request.Id, request, null));
        // A "no" proved by CP-SAT at one instant (everyone in progress then must fit at once) is a "no" for the evening.
        var instants = items.Where(i => i.Request.StartMinute >= request.StartMinute && i.Request.StartMinute < request.EndMinute)
            .Select(i => i.Request.StartMinute).Distinct();
        foreach (var minute in instants)
        {
            var active = items.Where(i => i.Request.StartMinute <= minute && minute < i.Request.EndMinute).ToList();
            var (fits, proved) = Arrange(plan, active, seconds);
            if (fits is null && proved) return (null, true);
        }
        return Arrange(plan, items, seconds);
    }

    /// <summary>Every booking on a fitting candidate set, fixed ones unmoved, no table held twice at once.</summary>
    private static bool Valid(FloorPlan plan, Dictionary<int, Guid[]> result, IReadOnlyDictionary<int, Request> byId,
        IReadOnlyDictionary<int, Guid[]> before, Func<Request, bool> movable)
    {
        var floor = plan.Floor;
        var entries = result.ToArray();
        foreach (var (id, tables) in entries)
        {
            var idx = tables.Select(floor.IndexOf).Order().ToArray();
            if (idx.Any(i => i < 0) || !floor.Candidates.Any(c => c.Indexes.SequenceEqual(idx) && c.Fits(byId[id].Party))) return false;
            if (before.TryGetValue(id, out var old) && !movable(byId[id]) && !old.Order().SequenceEqual(tables.Order())) return false;
        }
        for (var a = 0; a < entries.Length; a++)
            for (var b = a + 1; b < entries.Length; b++)
            {
                var (ra, rb) = (byId[entries[a].Key], byId[entries[b].Key]);
                if (ra.StartMinute < rb.EndMinute && rb.StartMinute < ra.EndMinute && entries[a].Value.Intersect(entries[b].Value).Any()) return false;
            }
        return true;
    }
}

/// <summary>
/// FCFS-exact, the reference of the quality benchmark: the same arrival sequence, each request
/// accepted iff CP-SAT finds an arrangement of everything accepted so far plus it (seated and
/// frozen bookings fixed), and the arrangement it finds becomes the floor. The best any policy can
/// do under the product's admission rule.
/// </summary>
public static class FcfsExact
{
    public static OnlineResult Run(FloorPlan plan, IReadOnlyList<Request> ordered, bool realTime, double seconds)
    {
        var byId = ordered.ToDictionary(r => r.Id);
        var seated = new Dictionary<int, Guid[]>();
        var moves = 0;
        var latencies = new List<double>(ordered.Count);
        var stopwatch = new System.Diagnostics.Stopwatch();
        foreach (var request in ordered)
        {
            bool Movable(Request other) => !realTime || other.StartMinute > request.ArrivalMinute + Demand.FreezeMinutes;
            stopwatch.Restart();
            var (arrangement, _) = ExactCheck.Decide(plan, seated, byId, request, Movable, seconds);
            latencies.Add(stopwatch.Elapsed.TotalMicroseconds);
            if (arrangement is null) continue;
            foreach (var (id, tables) in arrangement)
                if (id != request.Id && seated.TryGetValue(id, out var before) && !before.Order().SequenceEqual(tables.Order())) moves++;
            seated.Clear();
            foreach (var (id, tables) in arrangement) seated[id] = tables;
        }
        return new OnlineResult(new Schedule(seated), moves, latencies);
    }
}
