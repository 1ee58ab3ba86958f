using System.Runtime.CompilerServices;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Conflict repair: a local search that starts from the evening as it stands (every movable booking
/// on its current tables, the new party and the waiting bookings without any) and seats whoever has
/// no tables on the set that displaces the fewest others, who then look for tables in turn — an
/// ejection chain, with a short tabu on going straight back so that it does not cycle. It finds
/// arrangements that the depth-first sweep misses on a nearly full evening (the sweep commits to the
/// early bookings' tables and rarely revisits them), in a few milliseconds where CP-SAT's exact model
/// needs up to seconds. It never proves that none exists: that is left to the relaxation and CP-SAT.
/// Deterministic for a seed.
/// </summary>
internal sealed class RepairSearch
{
    private readonly SweepProblem _p;
    private readonly Random _random;
    private readonly int[] _at; // a booking's place: its position in its domain (-1: no tables)
    private readonly int[] _offset; // tabu is per booking and position
    private readonly long[] _tabuUntil;
    private readonly int[] _weight;
    private readonly int[] _held; // per table: the weight of the bookings beside the one being placed that hold it
    private readonly List<int> _homeless = [];
    private readonly List<int> _best = [];
    private readonly bool _hopeless;
    private long _step;

    public RepairSearch(SweepProblem p, int seed = 7)
    {
        _p = p;
        var n = p.Domain.Length;
#pragma warning disable RS0030 // a seeded generator local to one decision (never shared across threads): the same evening gets the same answer
        _random = new Random(seed);
#pragma warning restore RS0030
        _hopeless = p.Domain.Any(d => d.Length == 0);
        _at = new int[n];
        _offset = new int[n + 1];
        for (var v = 0; v < n; v++) _offset[v + 1] = _offset[v] + p.Domain[v].Length;
        _tabuUntil = new long[_offset[n]];
        _weight = new int[n];
        _held = new int[p.Tables];
        for (var v = 0; v < n; v++)
        {
            _weight[v] = v == 0 ? 1000 : 2;
            var home = p.Current[v] >= 0 ? Array.IndexOf(p.Domain[v], p.Current[v]) : -1;
            _at[v] = home >= 0 && !Clashes(v, p.Domain[v][home], upTo: v) ? home : -1;
            if (_at[v] < 0) _homeless.Add(v);
        }
    }

    /// <summary>
    /// Searches on from where the last call stopped: an arrangement (set per variable), or null when
    /// none was found before <paramref name="deadline"/> (on the decision's clock).
    /// </summary>
    // Hot: compiled optimized from its first call, as the rest of the search (see Sweep.Step).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[]? Continue(DecisionClock clock, TimeSpan deadline)
    {
        if (_hopeless) return null;
        var p = _p;
        while (_homeless.Count > 0)
        {
            if ((_step & 63) == 0 && clock.Elapsed >= deadline) return null;
            _step++;
            var pick = _random.Next(_homeless.Count);
            var v = _homeless[pick];
            _homeless[pick] = _homeless[^1];
            _homeless.RemoveAt(_homeless.Count - 1);
            var domain = p.Domain[v];
            var k = _random.Next(20) == 0 ? _random.Next(domain.Length) : Cheapest(v); // now and then a random step, out of a local minimum
            var mask = p.SetMask[domain[k]];
            foreach (var u in p.Neighbours[v])
            {
                if (_at[u] < 0 || (p.SetMask[p.Domain[u][_at[u]]] & mask) == 0) continue;
                _tabuUntil[_offset[u] + _at[u]] = _step + 4 + _random.Next(8);
                _weight[u]++; // breakout: a booking displaced again and again gets harder to displace
                _at[u] = -1;
                _homeless.Add(u);
            }
            _at[v] = k;
        }
        var result = new int[_at.Length];
        for (var v = 0; v < result.Length; v++) result[v] = p.Domain[v][_at[v]];
        // The independent re-check: no two overlapping windows share a table.
        for (var v = 0; v < result.Length; v++)
            foreach (var u in p.Neighbours[v])
                if ((p.SetMask[result[u]] & p.SetMask[result[v]]) != 0) return null;
        return result;
    }

    /// <summary>
    /// The position in <paramref name="v"/>'s domain that displaces least: the weights of the bookings
    /// holding its tables (2 at first, one more each time a booking is displaced; 1,000 for the new
    /// party), plus one for leaving the current tables. A position left a moment ago is tabu unless it
    /// displaces nobody. Ties are broken at random.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Cheapest(int v)
    {
        var p = _p;
        foreach (var u in p.Neighbours[v])
            if (_at[u] >= 0)
                for (var rest = p.SetMask[p.Domain[u][_at[u]]]; rest != 0; rest &= rest - 1) _held[(int)UInt128.TrailingZeroCount(rest)] += _weight[u];
        _best.Clear();
        var bestCost = int.MaxValue;
        var domain = p.Domain[v];
        for (var k = 0; k < domain.Length; k++)
        {
            var cost = 0;
            for (var rest = p.SetMask[domain[k]]; rest != 0; rest &= rest - 1) cost += _held[(int)UInt128.TrailingZeroCount(rest)];
            if (cost > 0 && _tabuUntil[_offset[v] + k] > _step) continue;
            if (domain[k] != p.Current[v]) cost++;
            if (cost < bestCost) { bestCost = cost; _best.Clear(); }
            if (cost == bestCost) _best.Add(k);
        }
        foreach (var u in p.Neighbours[v])
            if (_at[u] >= 0)
                for (var rest = p.SetMask[p.Domain[u][_at[u]]]; rest != 0; rest &= rest - 1) _held[(int)UInt128.TrailingZeroCount(rest)] = 0;
        return _best.Count > 0 ? _best[_random.Next(_best.Count)] : _random.Next(domain.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Clashes(int v, int s, int upTo)
    {
        foreach (var u in _p.Neighbours[v])
            if (u < upTo && _at[u] >= 0 && (_p.SetMask[_p.Domain[u][_at[u]]] & _p.SetMask[s]) != 0) return true;
        return false;
    }
}
