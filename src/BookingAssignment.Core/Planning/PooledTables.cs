namespace BookingAssignment.Core.Planning;

/// <summary>
/// Which tables <see cref="CpSatSearch"/> may count instead of naming. A pool is a set of identical
/// tables any <c>m</c> of which seat a party that needs <c>m</c>: the lone tables of one kind
/// (ten two-tops that join nothing), or one group whose tables are all alike and every subset of
/// which, of a size the floor combines, is a candidate (a joinable pair). For a pool, "at every
/// instant the bookings on it need at most its size" is exact: windows are intervals, so the
/// bookings can then be given tables by a sweep in start order (<see cref="Assign"/>).
/// A table an immovable booking holds is never pooled: its availability changes over time.
/// </summary>
internal sealed class PooledTables
{
    /// <summary>Pool of each table, or −1 when the model names its tables.</summary>
    public int[] PoolOf { get; }

    /// <summary>Copies of multi-table groups share one pool: the model is a relaxation.</summary>
    public bool Merged { get; }

    /// <summary>Tables of each pool.</summary>
    public List<UInt128> Pools { get; } = [];

    /// <summary>Kind of each pool (<see cref="InterchangeableGroups.Kind"/>): pools of one kind are copies of each other.</summary>
    public List<int> Kind { get; } = [];

    private readonly List<List<int[]>> _groups = [];

    /// <param name="merged">
    /// Also count copies of one group (twelve joinable pairs) as one pool of all their tables. That
    /// is a relaxation, not exact: a pair booking needs both tables of one pair, which the count
    /// does not see. Its "no" is a proof (any arrangement would satisfy the counts); its "yes" is not.
    /// </param>
    public PooledTables(SweepProblem p, bool merged = false)
    {
        Merged = merged;
        PoolOf = Enumerable.Repeat(-1, p.Tables).ToArray();
        var held = UInt128.Zero;
        foreach (var m in p.FixedMask) held |= m;
        var groups = p.Groups;
        var lone = new Dictionary<int, int>(); // kind of lone tables -> pool
        for (var g = 0; g < groups.Members.Length; g++)
        {
            var members = groups.Members[g];
            var mask = InterchangeableGroups.Mask(members);
            if ((mask & held) != 0 || !Uniform(p, members, mask)) continue;
            int pool;
            var counted = members.Length == 1 || merged;
            if (counted && lone.TryGetValue(groups.Kind[g], out var known)) pool = known;
            else
            {
                pool = Pools.Count;
                Pools.Add(UInt128.Zero);
                if (counted) lone[groups.Kind[g]] = pool;
            }
            Pools[pool] |= mask;
            if (pool == _groups.Count)
            {
                _groups.Add([]);
                Kind.Add(groups.Kind[g]);
            }
            _groups[pool].Add(members);
            foreach (var t in members) PoolOf[t] = pool;
        }
    }

    /// <summary>All tables in one interchangeable class, and for every size the floor combines, every subset of that size a candidate.</summary>
    private static bool Uniform(SweepProblem p, int[] members, UInt128 mask)
    {
        if (members.Any(t => p.FloorClasses[t] != p.FloorClasses[members[0]])) return false;
        var bySize = new Dictionary<int, int>();
        for (var s = 0; s < p.Sets.Count; s++)
            if ((p.SetMask[s] & mask) != 0) bySize[p.Sets[s].Count] = bySize.GetValueOrDefault(p.Sets[s].Count) + 1;
        return bySize.All(kv => kv.Value == Choose(members.Length, kv.Key));
    }

    private static long Choose(int n, int k)
    {
        long c = 1;
        for (var i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }

    /// <summary>
    /// Tables for the bookings a solution put on one pool, in start order (larger needs first at one
    /// start). Each takes free tables in the group with the fewest free that still has enough (best
    /// fit: whole pairs stay free for the parties that need both). For a pool of lone tables, or a
    /// single group, the counts guarantee this succeeds; for merged copies it may not. Null then.
    /// </summary>
    public Dictionary<int, UInt128>? Assign(int pool, IEnumerable<(int Var, int Need)> bookings, SweepProblem p)
    {
        var freeAt = new long[p.Tables];
        Array.Fill(freeAt, long.MinValue);
        var result = new Dictionary<int, UInt128>();
        foreach (var (v, need) in bookings.OrderBy(b => p.Start[b.Var]).ThenByDescending(b => b.Need).ThenBy(b => b.Var))
        {
            int[]? best = null;
            foreach (var members in _groups[pool])
            {
                var free = members.Where(t => freeAt[t] <= p.Start[v]).ToArray();
                if (free.Length >= need && (best is null || free.Length < best.Length)) best = free;
            }
            if (best is null) return null;
            var mask = UInt128.Zero;
            foreach (var t in best.Take(need))
            {
                freeAt[t] = p.End[v];
                mask |= UInt128.One << t;
            }
            result[v] = mask;
        }
        return result;
    }
}
