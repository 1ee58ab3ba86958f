using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// Targets of the rollout report (seed "Definition of Done" and rollout plan), bound from the
/// <c>RolloutReport</c> section and validated at start. "Fail" thresholds put the verdict on
/// hold; the "Rollback" ones (worse) ask for the flag to be turned off.
/// </summary>
internal sealed class RolloutReportOptions
{
    public const string Section = "RolloutReport";

    /// <summary>Confirmed share of bookings; below → hold (seed: ≥ 95 %).</summary>
    [Range(0, 100)] public double ConfirmationMinPct { get; set; } = 95;
    /// <summary>"Far below" the target: with V3 live and enough bookings → roll back.</summary>
    [Range(0, 100)] public double RollbackConfirmationBelowPct { get; set; } = 80;
    /// <summary>Manual-review share of bookings must stay below (seed: &lt; 10 %).</summary>
    [Range(0, 100)] public double ManualReviewMaxPct { get; set; } = 10;
    /// <summary>Shadow (V3 dry run) success rate within ± this many points of live (shadow phases).</summary>
    [Range(0, 100)] public double ShadowSuccessTolerancePoints { get; set; } = 5;
    /// <summary>Bookings with transition events within ± this % of the bookings V3 should have walked.</summary>
    [Range(0, 100)] public double TransitionVolumeTolerancePct { get; set; } = 10;
    /// <summary>coordinator.error per coordinator.start must stay below.</summary>
    [Range(0, 100)] public double ErrorRateMaxPct { get; set; } = 1;
    /// <summary>At or above this, with V3 live and enough runs → roll back.</summary>
    [Range(0, 100)] public double RollbackErrorRatePct { get; set; } = 5;
    /// <summary>Assignment latency p95 (ms) must stay below (seed: &lt; 3 s).</summary>
    [Range(1, 600_000)] public double AssignmentP95MaxMs { get; set; } = 3000;
    /// <summary>Lock acquisition p95 (ms) must stay below (seed: &lt; 100 ms).</summary>
    [Range(1, 600_000)] public double LockP95MaxMs { get; set; } = 100;
    /// <summary>No breaker open longer than this; the coordinator breaker longer → roll back.</summary>
    [Range(0, 1440)] public double BreakerOpenMaxMinutes { get; set; } = 5;
    /// <summary>A booking still non-terminal this long after creation is stuck.</summary>
    [Range(1, 1440)] public int StuckAfterMinutes { get; set; } = 10;

    /// <summary>Minimum bookings in the window before a phase can advance (keys: phase names).</summary>
    public Dictionary<string, int> MinBookings { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["local"] = 10,
        ["staging-shadow"] = 100,
        ["staging-full"] = 100,
        ["production-shadow"] = 500,
        ["production-10"] = 200,
        ["production-50"] = 1000,
        ["production-100"] = 2000,
    };

    public int MinBookingsFor(RolloutPhase phase) => MinBookings.TryGetValue(RolloutPhases.Name(phase), out var n) ? n : 100;

    internal static IEnumerable<string> Problems(RolloutReportOptions o)
    {
        foreach (var (key, value) in o.MinBookings)
        {
            if (!RolloutPhases.TryParse(key, out _)) yield return $"{Section}:MinBookings:{key} is not a phase ({string.Join(", ", RolloutPhases.Names)}).";
            else if (value < 1) yield return $"{Section}:MinBookings:{key}={value.ToString(CultureInfo.InvariantCulture)} must be at least 1.";
        }
        if (o.RollbackConfirmationBelowPct > o.ConfirmationMinPct)
            yield return $"{Section}:RollbackConfirmationBelowPct ({o.RollbackConfirmationBelowPct}) must not exceed ConfirmationMinPct ({o.ConfirmationMinPct}).";
        if (o.RollbackErrorRatePct < o.ErrorRateMaxPct)
            yield return $"{Section}:RollbackErrorRatePct ({o.RollbackErrorRatePct}) must not be below ErrorRateMaxPct ({o.ErrorRateMaxPct}).";
    }
}

/// <summary>The rollout plan's phases (seed timeline).</summary>
/// <remarks>Public: test theories take it as a parameter.</remarks>
public enum RolloutPhase { Local, StagingShadow, StagingFull, ProductionShadow, Production10, Production50, Production100 }

internal static class RolloutPhases
{
    private static readonly (RolloutPhase Phase, string Name)[] All =
    [
        (RolloutPhase.Local, "local"), (RolloutPhase.StagingShadow, "staging-shadow"), (RolloutPhase.StagingFull, "staging-full"),
        (RolloutPhase.ProductionShadow, "production-shadow"), (RolloutPhase.Production10, "production-10"),
        (RolloutPhase.Production50, "production-50"), (RolloutPhase.Production100, "production-100"),
    ];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static string Name(RolloutPhase phase) => All.First(p => p.Phase == phase).Name;

    public static bool TryParse(string? text, out RolloutPhase phase)
    {
        foreach (var (p, name) in All)
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase)) { phase = p; return true; }
        phase = default;
        return false;
    }

    /// <summary>V3 runs only as a dry run (legacy assigns).</summary>
    public static bool IsShadow(RolloutPhase phase) => phase is RolloutPhase.StagingShadow or RolloutPhase.ProductionShadow;

    /// <summary>The phase the running flags most likely belong to, when none is given.</summary>
    public static RolloutPhase Infer(PipelineFlags flags) => flags switch
    {
        { V3Enabled: false, Shadow: true } => RolloutPhase.ProductionShadow,
        { V3Enabled: false } => RolloutPhase.Local,
        { Percent: <= 10 } => RolloutPhase.Production10,
        { Percent: <= 50 } => RolloutPhase.Production50,
        _ => RolloutPhase.Production100,
    };
}

/// <summary>Windows like <c>30m</c>, <c>1h</c>, <c>24h</c>, <c>7d</c> (1 minute to 90 days).</summary>
internal static class RolloutWindow
{
    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = default;
        text = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length < 2) return false;
        if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
        window = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return window >= TimeSpan.FromMinutes(1) && window <= TimeSpan.FromDays(90);
    }

    public static string Format(TimeSpan window) =>
        window.TotalHours > 24 && window.TotalDays % 1 == 0 ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0}h"
        : $"{window.TotalMinutes:0}m";
}
