namespace BookingAssignment.Api.Ops;

/// <summary>
/// The seed's metrics for one cohort of a window: the V3 or legacy bookings (by
/// <c>bookings.assignment_pipeline</c>) or the V3 dry runs (<c>shadow.comparison</c> events).
/// </summary>
internal sealed record CohortMetrics
{
    public required string Cohort { get; init; }
    /// <summary>Bookings (dry runs for the shadow cohort).</summary>
    public int Bookings { get; init; }
    public int Confirmed { get; init; }
    public int ManualReview { get; init; }
    public double? ConfirmationPct => Pct(Confirmed, Bookings);
    public double? ManualReviewPct => Pct(ManualReview, Bookings);
    public int AssignmentSamples { get; init; }
    public double? AssignmentP95Ms { get; init; }
    /// <summary>Lock waits; none for legacy and dry runs, which take no Redis lock.</summary>
    public int LockSamples { get; init; }
    public double? LockP95Ms { get; init; }
    /// <summary>coordinator.start / coordinator.error (dry runs: comparisons / candidate errors and timeouts).</summary>
    public int CoordinatorRuns { get; init; }
    public int CoordinatorErrors { get; init; }
    public double? CoordinatorErrorPct => Pct(CoordinatorErrors, CoordinatorRuns);

    private static double? Pct(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 2);
}

/// <summary>
/// The <c>cohorts</c> section of the report: V3, legacy and shadow side by side, and whether V3
/// was compared with legacy (percentage phases only) and how that came out.
/// </summary>
internal sealed record RolloutCohorts(CohortMetrics V3, CohortMetrics Legacy, CohortMetrics Shadow, int MinBookings, string Comparison);
