namespace BookingAssignment.Core.Planning;

/// <summary>Exponential backoff, capped, with "equal jitter" (half fixed, half random): delay for the n-th retry (n ≥ 1).</summary>
public static class Backoff
{
    public static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan cap, Random random)
    {
        var exponent = Math.Min(Math.Max(retry - 1, 0), 20);
        var ceiling = Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        // Half fixed, half jitter: never zero, never above the cap.
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }
}
