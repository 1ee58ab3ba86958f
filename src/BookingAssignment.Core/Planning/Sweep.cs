using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>What <see cref="Sweep"/> searches: variable 0 is the new party; windows in ticks (mirrored when swept backwards).</summary>
internal sealed record SweepProblem(
    IReadOnlyList<TableSet> Sets, UInt128[] SetMask, int[] FloorClasses, InterchangeableGroups Groups,
    int[][] Domain, int[][] Neighbours, int[] Current, UInt128[] FixedMask,
    long[] Start, long[] End, int[] Order)
{
    public int Tables => FloorClasses.Length;
}

/// <summary>
/// The depth-first search of <see cref="ArrangementSearch"/>: bookings in start order, each trying
/// its domain (current tables first), with
/// <list type="bullet">
/// <item>forward checking: every unplaced neighbour keeps some free set;</item>
/// <item>look-ahead: at each instant of the placed booking's window, the unplaced bookings then in
/// progress still get a table each (<see cref="InstantMatching"/>);</item>
/// <item>symmetry: sets that lead to the same state up to a permutation of interchangeable tables
/// (<see cref="InterchangeableTables"/>) or of groups that are copies of each other, such as
/// joinable pairs (<see cref="InterchangeableGroups"/>), are tried once per node, and failed states
/// are remembered up to those permutations and dominance (<see cref="CanonicalState"/>, <see cref="FailedStates"/>);</item>
/// <item>with a move bound, the bookings whose current tables are already taken count against it.</item>
/// </list>
/// Placements are recorded per table as the end of the last booking on it: in start order that
/// tells every later booking whether the table is free to it.
/// </summary>
internal sealed class Sweep
{
    private readonly SweepProblem _p;
    private readonly int[][] _domain;
    private readonly int[][] _neighbours;
    private readonly int[] _current;
    private readonly UInt128[] _setMask;
    private readonly UInt128[] _fixedMask;
    private readonly IReadOnlyList<TableSet> _sets;
    private readonly long[] _start;
    private readonly long[] _end;
    private readonly int[] _order;
    private readonly UInt128[] _eligible;
    private readonly int[] _tablesNeeded;
    private readonly UInt128[] _usable;
    private readonly InstantMatching _matching;
    private readonly long _nodeBudget;
    private readonly DecisionClock _clock;

    private int[] _assigned = [];
    private UInt128[] _blocked = [];
    private long[] _busyUntil = [];
    private readonly List<(int Var, UInt128 Mask)> _undo = [];
    private int _forced;
    private long _nodes;
    private int[] _classes = [];
    private CanonicalState? _canonical;
    private int[] _values = [];
    private int[] _base = [];
    private int[] _key = [];
    private int[] _next = [];
    private List<int[]>[] _tried = [];
    private FailedStates _failed = new(0);
    private bool _countedMoves;

    public Sweep(SweepProblem problem, long nodeBudget, DecisionClock clock, TimeSpan deadline)
    {
        _p = problem;
        (_domain, _neighbours, _current, _setMask, _fixedMask, _sets) = (problem.Domain, problem.Neighbours, problem.Current, problem.SetMask, problem.FixedMask, problem.Sets);
        (_start, _end, _order) = (problem.Start, problem.End, problem.Order);
        _nodeBudget = nodeBudget;
        _clock = clock;
        Deadline = deadline;
        var n = _order.Length;
        _eligible = new UInt128[n];
        _tablesNeeded = new int[n];
        for (var v = 0; v < n; v++)
        {
            foreach (var d in _domain[v]) _eligible[v] |= _setMask[d];
            _tablesNeeded[v] = _domain[v].Length == 0 ? 1 : _domain[v].Min(d => _sets[d].Count);
        }
        _usable = new UInt128[_tablesNeeded.Sum()];
        _matching = new InstantMatching(problem.Tables);
    }

    /// <summary>When the search gives up (elapsed on the decision's clock).</summary>
    public TimeSpan Deadline { get; set; }

    /// <summary>The last <see cref="Solve"/> stopped at the deadline or the node budget (nodes count across solves).</summary>
    public bool OutOfBudget { get; private set; }

    // The first pass of each solve skips the look-ahead and stops after a few nodes: most
    // arrangements are found that way, cheaply; proofs of none need the look-ahead.
    private const long QuickPassNodes = 300;
    private bool _lookAhead;
    private long _quickPassEnd;
    private bool _quickPassOver;
    private bool Stopped => OutOfBudget || _quickPassOver;

