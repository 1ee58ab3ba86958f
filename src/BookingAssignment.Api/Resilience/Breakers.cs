using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.CircuitBreaker;

namespace BookingAssignment.Api.Resilience;

internal sealed class BreakerOptions
{
    public const string Section = "Resilience";
    /// <summary>Share of failed calls in the sampling window that opens a breaker.</summary>
    [Range(0.01, 1.0)] public double FailureRatio { get; set; } = 0.5;
    /// <summary>Calls in the window before the ratio counts at all.</summary>
    [Range(2, 10_000)] public int MinimumThroughput { get; set; } = 5;
    [Range(1, 3600)] public int SamplingSeconds { get; set; } = 30;
    /// <summary>How long an open breaker stays open before letting one trial call through.</summary>
    [Range(1, 3600)] public int BreakSeconds { get; set; } = 30;
}

/// <summary>
/// The two Polly v8 circuit breakers, as named pipelines in DI: "redis-lock" around the Redis
/// lock (open → database lock only) and "coordinator" around a V3 run (open → legacy serves).
/// Business outcomes never reach them as exceptions, so they never count as failures.
/// </summary>
internal static class Breakers
{
    public const string RedisLock = "redis-lock";
    public const string Coordinator = "coordinator";

    /// <summary>Both breakers as named pipelines, their states, and the timeline of their changes.</summary>
    public static WebApplicationBuilder AddResilience(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHostedService<BreakerTimeline>();
        services.AddOptions<BreakerOptions>().BindConfiguration(BreakerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BreakerStates>();
        foreach (var name in new[] { RedisLock, Coordinator })
        {
            services.AddResiliencePipeline(name, (builder, context) =>
            {
                var states = context.ServiceProvider.GetRequiredService<BreakerStates>();
                var options = context.ServiceProvider.GetRequiredService<IOptions<BreakerOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    Name = name,
                    FailureRatio = options.FailureRatio,
                    MinimumThroughput = options.MinimumThroughput,
                    SamplingDuration = TimeSpan.FromSeconds(options.SamplingSeconds),
                    BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
                    StateProvider = states.Provider(name),
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException && !IsBusinessOutcome(ex)),
                    OnOpened = _ => { states.Opened(name, time.GetUtcNow()); return ValueTask.CompletedTask; },
                    OnClosed = _ => { states.Closed(name, time.GetUtcNow()); return ValueTask.CompletedTask; },
                    OnHalfOpened = _ => { states.HalfOpened(name, time.GetUtcNow()); return ValueTask.CompletedTask; },
                });
            });
        }
        return builder;
    }

    /// <summary>Lost races and exclusion conflicts are outcomes, not faults.</summary>
    public static bool IsBusinessOutcome(Exception ex) => DbErrors.IsConflict(ex);
}

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
