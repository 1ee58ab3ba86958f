using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The complete search behind <see cref="ExactPlanner"/>. Variables are the new party and every
/// booking that may take other tables — movable bookings on known tables and admitted bookings
/// still waiting for tables — in the new party's component of the overlap graph (bookings outside
/// it cannot interact with it). Immovable bookings are constraints. This type builds the problem
/// (domains: current tables first, the new party's best-scored sets first) and turns the answer
/// into a plan; <see cref="Sweep"/> searches it: first any arrangement (proving feasibility), then
/// ones with fewer moves, so the answer moves as few bookings as the move budget can prove.
/// </summary>
internal sealed class ArrangementSearch
{
    private const int NewParty = 0;
    private readonly Floor _floor;
    private readonly PlanRequest _request;
    private readonly ExactPlannerOptions _options;
    private readonly IReadOnlyList<TableSet> _sets;
    private readonly UInt128[] _setMask;
    private readonly bool _tooLarge;

    // Variables: 0 is the new party, then the component's movable and waiting bookings, in start order.
    private readonly List<Occupancy?> _vars = [];
    private int[][] _domain = [];
    private int[][] _neighbours = [];
    private int[] _current = [];
    private int[] _order = [];

    private long[] _start = [];
    private long[] _end = [];
    private UInt128[] _fixedMask = [];
    private readonly DecisionClock _clock;
    private readonly TimeSpan _deadline;

    /// <param name="clock">Started when the decision started: the budget covers the whole decision, not only the search.</param>
    public ArrangementSearch(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request, ExactPlannerOptions options, DecisionClock clock)
    {
        _clock = clock;
        // Stop a little before the budget: building the answer and returning it must fit inside it too.
        _deadline = options.Budget * 0.95;
        _floor = floor;
        _request = request;
        _options = options;
        _sets = floor.Candidates;
        _tooLarge = floor.Tables.Count > 128;
        _setMask = new UInt128[_sets.Count];
        if (_tooLarge) return;
        for (var s = 0; s < _sets.Count; s++)
            foreach (var t in _sets[s].Indexes) _setMask[s] |= UInt128.One << t;
        Classify(occupied);
    }

    /// <summary>
    /// The problem in index terms, for a search whose bookings are all in progress at one instant
    /// (every pair overlaps, so their windows no longer matter): the new party, the parties that may
    /// take any tables, and the tables the others hold. Equal keys on floors of equal shape are
    /// the same problem.
    /// </summary>
    public string InstantKey() =>
        $"{_request.PartySize}|{string.Join(',', _vars.Skip(1).Select(o => o!.PartySize).Order())}|{string.Join(',', _fixed.Select(f => f.Mask).Order())}";

    /// <summary>True when an admitted booking without tables shares the new party's component.</summary>
    public bool HasWaitingBookings { get; private set; }

