namespace BookingAssignment.Api.Ops;

/// <summary>The numbers of one window, as read from bookings and observability_events.</summary>
internal sealed record RolloutMetrics
{
    public int Bookings { get; init; }
    public int Confirmed { get; init; }
    public int ManualReview { get; init; }
    /// <summary>shadow.comparison events: how many, and how many live / dry-run outcomes were "confirmed", and agreed.</summary>
    public int ShadowComparisons { get; init; }
    public int ShadowLiveConfirmed { get; init; }
    public int ShadowCandidateConfirmed { get; init; }
    public int ShadowAgreed { get; init; }
    /// <summary>Bookings V3 should have walked in this phase, and how many have transition events.</summary>
    public int ExpectedTransitionBookings { get; init; }
    public int TransitionBookings { get; init; }
    /// <summary>coordinator.start / coordinator.error (live runs; dry runs in shadow phases).</summary>
    public int CoordinatorRuns { get; init; }
    public int CoordinatorErrors { get; init; }
    public int AssignmentSamples { get; init; }
    public double? AssignmentP50Ms { get; init; }
    public double? AssignmentP95Ms { get; init; }
    public int LockSamples { get; init; }
    public double? LockP95Ms { get; init; }
    /// <summary>Longest open spell per breaker in the window, in minutes.</summary>
    public IReadOnlyDictionary<string, double> BreakerOpenMinutes { get; init; } = new Dictionary<string, double>();
    public int StuckBookings { get; init; }
}
