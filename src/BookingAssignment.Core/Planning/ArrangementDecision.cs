using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>The exact admission decision (SPEC §4.2) for one request.</summary>
public abstract record ArrangementDecision
{
    /// <summary>Some arrangement seats everyone: the new party on <see cref="TablePlan.TableIds"/>, with the moves it needs.</summary>
    public sealed record Feasible(TablePlan Plan) : ArrangementDecision;

    /// <summary>Proven: no arrangement of the movable bookings seats the new party beside everyone else.</summary>
    public sealed record Infeasible(string Reason) : ArrangementDecision;

    /// <summary>The search ran out of its budget before it found an arrangement or proved there is none.</summary>
    public sealed record BudgetExhausted : ArrangementDecision;
}

/// <summary>Decides whether a request can be seated, exactly, within a budget.</summary>
public interface IArrangementSolver
{
    ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request);
}
