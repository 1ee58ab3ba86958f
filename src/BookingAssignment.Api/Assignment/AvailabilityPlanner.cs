namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The start times a restaurant can offer a party: V3 restaurants get the exact decision (with its
/// own, smaller budget: a slot whose decision runs out is not offered), legacy ones the capacity
/// check they are admitted by. Availability and a 409's alternatives both come from here, so an
/// offered slot can be booked.
/// </summary>
internal sealed class AvailabilityPlanner(PipelineSelector selector, IOptions<PlannerOptions> options,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner v3Planner)
{
    private readonly CapacityCheck _capacity = new();
    private readonly ExactPlanner _exact = new(new ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(options.Value.AvailabilityBudgetMs) });

    public async Task<Func<PlanRequest, bool>> ForAsync(RestaurantModel r, IReadOnlyList<Occupancy> schedule)
    {
        // Exact only where admission is exact: otherwise the capacity check is what admits.
        var v3 = v3Planner is IArrangementSolver && (await selector.ChooseAsync(r.Id)).Live == PipelineSelector.V3;
        return request => v3
            ? _exact.Decide(r.Floor, schedule, request) is ArrangementDecision.Feasible
            : _capacity.Check(r.Floor, schedule, request).Ok;
    }

    /// <summary>Nearest start times on the 15-minute grid of the same day that can be booked.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> AlternativesAsync(RestaurantModel r, IReadOnlyList<Occupancy> daySchedule,
        int partySize, DateTimeOffset requested, DateTimeOffset now, int count)
    {
        if (count <= 0) return [];
        var bookable = await ForAsync(r, daySchedule);
        return r.Rules.SeatingGrid(r.Rules.ServiceDate(requested))
            .Where(t => t > now && t != requested)
            .OrderBy(t => Math.Abs((t - requested).Ticks)).ThenBy(t => t)
            .Where(t => bookable(new PlanRequest(partySize, r.Rules.HeldWindow(t, partySize))))
            .Take(count)
            .Order()
            .ToArray();
    }
}
