using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

internal sealed class HttpRateLimitOptions
{
    public const string Section = "RateLimiting";
    /// <summary>Token bucket per API key: burst size and tokens added per second.</summary>
    [Range(1, 1_000_000)] public int TokenLimit { get; set; } = 2000;
    [Range(1, 1_000_000)] public int TokensPerSecond { get; set; } = 1000;
}
