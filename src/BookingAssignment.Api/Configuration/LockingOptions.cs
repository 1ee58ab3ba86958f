using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

internal sealed class LockingOptions
{
    public const string Section = "Locking";
    /// <summary>Independent Redis servers for the RedLock quorum; empty = ConnectionStrings:Redis.</summary>
    public string[] RedisEndpoints { get; set; } = [];
    [Range(100, 60_000)] public int ExpiryMs { get; set; } = 10_000;
    [Range(0, 30_000)] public int WaitMs { get; set; } = 1_500;
    [Range(10, 5_000)] public int RetryMs { get; set; } = 25;
    /// <summary>How long connecting to one lock server may take; a dead server must not hold up the start or a lock.</summary>
    [Range(10, 10_000)] public int NodeConnectTimeoutMs { get; set; } = 250;
    /// <summary>
    /// How long one lock command on one server may take. RedLock waits for every server's answer, so
    /// this bounds what a hung server costs each acquisition; it must stay well below <see cref="WaitMs"/>.
    /// </summary>
    [Range(10, 10_000)] public int NodeOperationTimeoutMs { get; set; } = 100;

    public static IEnumerable<string> Problems(LockingOptions o)
    {
        if (o.WaitMs > 0 && o.NodeOperationTimeoutMs > o.WaitMs)
            yield return $"{Section}:NodeOperationTimeoutMs ({o.NodeOperationTimeoutMs}) must not exceed {Section}:WaitMs ({o.WaitMs}).";
        foreach (var endpoint in o.RedisEndpoints)
            if (string.IsNullOrWhiteSpace(endpoint)) yield return $"{Section}:RedisEndpoints has an empty entry.";
    }
}