    /// <param name="feasibilityOnly">Stop at the first arrangement found (its moves are not minimised).</param>
    /// <param name="cpSat">Hand what the sweep cannot settle to CP-SAT; without it, that is out of budget. Either way
    /// the sweep stops at <see cref="ExactPlannerOptions.SweepBudget"/> on the decision's clock: the instants
    /// (<c>cpSat: false</c>) and the evening's sweep share it, so a hard instant cannot eat the budget CP-SAT needs.</param>
    public ArrangementDecision Run(bool feasibilityOnly = false, bool cpSat = true)
    {
        if (_tooLarge) return new ArrangementDecision.BudgetExhausted(); // beyond the bitmask: no proof either way
        BuildDomains();
        if (_domain[NewParty].Length == 0) return new ArrangementDecision.Infeasible("no_free_table");

        var problem = Problem();
        var sweep = new Sweep(problem, _options.NodeBudget, _clock, _options.SweepBudget < _deadline ? _options.SweepBudget : _deadline);
        var any = sweep.Solve(int.MaxValue);
        if (any is null && sweep.OutOfBudget && cpSat)
        {
            // The sweep could not settle it in its share. Conflict repair looks for an arrangement in its
            // own (a nearly full evening that fits); then CP-SAT gets the rest of the budget, when its
            // model is small enough to pay; otherwise the sweep does (keeping the failed states it learnt).
            var share = _clock.Elapsed + _options.RepairBudget;
            var repair = _options.RepairBudget > TimeSpan.Zero ? new RepairSearch(problem) : null;
            if (repair?.Continue(_clock, share < _deadline ? share : _deadline) is { } repaired)
                return new ArrangementDecision.Feasible(ToPlan(feasibilityOnly ? repaired
                    : CpSatSearch.FewerMoves(problem, repaired, _deadline, _options.MoveBudget, _options.CpSatMaxChoices, _clock)));
            if (CpSatSearch.TrySolve(problem, _deadline, feasibilityOnly ? TimeSpan.Zero : _options.MoveBudget, _options.CpSatMaxChoices, _clock, repair,
                    out var found, out var proved))
            {
                if (found is not null) return new ArrangementDecision.Feasible(ToPlan(found));
                return proved ? new ArrangementDecision.Infeasible("no_arrangement") : new ArrangementDecision.BudgetExhausted();
            }
            sweep.Deadline = _deadline;
            any = sweep.Solve(int.MaxValue);
        }
        if (any is null) return sweep.OutOfBudget ? new ArrangementDecision.BudgetExhausted() : new ArrangementDecision.Infeasible("no_arrangement");
        if (feasibilityOnly) return new ArrangementDecision.Feasible(ToPlan(any));
        // Fewer moves, top down: each pass looks for an arrangement with fewer moves than the best so
        // far; the pass that finds none proves the best minimal. Fewer moves is a preference, not part
        // of the decision: it gets its own share of the budget, and when that runs out the fewest
        // found so far stand.
        sweep.Deadline = TimeSpan.FromTicks(Math.Min(_deadline.Ticks, (_clock.Elapsed + _options.MoveBudget).Ticks));
        var best = any;
        var bound = Moves(any);
        while (bound > 0 && !sweep.OutOfBudget)
        {
            var fewer = sweep.Solve(bound - 1);
            if (fewer is null) break;
            best = fewer;
            bound = Moves(fewer);
        }
        return new ArrangementDecision.Feasible(ToPlan(best));
    }

    /// <summary>Every CP-SAT stage once on this problem, whatever its answers (<see cref="ExactPlanner.WarmUpCpSat"/>).</summary>
    public void WarmUpCpSat()
    {
        if (_tooLarge) return;
        BuildDomains();
        if (_domain[NewParty].Length > 0) CpSatSearch.WarmUp(Problem(), _clock);
    }

    private SweepProblem Problem() =>
        new(_sets, _setMask, InterchangeableTables.Of(_floor), InterchangeableGroups.Of(_floor), _domain, _neighbours, _current, _fixedMask, _start, _end, _order);

    private readonly List<(Slot During, UInt128 Mask)> _fixed = [];

    /// <summary>Immovable bookings become constraints; the others, in the new party's component, variables.</summary>
    private void Classify(IReadOnlyList<Occupancy> occupied)
    {
        var fixedMasks = _fixed;
        var candidates = new List<Occupancy>();
        foreach (var o in occupied)
        {
            var known = o.TableIds.Select(_floor.IndexOf).ToArray();
            if (o.TableIds.Count == 0)
            {
                // Waiting for tables: must be placed too, unless a person has to decide (not movable: manual review).
                if (o.Movable) candidates.Add(o);
                continue;
            }
            if (o.Movable && known.All(i => i >= 0) && CurrentSet(known) >= 0) candidates.Add(o);
            else
            {
                var mask = UInt128.Zero;
                foreach (var i in known) if (i >= 0) mask |= UInt128.One << i;
                fixedMasks.Add((o.During, mask));
            }
        }

        // The new party's component of the overlap graph, among the bookings that may take other tables.
        var inComponent = new bool[candidates.Count];
        var frontier = new Queue<Slot>([_request.During]);
        while (frontier.Count > 0)
        {
            var slot = frontier.Dequeue();
            for (var i = 0; i < candidates.Count; i++)
                if (!inComponent[i] && candidates[i].During.Overlaps(slot)) { inComponent[i] = true; frontier.Enqueue(candidates[i].During); }
        }
        _vars.Add(null);
        _vars.AddRange(candidates.Where((_, i) => inComponent[i])
            .OrderBy(o => o.During.Start.UtcTicks).ThenBy(o => o.BookingId));
        HasWaitingBookings = _vars.Skip(1).Any(o => o!.TableIds.Count == 0);
    }

