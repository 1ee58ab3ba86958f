
namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The start times a restaurant can offer a party: V3 restaurants get the exact decision (with its
/// own, smaller budget: a slot whose decision runs out is not offered), legacy ones the capacity
/// check they are admitted by. Availability and a 409's alternatives both come from here, so an
/// offered slot can be booked.
/// </summary>
internal sealed class AvailabilityPlanner(PipelineSelector selector, IOptions<PlannerOptions> options,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner v3Planner, YieldForecasts yields)
{
    private readonly CapacityCheck _capacity = new();
    // Exact answers remembered by the schedule's content and the request: a sold-out evening asked
    // again and again (a drop, every 409's alternatives) is searched once while nothing changes. A
    // slot whose decision ran out is not offered, and remembered so. The capacity check is cheaper
    // than the fingerprint, so it is never remembered.
    private readonly RememberedDecisions _exact = new(
        new ExactPlanner(new ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(options.Value.AvailabilityBudgetMs) }), rememberBudgetExhausted: true);

    /// <summary>Whether a request can be booked at <paramref name="now"/>: the decision admission takes, the yield setting included.</summary>
    public async Task<Func<PlanRequest, bool>> ForAsync(RestaurantModel r, IReadOnlyList<Occupancy> schedule, DateTimeOffset now)
    {
        // Exact only where admission is exact: otherwise the capacity check is what admits.
        var v3 = v3Planner is IArrangementSolver && (await selector.ChooseAsync(r.Id)).Live == PipelineSelector.V3;
        if (!v3) return request => _capacity.Check(r.Floor, schedule, request).Ok;
        await yields.PrepareAsync(r, CancellationToken.None);
        // The plan is kept for the yield setting, which judges it against the moment of asking.
        var refuses = yields.Refusals(r, schedule, now);
        var decide = _exact.On(r.Floor, schedule);
        return request => decide(request) is ArrangementDecision.Feasible { Plan: var plan } && !refuses(request, plan);
    }

    /// <summary>Nearest start times on the 15-minute grid of the same day that can be booked.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> AlternativesAsync(RestaurantModel r, IReadOnlyList<Occupancy> daySchedule,
        int partySize, DateTimeOffset requested, DateTimeOffset now, int count)
    {
        if (count <= 0) return [];
        var bookable = await ForAsync(r, daySchedule, now);
        return r.Rules.SeatingGrid(r.Rules.ServiceDate(requested))
            .Where(t => t > now && t != requested)
            .OrderBy(t => Math.Abs((t - requested).Ticks)).ThenBy(t => t)
            .Where(t => bookable(new PlanRequest(partySize, r.Rules.HeldWindow(t, partySize))))
            .Take(count)
            .Order()
            .ToArray();
    }
}
