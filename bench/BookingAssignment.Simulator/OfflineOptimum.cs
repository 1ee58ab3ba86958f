using Google.OrTools.Sat;

namespace BookingAssignment.Simulator;

public sealed record OptimumResult(Schedule Schedule, int Covers, double Bound, bool Proved, string Status);

/// <summary>
/// The hindsight optimum of a night with CP-SAT: choose which requests to seat and where, to
/// maximise covers, under the same rules as the planners (candidate table sets that fit the party,
/// no table held twice at once).
/// <para>
/// Two reductions keep it exact but small. Requests with the same party size and start are
/// interchangeable, so they form one group with a count (y[g,c] = 1 when one of them takes set c).
/// Only minimal fitting sets are offered: a set with a fitting strict subset is never needed,
/// because the subset frees more tables. Overlap is checked at each start time, which suffices
/// for half-open intervals that all begin on the grid.
/// </para>
/// </summary>
public static class OfflineOptimum
{
    public static OptimumResult Solve(FloorPlan plan, IReadOnlyList<Request> requests, Schedule? hint, double timeLimitSeconds, int workers)
    {
        var floor = plan.Floor;
        var candidates = floor.Candidates;
        var minimalByParty = new Dictionary<int, List<int>>();
        List<int> Minimal(int party)
        {
            if (minimalByParty.TryGetValue(party, out var list)) return list;
            var fitting = Enumerable.Range(0, candidates.Count).Where(c => candidates[c].Fits(party)).ToList();
            var keys = fitting.Select(c => candidates[c].Indexes.ToHashSet()).ToList();
            list = fitting.Where((c, i) => !keys.Where((k, j) => j != i && k.Count < keys[i].Count).Any(k => k.IsSubsetOf(keys[i]))).ToList();
            minimalByParty[party] = list;
            return list;
        }

        var groups = requests.GroupBy(r => (r.Party, r.StartMinute)).OrderBy(g => g.Key).Select(g => g.OrderBy(r => r.Id).ToList()).ToList();
        var model = new CpModel();
        var vars = new List<(int Group, int Set, BoolVar Var)>();
        var objectiveVars = new List<IntVar>();
        var objectiveCoefficients = new List<long>();
        var byTableAndTime = new Dictionary<(int Table, int Minute), List<IntVar>>();
        var starts = requests.Select(r => r.StartMinute).Distinct().Order().ToArray();

        var setKey = candidates.Select((c, i) => (Key: string.Join(',', c.Indexes), i)).ToDictionary(x => x.Key, x => x.i);
        var hinted = new HashSet<(int Group, int Set)>();
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups[g];
            var first = members[0];
            var groupVars = new List<IntVar>();
            foreach (var c in Minimal(first.Party))
            {
                var v = model.NewBoolVar($"y_{g}_{c}");
                vars.Add((g, c, v));
                groupVars.Add(v);
                objectiveVars.Add(v);
                objectiveCoefficients.Add(first.Party);
                foreach (var t in candidates[c].Indexes)
                    foreach (var minute in starts)
                    {
                        if (minute < first.StartMinute || minute >= first.EndMinute) continue;
                        if (!byTableAndTime.TryGetValue((t, minute), out var list)) byTableAndTime[(t, minute)] = list = [];
                        list.Add(v);
                    }
            }
            if (groupVars.Count > members.Count) model.Add(LinearExpr.Sum(groupVars) <= members.Count);
            if (hint is null) continue;
            foreach (var member in members)
                if (hint.Tables.TryGetValue(member.Id, out var ids))
                {
                    var key = string.Join(',', ids.Select(floor.IndexOf).Order());
                    if (setKey.TryGetValue(key, out var c)) hinted.Add((g, c));
                }
        }
        foreach (var list in byTableAndTime.Values)
            if (list.Count > 1) model.Add(LinearExpr.Sum(list) <= 1);
        model.Maximize(LinearExpr.WeightedSum(objectiveVars, objectiveCoefficients));
        if (hint is not null)
            foreach (var (g, c, v) in vars) model.AddHint(v, hinted.Contains((g, c)) ? 1 : 0);

        var solver = new CpSolver
        {
            StringParameters = $"max_time_in_seconds:{timeLimitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} num_workers:{workers} random_seed:7",
        };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            // No solution within the limit: the best online schedule is the incumbent, and no bound is known.
            var fallback = hint ?? new Schedule(new Dictionary<int, Guid[]>());
            return new OptimumResult(fallback, fallback.Covers(requests), double.NaN, false, status.ToString());
        }

        var seated = new Dictionary<int, Guid[]>();
        var nextMember = new int[groups.Count];
        foreach (var (g, c, v) in vars)
        {
            if (!solver.BooleanValue(v)) continue;
            var request = groups[g][nextMember[g]++];
            seated[request.Id] = candidates[c].Indexes.Select(i => floor.Tables[i].Id).ToArray();
        }
        var schedule = new Schedule(seated);
        return new OptimumResult(schedule, schedule.Covers(requests), solver.BestObjectiveBound, status == CpSolverStatus.Optimal, status.ToString());
    }
}