    private void BuildDomains()
    {
        var fixedMasks = _fixed;
        var n = _vars.Count;
        // One global order for every booking's sets (fewest tables, fewest seats), current tables moved first.
        var bySize = Enumerable.Range(0, _sets.Count).OrderBy(s => _sets[s].Count).ThenBy(s => _sets[s].MaxCovers).ThenBy(s => s).ToArray();
        _domain = new int[n][];
        _current = new int[n];
        _neighbours = new int[n][];
        _fixedMask = new UInt128[n];
        _start = new long[n];
        _end = new long[n];
        for (var v = 0; v < n; v++)
        {
            var during = During(v);
            _start[v] = during.Start.UtcTicks;
            _end[v] = during.End.UtcTicks;
            var party = v == NewParty ? _request.PartySize : _vars[v]!.PartySize;
            var blockedByFixed = UInt128.Zero;
            foreach (var (slot, mask) in fixedMasks) if (slot.Overlaps(during)) blockedByFixed |= mask;
            _fixedMask[v] = blockedByFixed;
            _current[v] = v == NewParty || _vars[v]!.TableIds.Count == 0 ? -1 : CurrentSet(_vars[v]!.TableIds.Select(_floor.IndexOf).ToArray());
            var domain = new List<int>();
            if (_current[v] >= 0 && (_setMask[_current[v]] & blockedByFixed) == 0) domain.Add(_current[v]);
            // Another booking never needs a set that holds a smaller one it fits (that one is free whenever the
            // larger is): only the new party, whose tables are scored, is offered every set.
            var minimal = v == NewParty ? null : Minimal(party);
            foreach (var s in bySize)
                if (s != _current[v] && _sets[s].Fits(party) && (minimal is null || minimal[s]) && (_setMask[s] & blockedByFixed) == 0) domain.Add(s);
            _domain[v] = v == NewParty
                ? domain.OrderBy(s => TablePlanner.StaticScore(_sets[s], _request, _options.Scoring)).ThenBy(s => s).ToArray()
                : domain.ToArray();
            var neighbours = new List<int>();
            for (var u = 0; u < n; u++) if (u != v && During(u).Overlaps(during)) neighbours.Add(u);
            _neighbours[v] = neighbours.ToArray();
        }
        // Start order, the new party among the others at its own start; at one start, larger parties
        // (fewer sets fit them) first.
        _order = Enumerable.Range(0, n).OrderBy(v => _start[v]).ThenByDescending(Party).ThenBy(v => v).ToArray();
    }

    private readonly Dictionary<int, bool[]> _minimal = [];

    /// <summary>Per set: it fits the party and holds no smaller set that fits it.</summary>
    // Hot: compiled optimized from its first call, as the rest of the search (see Sweep.Step).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool[] Minimal(int party)
    {
        if (_minimal.TryGetValue(party, out var known)) return known;
        var minimal = new bool[_sets.Count];
        for (var s = 0; s < _sets.Count; s++)
        {
            if (!_sets[s].Fits(party)) continue;
            minimal[s] = true;
            for (var t = 0; t < _sets.Count && minimal[s]; t++)
                if (t != s && _sets[t].Fits(party) && _sets[t].Count < _sets[s].Count && (_setMask[t] & ~_setMask[s]) == 0) minimal[s] = false;
        }
        return _minimal[party] = minimal;
    }

    private int Party(int v) => v == NewParty ? _request.PartySize : _vars[v]!.PartySize;

    private Slot During(int v) => v == NewParty ? _request.During : _vars[v]!.During;

    private int CurrentSet(int[] tables)
    {
        var mask = UInt128.Zero;
        foreach (var t in tables) mask |= UInt128.One << t;
        for (var s = 0; s < _sets.Count; s++) if (_setMask[s] == mask) return s;
        return -1;
    }

    /// <summary>A booking on tables leaving them counts as a move; a waiting booking getting its first tables does not.</summary>
    private bool IsMove(int v, int s) => _current[v] >= 0 && s != _current[v];

    private int Moves(int[] assignment) => Enumerable.Range(1, assignment.Length - 1).Count(v => IsMove(v, assignment[v]));

    private TablePlan ToPlan(int[] assignment)
    {
        var chosen = _sets[assignment[NewParty]];
        var moves = new List<Move>();
        for (var v = 1; v < assignment.Length; v++)
            if (IsMove(v, assignment[v]))
                moves.Add(new Move(_vars[v]!.BookingId, _vars[v]!.TableIds, Ids(_sets[assignment[v]])));
        var strategy = moves.Count > 0 ? "reassigned" : chosen.Count == 1 ? "single" : "joined";
        var score = TablePlanner.StaticScore(chosen, _request, _options.Scoring) + _options.Scoring.MoveWeight * moves.Count;
        return new TablePlan(Ids(chosen), strategy, Math.Round(score, 4), moves);
    }

    private Guid[] Ids(TableSet set) => set.Indexes.Select(i => _floor.Tables[i].Id).ToArray();
}
