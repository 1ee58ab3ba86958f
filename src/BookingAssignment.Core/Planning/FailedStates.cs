using System.Runtime.CompilerServices;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Nogoods of the exact search. A state at a depth is, per table, how far into the remaining
/// bookings (in start order) it stays taken; the values of interchangeable tables are sorted, so a
/// state stands for all its permutations. A failed state F, proved with <c>allowed</c> moves still
/// permitted, dooms every state S at the same depth that is at least as constrained (S ≥ F value by
/// value, which after sorting means some permutation of S's tables is busier than F's everywhere)
/// with as many moves permitted or fewer: S's problem is F's with fewer options.
/// Stored states are compared in full, so a hit is a proof: every failed state is looked up exactly,
/// and only the most recent of a depth are scanned for dominance; past its capacity the store stops
/// growing (it forgets, never lies).
/// </summary>
internal sealed class FailedStates(int depths, int capacity = 50_000, int scanLimit = 48)
{
    private readonly List<(int[] State, int Allowed, int Sum)>?[] _byDepth = new List<(int[], int, int)>?[depths];
    // Every failed state, for the exact lookup (the dominance scan only reads the most recent).
    private readonly HashSet<int[]>?[] _exact = new HashSet<int[]>?[depths];
    private int[] _probe = [];
    private int _count;

    // Hot: compiled optimized from its first call, as the rest of the search (see Sweep.Step).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Dooms(int depth, ReadOnlySpan<int> state, int allowed)
    {
        if (_exact[depth] is { } exact && exact.Contains(Keyed(state, allowed, ref _probe))) return true;
        var stored = _byDepth[depth];
        if (stored is null) return false;
        var sum = Sum(state);
        var scanned = 0;
        for (var i = stored.Count - 1; i >= 0 && scanned < scanLimit; i--, scanned++)
        {
            var (failed, permitted, failedSum) = stored[i];
            if (permitted >= allowed && failedSum <= sum && AtLeast(state, failed)) return true;
        }
        return false;
    }

    public void Add(int depth, ReadOnlySpan<int> state, int allowed)
    {
        if (_count >= capacity) return;
        var probe = Array.Empty<int>();
        if ((_exact[depth] ??= new HashSet<int[]>(Content.Instance)).Add(Keyed(state, allowed, ref probe))) _count++;
        var stored = _byDepth[depth] ??= [];
        var sum = Sum(state);
        var copy = state.ToArray();
        // States the new one dooms are no longer needed.
        _count -= stored.RemoveAll(e => e.Allowed <= allowed && e.Sum >= sum && AtLeast(e.State, copy));
        // Only the most recent are scanned: older ones are dropped rather than kept unread.
        if (stored.Count >= scanLimit)
        {
            stored.RemoveAt(0);
            _count--;
        }
        stored.Add((copy, allowed, sum));
        _count++;
    }

    /// <summary>The state with the moves allowed appended, in <paramref name="buffer"/> (reallocated when too short).</summary>
    private static int[] Keyed(ReadOnlySpan<int> state, int allowed, ref int[] buffer)
    {
        if (buffer.Length != state.Length + 1) buffer = new int[state.Length + 1];
        state.CopyTo(buffer);
        buffer[^1] = allowed;
        return buffer;
    }

    private sealed class Content : IEqualityComparer<int[]>
    {
        public static readonly Content Instance = new();
        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
            return hash.ToHashCode();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AtLeast(ReadOnlySpan<int> state, ReadOnlySpan<int> failed)
    {
        for (var i = 0; i < state.Length; i++)
            if (state[i] < failed[i]) return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Sum(ReadOnlySpan<int> state)
    {
        var sum = 0;
        foreach (var v in state) sum += v;
        return sum;
    }
}
