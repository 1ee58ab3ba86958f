using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// At most MAX_PARALLEL coordinator runs per restaurant in this instance, with a bounded FIFO
/// queue behind them (System.Threading.RateLimiting). Also counts runs in flight, and remembers
/// the highest count seen per restaurant, so tests and metrics can check the limit holds.
/// </summary>
internal sealed class CoordinatorLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter;
    private readonly ConcurrentDictionary<Guid, int> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, int> _maxInFlight = new();
    private int _queued;

    public CoordinatorLimiter(PipelineFlags flags, IOptions<CoordinatorOptions> options, Telemetry telemetry)
    {
        telemetry.Observe("booking.coordinator.queue_depth", () => new Measurement<int>(Queued), "Runs waiting behind MAX_PARALLEL");
        telemetry.Observe("booking.coordinator.in_flight", () => new Measurement<int>(TotalInFlight), "Coordinator runs in flight");
        MaxParallel = flags.MaxParallel;
        var queue = options.Value.QueueLimit;
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(restaurantId => RateLimitPartition.GetConcurrencyLimiter(restaurantId,
            _ => new ConcurrencyLimiterOptions { PermitLimit = MaxParallel, QueueLimit = queue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst }));
    }

    public int MaxParallel { get; }
    public int Queued => Volatile.Read(ref _queued);
    public int InFlight(Guid restaurantId) => _inFlight.GetValueOrDefault(restaurantId);
    public int MaxInFlightSeen(Guid restaurantId) => _maxInFlight.GetValueOrDefault(restaurantId);
    public int TotalInFlight => _inFlight.Values.Sum();

    /// <returns>A slot to dispose when the run ends, or null when the queue is full (rate limited).</returns>
    public async Task<IDisposable?> AcquireAsync(Guid restaurantId, CancellationToken ct)
    {
        Interlocked.Increment(ref _queued);
        RateLimitLease lease;
        try { lease = await _limiter.AcquireAsync(restaurantId, 1, ct); }
        finally { Interlocked.Decrement(ref _queued); }
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return null;
        }
        var now = _inFlight.AddOrUpdate(restaurantId, 1, (_, n) => n + 1);
        _maxInFlight.AddOrUpdate(restaurantId, now, (_, m) => Math.Max(m, now));
        return new Slot(this, restaurantId, lease);
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class Slot(CoordinatorLimiter owner, Guid restaurantId, RateLimitLease lease) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            owner._inFlight.AddOrUpdate(restaurantId, 0, (_, n) => n - 1);
            lease.Dispose();
        }
    }
}
