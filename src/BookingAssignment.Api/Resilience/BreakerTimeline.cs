using System.Diagnostics.Metrics;

namespace BookingAssignment.Api.Resilience;

/// <summary>
/// Writes one <c>coordinator.circuit_open</c> / <c>coordinator.circuit_state</c> event per breaker
/// state change (the breaker timeline of the rollout report and dashboard) and exposes each
/// breaker as a 0/1 gauge.
/// </summary>
internal sealed class BreakerTimeline(BreakerStates breakers, EventRecorder events, Telemetry telemetry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in new[] { Breakers.RedisLock, Breakers.Coordinator })
            telemetry.Observe($"booking.breaker.{name}.open", () => new Measurement<int>(breakers.IsOpen(name) ? 1 : 0), "1 while the breaker is open");
        breakers.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        breakers.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(string name, string status) => _ = Task.Run(async () =>
    {
        try
        {
            await events.WriteAsync(CoordinatorEvents.BreakerChanged(name, status), null, null, CancellationToken.None);
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // Best effort: the database may be the very reason the breaker opened.
        }
    });
}
