using BookingAssignment.Core.Floors;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Runs the exact solver once at start on a small made-up evening that takes its full search, so
/// the first real decisions after a deploy or a rollback do not spend their budget on JIT
/// compilation (a decision that runs out of budget sends a guest to manual review), then loads
/// CP-SAT in the background.
/// </summary>
internal sealed class PlannerWarmUp([FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner, ILogger<PlannerWarmUp> logger) : IHostedService
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
        // CP-SAT's native library (OR-Tools, loaded on first use: about 0.1-0.2 s) in the background, so
        // readiness does not wait for it: a one-node sweep hands the same evening to CP-SAT.
        var cpSat = new ExactPlanner(new ExactPlannerOptions { NodeBudget = 1, Budget = TimeSpan.FromSeconds(5) });
        _ = Task.Run(() =>
        {
            try { cpSat.Decide(floor, evening, new PlanRequest(4, At(30, 90))); }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                logger.LogError(e, "CP-SAT (Google OR-Tools) could not be loaded; exact decisions the planner's own search cannot settle will go to manual review");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
