using System.Runtime.CompilerServices;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// A necessary condition at one instant: the bookings not yet placed that are in progress then
/// each need a table of their own, among the tables they could still use. If no matching gives
/// every one of them a distinct table, no arrangement exists below this node. (A relaxation: a
/// booking that needs joined tables is given just one of them.) Kuhn's augmenting paths on
/// table bitmasks; the problem is small (the bookings at one instant).
/// </summary>
internal sealed class InstantMatching(int tables)
{
    private readonly int[] _holder = new int[tables];
    private UInt128[] _usable = [];
    private int _count;

    /// <param name="usable">Per booking in progress, the tables it could still take.</param>
    // Hot: compiled optimized from its first call, as the rest of the search (see Sweep.Step).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool EveryoneGetsATable(ReadOnlySpan<UInt128> usable)
    {
        _count = usable.Length;
        // Each with at least as many options as there are bookings: taking them one by one never gets stuck.
        var roomy = true;
        foreach (var options in usable)
            if ((int)UInt128.PopCount(options) < _count) { roomy = false; break; }
        if (roomy) return true;
        if (_usable.Length < _count) _usable = new UInt128[Math.Max(_count, 2 * _usable.Length)];
        usable.CopyTo(_usable);
        Array.Fill(_holder, -1);
        for (var b = 0; b < _count; b++)
        {
            var visited = UInt128.Zero;
            if (!Augment(b, ref visited)) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Augment(int booking, ref UInt128 visited)
    {
        var options = _usable[booking] & ~visited;
        while (options != 0)
        {
            var t = (int)UInt128.TrailingZeroCount(options);
            var bit = UInt128.One << t;
            options &= ~bit;
            visited |= bit;
            if (_holder[t] < 0 || Augment(_holder[t], ref visited))
            {
                _holder[t] = booking;
                return true;
            }
        }
        return false;
    }
}
