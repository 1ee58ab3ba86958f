using System.ComponentModel.DataAnnotations;
using System.Globalization;

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

    /// <summary>Percentage phases: bookings each of the V3 and legacy cohorts needs before they are compared.</summary>
    [Range(1, 1_000_000)] public int CohortMinBookings { get; set; } = 50;
    /// <summary>V3 cohort confirmation rate may be at most this many points below legacy's.</summary>
    [Range(0, 100)] public double CohortConfirmationMarginPoints { get; set; } = 2;
    /// <summary>V3 cohort manual-review share may be at most this many points above legacy's.</summary>
    [Range(0, 100)] public double CohortManualReviewMarginPoints { get; set; } = 2;
    /// <summary>V3 cohort assignment p95 may be at most this many ms above legacy's.</summary>
    [Range(0, 600_000)] public double CohortAssignmentP95MarginMs { get; set; } = 250;

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
