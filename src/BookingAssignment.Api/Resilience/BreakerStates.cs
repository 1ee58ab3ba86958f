using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace BookingAssignment.Api.Resilience;

/// <summary>Current state of each breaker, for /ops/pipeline, metrics and routing decisions.</summary>
internal sealed class BreakerStates
{
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _providers = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openedAt = new();

    public CircuitBreakerStateProvider Provider(string name) => _providers.GetOrAdd(name, _ => new CircuitBreakerStateProvider());

    /// <summary>"closed", "open", "half_open" or "isolated"; "closed" before first use.</summary>
    public string StatusOf(string name) => _providers.TryGetValue(name, out var p) ? p.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Isolated => "isolated",
        _ => "unknown",
    } : "closed";

    public bool IsOpen(string name) => StatusOf(name) is "open" or "isolated";

    public DateTimeOffset? OpenedAt(string name) => _openedAt.TryGetValue(name, out var at) ? at : null;

    public IReadOnlyDictionary<string, object?> Snapshot() => new[] { Breakers.RedisLock, Breakers.Coordinator }
        .ToDictionary(n => n, n => (object?)new { status = StatusOf(n), openedAt = OpenedAt(n) });

    internal void Opened(string name, DateTimeOffset at) { _openedAt[name] = at; Changed?.Invoke(name, "open"); }
    internal void Closed(string name, DateTimeOffset at) { _openedAt.TryRemove(name, out _); Changed?.Invoke(name, "closed"); }
    internal void HalfOpened(string name, DateTimeOffset at) => Changed?.Invoke(name, "half_open");

    /// <summary>Raised on every state change (the coordinator records a circuit event).</summary>
    public event Action<string, string>? Changed;
}
