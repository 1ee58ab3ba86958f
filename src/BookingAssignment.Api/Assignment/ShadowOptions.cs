using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Assignment;

internal sealed class ShadowOptions
{
    public const string Section = "Shadow";
    /// <summary>Dry runs in flight per instance; when full, a dry run is skipped and counted.</summary>
    [Range(1, 100)] public int MaxConcurrency { get; set; } = 4;
    [Range(10, 60_000)] public int TimeoutMs { get; set; } = 2_000;
}
