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
    private readonly ConcurrentDictionary<(Guid Restaurant, DateOnly Day), DateTimeOffset> _lastRefusal = new();
    private long _refusals;

    public void Refused(RestaurantModel r, DateTimeOffset startsAt)
    {
        var now = time.GetUtcNow();
        _lastRefusal[(r.Id, r.Rules.ServiceDate(startsAt))] = now;
        if (Interlocked.Increment(ref _refusals) % PruneEvery != 0) return; // Count would take every lock
        foreach (var (day, at) in _lastRefusal)
            if (now - at > Window) _lastRefusal.TryRemove(day, out _);
    }

    public bool Lately(RestaurantModel r, DateTimeOffset startsAt) =>
        _lastRefusal.TryGetValue((r.Id, r.Rules.ServiceDate(startsAt)), out var at) && time.GetUtcNow() - at <= Window;
}
