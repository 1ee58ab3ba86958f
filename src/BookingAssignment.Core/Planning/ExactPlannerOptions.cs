namespace BookingAssignment.Core.Planning;

/// <summary>Bounds and scoring of <see cref="ExactPlanner"/>.</summary>
public sealed record ExactPlannerOptions
{
    /// <summary>
    /// Budget of one decision, in the time it spends working (<see cref="DecisionClock"/>: its thread's
    /// CPU time on Linux); past it the answer is <see cref="ArrangementDecision.BudgetExhausted"/>.
    /// </summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Time the search may spend, once an arrangement is found, looking for one with fewer moves
    /// (within <see cref="Budget"/>). When it runs out the plan has the fewest moves found, not
    /// necessarily the fewest possible; the decision itself (seatable or not) is unaffected.
    /// </summary>
    public TimeSpan MoveBudget { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Time the planner's own depth-first search may spend on the whole evening (on the decision's
    /// clock) before the problem goes to CP-SAT for the rest of <see cref="Budget"/> (when it is no
    /// larger than <see cref="CpSatMaxChoices"/>; otherwise the sweep has the whole budget). The sweep
    /// settles nearly every decision in well under a millisecond; the few it cannot are the proofs
    /// that need clause learning.
    /// </summary>
    public TimeSpan SweepBudget { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Time conflict repair (<see cref="RepairSearch"/>) may spend, after the sweep, looking for an
    /// arrangement before CP-SAT is asked (on the decision's clock). It finds the arrangements of nearly
    /// full evenings that the sweep misses in a few milliseconds; it cannot prove that none exists. When
    /// CP-SAT's relaxation then says the evening may fit, repair resumes for most of what is left. Zero:
    /// no repair (CP-SAT alone after the sweep).
    /// </summary>
    public TimeSpan RepairBudget { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>
    /// Largest problem handed to CP-SAT, in choices of its relaxation (booking × named set or pool).
    /// Larger ones cost more than the budget to load and presolve; the sweep then has the whole budget.
    /// </summary>
    public int CpSatMaxChoices { get; init; } = 4_000;

    /// <summary>Search nodes of one decision (a deterministic bound beside the clock).</summary>
    public long NodeBudget { get; init; } = 2_000_000;

    /// <summary>How the new party's tables are scored (the planner's weights); moves are minimised before the score.</summary>
    public TablePlannerOptions Scoring { get; init; } = new() { MaxMoves = 0 };
}