    /// <summary>One complete arrangement with at most <paramref name="maxMoves"/> moves, or null (none, or out of budget).</summary>
    public int[]? Solve(int maxMoves)
    {
        OutOfBudget = false;
        var n = _order.Length;
        if (_tried.Length != n) _tried = Enumerable.Range(0, n).Select(_ => new List<int[]>()).ToArray();
        _key = new int[_p.Tables];
        _values = new int[_p.Tables];
        _base = new int[_p.Tables];
        _next = new int[_p.Tables + 1];
        // Tables may be permuted only where that keeps every booking's domain, and, when moves are
        // counted, every booking's current tables. Nogoods hold for every pass with the same classes
        // (whether or not it looks ahead: they are facts about states).
        var counted = maxMoves != int.MaxValue;
        if (counted != _countedMoves || _classes.Length == 0)
        {
            var preserved = (counted ? _fixedMask.Concat(_current.Where(c => c >= 0).Select(c => _setMask[c])) : _fixedMask).Distinct().ToArray();
            _classes = InterchangeableTables.Refine(_p.FloorClasses, preserved);
            _canonical = new CanonicalState(_p.Groups, _classes, preserved);
            _failed = new FailedStates(n + 1);
            _countedMoves = counted;
        }
        foreach (var lookAhead in (bool[])[false, true])
        {
            Reset();
            _lookAhead = lookAhead;
            _quickPassOver = false;
            _quickPassEnd = lookAhead ? long.MaxValue : _nodes + QuickPassNodes;
            if (Step(0, 0, maxMoves)) return (int[])_assigned.Clone();
            if (!_quickPassOver) return null; // proved (or out of budget) without needing the second pass
        }
        return null;
    }

    private void Reset()
    {
        var n = _order.Length;
        _assigned = Enumerable.Repeat(-1, n).ToArray();
        _blocked = new UInt128[n];
        _busyUntil = new long[_p.Tables];
        Array.Fill(_busyUntil, long.MinValue);
        _undo.Clear();
        // A booking whose current tables are held by an immovable one must move whatever happens.
        _forced = Enumerable.Range(0, n).Count(v => _current[v] >= 0 && (_setMask[_current[v]] & _fixedMask[v]) != 0);
    }

