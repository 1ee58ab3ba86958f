namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Compiles the exact solver (<see cref="ExactPlanner.WarmUpSearch"/>), then loads CP-SAT and runs each
/// of its stages once (<see cref="ExactPlanner.WarmUpCpSat"/>), in the background at start, so readiness
/// waits for neither and the first real decisions do not pay for them.
/// </summary>
internal sealed class PlannerWarmUp([FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner, ILogger<PlannerWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (planner is not RememberedDecisions { Solver: ExactPlanner exact }) return Task.CompletedTask;
        // In the background, beside the rest of start-up: readiness does not wait for it (it took about a
        // tenth of a restart's CPU on the host's start path); a booking that comes first compiles what it needs.
        _ = Task.Run(() =>
        {
            try { exact.WarmUpSearch(); }
            catch (Exception e)
            {
                // Not fatal to start-up: the first decisions compile what they need (and meet the same fault, which they report).
                logger.LogError(e, "The exact planner's warm-up failed");
                return;
            }
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
