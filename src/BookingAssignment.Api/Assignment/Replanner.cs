namespace BookingAssignment.Api.Assignment;

/// <summary>A re-plan's verdict, with the schedule it was taken against (it feeds a 409's alternatives).</summary>
internal sealed record Replan(ArrangementDecision Decision, IReadOnlyList<Occupancy> Schedule);

/// <summary>
/// Decides where a booking that already exists sits after a change (a modification, its tables
/// removed or blocked), by the booking's own pipeline: V3 by the same exact decision admission
/// takes (moves of other movable bookings included), legacy by its planner. It runs inside a
/// <see cref="LockedChange"/> transaction, against the schedule without the booking itself, so
/// its current tables count as free for it; <see cref="PlanWriter.StageReplanAsync"/> stages the result.
/// </summary>
internal sealed class Replanner(
    Admission admission,
    Telemetry telemetry,
    [FromKeyedServices(PipelineSelector.Legacy)] IAssignmentPlanner legacy,
    TimeProvider time)
{
    public async Task<Replan> DecideAsync(BookingDb db, RestaurantModel r, Booking booking, PlanRequest request, CancellationToken ct)
    {
        var pipeline = booking.AssignmentPipeline;
        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, request.During.Start),
            admission.MovableFrom(pipeline, time.GetUtcNow()), booking.Id, ct);
        var decision = pipeline == PipelineSelector.V3
            ? telemetry.Decide(pipeline, () => admission.DecideV3(r, schedule, request))
            : telemetry.Plan(legacy, pipeline, r.Floor, schedule, request) is { } plan
                ? new ArrangementDecision.Feasible(plan)
                : new ArrangementDecision.Infeasible("no_table_combination_free");
        return new Replan(decision, schedule);
    }
}
