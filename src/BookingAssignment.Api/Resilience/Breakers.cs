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
    public static bool IsBusinessOutcome(Exception ex) => DbErrors.IsConflict(ex) || DbErrors.IsDuplicateIdempotencyKey(ex);
}
