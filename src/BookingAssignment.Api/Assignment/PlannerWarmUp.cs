namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Compiles the exact solver at start (<see cref="ExactPlanner.WarmUpSearch"/>), then loads CP-SAT and
/// runs each of its stages once in the background (<see cref="ExactPlanner.WarmUpCpSat"/>), so
/// readiness does not wait for OR-Tools and the first real decisions do not pay for either.
/// </summary>
internal sealed class PlannerWarmUp([FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner, ILogger<PlannerWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (planner is not ExactPlanner exact) return Task.CompletedTask;
        exact.WarmUpSearch();
        _ = Task.Run(() =>
        {
            try { exact.WarmUpCpSat(); }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                logger.LogError(e, "CP-SAT (Google OR-Tools) could not be loaded; exact decisions the planner's own search cannot settle will go to manual review");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
