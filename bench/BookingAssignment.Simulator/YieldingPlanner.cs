using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;
using BookingAssignment.Core.Yield;

namespace BookingAssignment.Simulator;

/// <summary>
/// The product's opt-in yield setting as the simulator runs it: exact admission, then
/// <see cref="YieldRule"/> with a forecast learnt from other nights of the same restaurant
/// (<see cref="History"/>). May decline a request some arrangement could seat; that is its purpose.
/// </summary>
public sealed class YieldingPlanner(ExactPlanner inner, DemandForecast forecast) : IArrangementSolver, IAssignmentPlanner, IArrivalAware
{
    public DateTimeOffset Now { get; set; }

    public ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        var decision = inner.Decide(floor, occupied, request);
        if (decision is not ArrangementDecision.Feasible feasible) return decision;
        var upcoming = forecast.StillToCome(Now, History.StartOn, party => TimeSpan.FromMinutes(Demand.HeldMinutes(party)));
        return YieldRule.Judge(floor, occupied, request, feasible.Plan.TableIds, upcoming).Accept
            ? decision
            : new ArrangementDecision.Infeasible("held_for_larger_parties");
    }

    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) =>
        (Decide(floor, occupied, request) as ArrangementDecision.Feasible)?.Plan;
}

/// <summary>A planner that needs to know when the request arrives (the simulator sets it before each call).</summary>
public interface IArrivalAware
{
    DateTimeOffset Now { set; }
}

/// <summary>A restaurant's history in the simulator: other nights of the same floor, mix and load (other seeds), every request of them.</summary>
public static class History
{
    public static DateTimeOffset StartOn(TimeOnly start) => new DateTimeOffset(OnlineRun.Doors.Date, TimeSpan.Zero) + start.ToTimeSpan();

    public static DemandForecast Learn(FloorPlan floor, PartyMix mix, double load, int seed, int nights)
    {
        var past = new List<PastRequest>();
        for (var n = 1; n <= nights; n++)
            foreach (var r in Demand.Night(new Random(seed + 7_919 * n), floor.Seats, mix, load))
                past.Add(new PastRequest(r.Party, TimeOnly.FromDateTime(OnlineRun.Doors.AddMinutes(r.StartMinute).UtcDateTime), TimeSpan.FromMinutes(r.LeadMinutes)));
        return DemandForecast.Learn(past, nights);
    }
}
