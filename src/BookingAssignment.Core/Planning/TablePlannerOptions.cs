namespace BookingAssignment.Core.Planning;

/// <summary>
/// Tuning for <see cref="TablePlanner"/>. The weights are the terms of its score (a cost: lower is
/// better); the defaults were chosen on the service-night simulator (bench/BookingAssignment.Simulator).
/// </summary>
public sealed record TablePlannerOptions
{
    /// <summary>Most other bookings one plan may move to different tables (0 disables reassignment).</summary>
    public int MaxMoves { get; init; } = 2;

    /// <summary>
    /// Cap on table sets examined by the reassignment search for one request, so a hopeless request
    /// on a full floor costs bounded time. Counted, not timed, so plans stay deterministic.
    /// </summary>
    public int MoveSearchBudget { get; init; } = 1000;

    /// <summary>Cost per seat left empty at the chosen tables.</summary>
    public double SpareSeatWeight { get; init; } = 1.0;

    /// <summary>Cost per table beyond the first (joined tables are more work and break up the floor).</summary>
    public double ExtraTableWeight { get; init; } = 1.5;

    /// <summary>
    /// Cost of taking table sets away from other party sizes during the window, scaled by how few
    /// of those remain (see <see cref="TablePlanner"/>). Keeps large and joinable tables free.
    /// </summary>
    public double ScarcityWeight { get; init; } = 0.5;

    /// <summary>Cost of seating a party outside the zone it asked for (the preference is soft).</summary>
    public double ZoneMismatchWeight { get; init; } = 3.0;

    /// <summary>Cost per minute of idle time left between this booking and a neighbour on the same table when the gap is too short to sell.</summary>
    public double DeadGapWeightPerMinute { get; init; } = 0.15;

    /// <summary>Gaps shorter than this (shortest turn plus buffer, rounded to the booking grid) cannot be sold.</summary>
    public int MinUsefulGapMinutes { get; init; } = 60;

    /// <summary>Cost per moved booking, so a plan with fewer moves wins a tie.</summary>
    public double MoveWeight { get; init; } = 5.0;
}
