using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Assignment;

internal sealed class PlannerOptions
{
    public const string Section = "Planner";
    /// <summary>
    /// 0: V3 moves nobody (a request is seated only on tables free as the floor stands). Any other
    /// value: V3's exact admission may rearrange every movable booking (the legacy planner's bounded
    /// search of the same name is used only by the benchmarks).
    /// </summary>
    [Range(0, 5)] public int MaxMoves { get; set; } = 2;
    /// <summary>Bookings starting within this many minutes are never moved.</summary>
    [Range(0, 1440)] public int FreezeMinutes { get; set; } = 60;
    /// <summary>
    /// V3's exact admission (SPEC §4.2), on by default: admitted when some arrangement of the movable
    /// bookings seats the party, 409 when none does, manual review only when the decision ran out of its
    /// budget. Off (the previous behaviour, kept as a switch), V3 admits by the capacity check and plans
    /// with the scored planner (at most MaxMoves moves); a request no table combination fits then goes to
    /// manual review (no_table_combination_free).
    /// </summary>
    public bool ExactAdmission { get; set; } = true;
    /// <summary>Budget of one exact admission decision; past it the booking goes to manual review (planner_budget_exhausted).</summary>
    [Range(1, 5_000)] public int DecisionBudgetMs { get; set; } = 50;
    /// <summary>Budget of the exact decision for each start time offered by availability and in a 409's alternatives.</summary>
    [Range(1, 1_000)] public int AvailabilityBudgetMs { get; set; } = 5;
    /// <summary>
    /// Availability answers from a day it read before while the day's change counters are unchanged
    /// (Assignment/ScheduleCache.cs); off, every answer reads the day afresh. The answers are the same
    /// either way.
    /// </summary>
    public bool RememberDays { get; set; } = true;
    /// <summary>Days of a restaurant's own requests (bookings and refusals) its yield forecast learns from (only restaurants with the yield setting on).</summary>
    [Range(1, 365)] public int YieldHistoryDays { get; set; } = 28;
    /// <summary>How often a restaurant's yield forecast is learnt again.</summary>
    [Range(1, 1440)] public int YieldRefreshMinutes { get; set; } = 60;
}
