using System.Collections.Concurrent;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The restaurant days (restaurant and service date) that refused a V3 request in the last few
/// seconds, in this instance: where a drop or a sold-out evening is under way, a new request is first
/// checked against the committed day without the locks (<see cref="AssignmentRun.RefuseUnlockedAsync"/>).
/// </summary>
internal sealed class RefusingDays(TimeProvider time)
{
    /// <summary>How long one refusal keeps its day on the unlocked path.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const int PruneEvery = 4_096;
    private readonly ConcurrentDictionary<(Guid Restaurant, DateOnly Day), (DateTimeOffset At, long Number)> _lastRefusal = new();
    private long _refusals;

    public void Refused(RestaurantModel r, DateTimeOffset startsAt)
    {
        var now = time.GetUtcNow();
        var number = Interlocked.Increment(ref _refusals);
        _lastRefusal[(r.Id, r.Rules.ServiceDate(startsAt))] = (now, number);
        if (number % PruneEvery != 0) return; // Count would take every lock
        foreach (var (day, last) in _lastRefusal)
            if (now - last.At > Window) _lastRefusal.TryRemove(day, out _);
    }

    public bool Lately(RestaurantModel r, DateTimeOffset startsAt) => Last(r, startsAt) is not null;

    /// <summary>The day's latest refusal in the window, numbered in this instance's order (a larger number is a later refusal); null if none.</summary>
    public long? Last(RestaurantModel r, DateTimeOffset startsAt) =>
        _lastRefusal.TryGetValue((r.Id, r.Rules.ServiceDate(startsAt)), out var last) && time.GetUtcNow() - last.At <= Window ? last.Number : null;
}
