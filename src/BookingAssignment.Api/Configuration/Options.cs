using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

// One options record per concern, bound from configuration and validated at start.

internal sealed class AuthOptions
{
    public const string Section = "Auth";
    public string[] ClientApiKeys { get; set; } = [];
    public string[] OpsApiKeys { get; set; } = [];
}

internal sealed class DatabaseOptions
{
    public const string Section = "Database";
    public bool MigrateOnStartup { get; set; } = true;
}

internal sealed class BookingOptions
{
    public const string Section = "Bookings";

    /// <summary>How long POST /bookings waits for a terminal outcome before answering 202.</summary>
    [Range(50, 30_000)] public int InlineBudgetMs { get; set; } = 2000;
    [Range(1, 5000)] public int NotesMaxLength { get; set; } = 500;
    /// <summary>How far ahead a booking may be made.</summary>
    [Range(1, 730)] public int MaxDaysAhead { get; set; } = 365;
    /// <summary>Legacy planner: inline attempts and the pause between them.</summary>
    [Range(1, 20)] public int LegacyMaxAttempts { get; set; } = 3;
    [Range(0, 5000)] public int LegacyRetryDelayMs { get; set; } = 25;
    /// <summary>How many alternative start times a 409 no_availability offers.</summary>
    [Range(0, 20)] public int AlternativesCount { get; set; } = 4;
}

internal sealed class HttpRateLimitOptions
{
    public const string Section = "RateLimiting";
    /// <summary>Token bucket per API key: burst size and tokens added per second.</summary>
    [Range(1, 1_000_000)] public int TokenLimit { get; set; } = 2000;
    [Range(1, 1_000_000)] public int TokensPerSecond { get; set; } = 1000;
}

internal sealed class LockingOptions
{
    public const string Section = "Locking";
    /// <summary>Independent Redis servers for the RedLock quorum; empty = ConnectionStrings:Redis.</summary>
    public string[] RedisEndpoints { get; set; } = [];
    [Range(100, 60_000)] public int ExpiryMs { get; set; } = 10_000;
    [Range(0, 30_000)] public int WaitMs { get; set; } = 1_500;
    [Range(10, 5_000)] public int RetryMs { get; set; } = 25;
}
