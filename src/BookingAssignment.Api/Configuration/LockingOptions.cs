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
}
