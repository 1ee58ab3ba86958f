using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Health;

/// <summary>
/// The background loops (the durable worker, webhook delivery, event retention) wait until the host has started and
/// <see cref="HostingOptions.BackgroundStartDelayMs"/> has passed. Their first rounds compile
/// EF Core queries and open connections; run beside start-up on two cores they took about a third
/// of its CPU and delayed readiness after a restart, which is the rollback path. Nothing they do is
/// that urgent: a booking left to the worker is due later anyway, and deliveries wait in the outbox.
/// </summary>
internal sealed class ReadinessFirst(IHostApplicationLifetime lifetime, IOptions<HostingOptions> options, TimeProvider time)
{
    /// <summary>False when the host stops first.</summary>
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = ct.Register(() => started.TrySetCanceled(ct));
        try
        {
            await started.Task;
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.BackgroundStartDelayMs), time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
