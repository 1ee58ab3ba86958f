using BookingAssignment.Core.Floors;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Runs the exact solver once at start on a small made-up evening that takes its full search, so
/// the first real decisions after a deploy or a rollback do not spend their budget on JIT
/// compilation (a decision that runs out of budget sends a guest to manual review).
/// </summary>
internal sealed class PlannerWarmUp([FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (planner is not IArrangementSolver solver) return Task.CompletedTask;
        var tables = Enumerable.Range(0, 4).Select(i => new FloorTable(Guid.CreateVersion7(), $"W{i}", "main", 1, 2)).ToArray();
        var floor = new Floor(tables, [(tables[0].Id, tables[1].Id), (tables[1].Id, tables[2].Id), (tables[2].Id, tables[3].Id)], 2);
        var start = new DateTimeOffset(2000, 1, 1, 19, 0, 0, TimeSpan.Zero);
        Slot At(int from, int minutes) => new(start.AddMinutes(from), start.AddMinutes(from + minutes));
        Occupancy[] evening =
        [
            new(Guid.CreateVersion7(), [tables[0].Id], At(0, 150), 2, Movable: true),
            new(Guid.CreateVersion7(), [tables[2].Id], At(0, 120), 2, Movable: true),
            new(Guid.CreateVersion7(), [], At(130, 60), 1, Movable: true), // waiting: forces the complete search
        ];
        solver.Decide(floor, evening, new PlanRequest(4, At(30, 90)));
        solver.Decide(floor, evening, new PlanRequest(2, At(30, 90)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
