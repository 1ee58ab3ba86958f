using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The time one decision has spent working: on Linux the CPU time of the thread it runs on (a
/// decision is synchronous, so it stays on one thread), elsewhere a stopwatch. On a loaded machine
/// a thread waits for a core between slices; counting that wait against the budget would turn a
/// busy evening's proofs into "out of budget" (manual review) exactly when they matter most.
/// The search's node budget stays as the deterministic bound beside it.
/// </summary>
internal sealed class DecisionClock
{
    private const int ThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID
    private static readonly bool HasThreadCpuTime = OperatingSystem.IsLinux() && TryRead(out _);
    private readonly long _startNs;
    private readonly Stopwatch? _wall;

    private readonly long _wallStart = Stopwatch.GetTimestamp();

    /// <summary>The most wall time per unit of CPU time <see cref="AtCurrentPace"/> grants: a decision holds the day's lock for at most about its budget times this.</summary>
    private const double MaxPace = 8;

    private DecisionClock()
    {
        if (HasThreadCpuTime && TryRead(out var ns)) _startNs = ns;
        else _wall = Stopwatch.StartNew();
    }

    public static DecisionClock Start() => new();

    /// <summary>
    /// Wall time for <paramref name="work"/> of this clock's time at the pace the decision has had so
    /// far (wall over CPU time, 1 to <see cref="MaxPace"/>): for a solver whose limit is in wall time,
    /// so that waiting for a core does not shorten its work any more than it shortens the sweep's.
    /// </summary>
    public TimeSpan AtCurrentPace(TimeSpan work)
    {
        var spent = Elapsed;
        if (_wall is not null || spent <= TimeSpan.Zero) return work;
        var pace = Stopwatch.GetElapsedTime(_wallStart) / spent;
        return work * Math.Clamp(pace, 1, MaxPace);
    }

    public TimeSpan Elapsed => _wall is { } wall ? wall.Elapsed : TimeSpan.FromTicks((Read() - _startNs) / 100);

    private static long Read() => ClockGetTime(ThreadCpuTime, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds : 0;

    private static bool TryRead(out long nanoseconds)
    {
        nanoseconds = 0;
        try
        {
            nanoseconds = Read();
            return nanoseconds > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // A short call that never blocks: no GC transition needed (much cheaper on the search's hot path).
    [DllImport("libc", EntryPoint = "clock_gettime"), SuppressGCTransition]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);
}