    // Hot: compiled optimized from its first call. The first drop after a start ran the search in tier 0,
    // at less than half the throughput (docs/benchmarks.md, "the search in tier 0").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Step(int depth, int moves, int maxMoves)
    {
        if (depth == _order.Length) return true;
        if (++_nodes > _nodeBudget || ((_nodes & 3) == 0 && _clock.Elapsed > Deadline)) OutOfBudget = true;
        if (_nodes > _quickPassEnd) _quickPassOver = true;
        if (Stopped) return false;
        // Every booking whose current tables are taken will cost a move: past the bound, give up here.
        if (moves + _forced > maxMoves) return false;
        var v = _order[depth];
        // A failure is stored with the moves still allowed: with as few or fewer allowed, it fails again.
        var allowed = maxMoves == int.MaxValue ? int.MaxValue : maxMoves - moves;
        if (_failed.Dooms(depth, StateKey(depth), allowed)) return false;
        var tried = _tried[depth];
        tried.Clear();
        var last = depth + 1 == _order.Length;
        if (!last) BaseOfNext(depth);
        foreach (var s in _domain[v])
        {
            if ((_setMask[s] & _blocked[v]) != 0) continue;
            var cost = IsMove(v, s) ? 1 : 0;
            if (moves + cost > maxMoves) continue;
            // A set that leads to the same state as one that already failed here, up to a symmetry, fails too.
            int[]? next = null;
            if (!last && Tried(tried, next = NextState(v, s, depth, maxMoves == int.MaxValue ? 0 : cost))) continue;
            next = next?.ToArray(); // the deeper search reuses the buffer
            if (Place(v, s, depth, moves + cost, maxMoves)) return true;
            if (Stopped) return false;
            if (next is not null) tried.Add(next);
        }
        _failed.Add(depth, StateKey(depth), allowed);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Place(int v, int s, int depth, int moves, int maxMoves)
    {
        var tables = _sets[s].Indexes;
        Span<long> previous = stackalloc long[tables.Length];
        for (var i = 0; i < tables.Length; i++) (previous[i], _busyUntil[tables[i]]) = (_busyUntil[tables[i]], Math.Max(_busyUntil[tables[i]], _end[v]));
        var wasForced = IsForced(v);
        if (wasForced) _forced--;
        _assigned[v] = s;
        var mark = _undo.Count;
        var forcedBefore = _forced;
        if (ForwardCheck(v, s) && (!_lookAhead || LooksAhead(depth)) && Step(depth + 1, moves, maxMoves)) return true;
        for (var i = _undo.Count - 1; i >= mark; i--) _blocked[_undo[i].Var] = _undo[i].Mask;
        _undo.RemoveRange(mark, _undo.Count - mark);
        _forced = forcedBefore + (wasForced ? 1 : 0);
        _assigned[v] = -1;
        for (var i = 0; i < tables.Length; i++) _busyUntil[tables[i]] = previous[i];
        return false;
    }

    /// <summary>
    /// After placing the booking at <paramref name="depth"/>: at every instant of its window where a
    /// later booking starts, those then in progress and not yet placed must still get a table each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool LooksAhead(int depth)
    {
        var v = _order[depth];
        var n = _order.Length;
        // Placing v narrows what its unplaced neighbours may take over their whole windows.
        var horizon = _end[v];
        var previous = long.MinValue;
        for (var p = depth + 1; p < n && _start[_order[p]] < horizon; p++)
        {
            var instant = _start[_order[p]];
            if (instant == previous) continue;
            previous = instant;
            var count = 0;
            for (var q = depth + 1; q < n && _start[_order[q]] <= instant; q++)
            {
                var u = _order[q];
                if (_end[u] <= instant) continue;
                // A booking that no single table fits needs that many tables of its own.
                for (var k = 0; k < _tablesNeeded[u]; k++) _usable[count++] = _eligible[u] & ~_blocked[u];
            }
            if (count > 1 && !_matching.EveryoneGetsATable(_usable.AsSpan(0, count))) return false;
        }
        return true;
    }

    /// <summary>An unplaced booking on tables that are no longer free to it: it will have to move.</summary>
    private bool IsForced(int v) => _current[v] >= 0 && (_setMask[_current[v]] & (_blocked[v] | _fixedMask[v])) != 0;

    /// <summary>
    /// What the rest of the search can see of the placements so far, up to the decision's symmetries:
    /// for each table, how many of the remaining bookings (in start order) begin before it is free
    /// again, in canonical order (<see cref="CanonicalState"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<int> StateKey(int depth)
    {
        for (var t = 0; t < _values.Length; t++) _values[t] = Value(depth, _busyUntil[t]);
        _canonical!.Write(_values, _key);
        return _key;
    }

    /// <summary>The state at the next depth before anything is placed here: the base every placement changes a few values of.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BaseOfNext(int depth)
    {
        for (var t = 0; t < _base.Length; t++) _base[t] = Value(depth + 1, _busyUntil[t]);
    }

    private int Value(int depth, long busyUntil) => busyUntil <= _start[_order[depth]] ? 0 : BlockedUpTo(depth, busyUntil) - depth;

    /// <summary>The state after placing v on s (and the move it costs) in <see cref="_next"/>, from <see cref="BaseOfNext"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] NextState(int v, int s, int depth, int cost)
    {
        _base.CopyTo(_values, 0);
        foreach (var t in _sets[s].Indexes) _values[t] = Value(depth + 1, Math.Max(_busyUntil[t], _end[v]));
        _canonical!.Write(_values, _next);
        _next[^1] = cost;
        return _next;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Tried(List<int[]> tried, int[] state)
    {
        foreach (var t in tried) if (t.AsSpan().SequenceEqual(state)) return true;
        return false;
    }

    /// <summary>The first position at or after <paramref name="depth"/> in start order whose booking starts at or after <paramref name="busyUntil"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int BlockedUpTo(int depth, long busyUntil)
    {
        int lo = depth, hi = _order.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_start[_order[mid]] < busyUntil) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Blocks the set for every unassigned neighbour (undoably); false when one of them has no set left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ForwardCheck(int v, int s)
    {
        var ok = true;
        var mask = _setMask[s];
        foreach (var u in _neighbours[v])
        {
            if (_assigned[u] >= 0 || (_blocked[u] & mask) == mask) continue;
            var forced = IsForced(u);
            _undo.Add((u, _blocked[u]));
            _blocked[u] |= mask;
            if (!forced && IsForced(u)) _forced++;
            if (ok && !HasFreeSet(u)) ok = false;
        }
        return ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasFreeSet(int v)
    {
        foreach (var s in _domain[v]) if ((_setMask[s] & _blocked[v]) == 0) return true;
        return false;
    }

    /// <summary>A booking on tables leaving them counts as a move; a waiting booking (or the new party) getting its first tables does not.</summary>
    private bool IsMove(int v, int s) => _current[v] >= 0 && s != _current[v];
}
