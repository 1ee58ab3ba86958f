using BookingAssignment.Api.Resilience;
using BookingAssignment.Api.Tests.Infrastructure;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Testing;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>Our Polly pipelines as configured (not Polly's behaviour): named, in DI, options from configuration.</summary>
public sealed class BreakerConfigurationTests
{
    [Fact]
    public async Task BothNamedPipelinesAreACircuitBreakerWithTheConfiguredOptions()
    {
        await using var api = await ApiHost.StartAsync(new()
        {
            ["Resilience:FailureRatio"] = "0.25", ["Resilience:MinimumThroughput"] = "7",
            ["Resilience:SamplingSeconds"] = "40", ["Resilience:BreakSeconds"] = "90",
        });
        var provider = api.Services.GetRequiredService<ResiliencePipelineProvider<string>>();
        foreach (var name in new[] { Breakers.Coordinator, Breakers.RedisLock })
        {
            var strategy = Assert.Single(provider.GetPipeline(name).GetPipelineDescriptor().Strategies);
            var options = Assert.IsType<CircuitBreakerStrategyOptions>(strategy.Options);
            Assert.Equal(name, options.Name);
            Assert.Equal(0.25, options.FailureRatio);
            Assert.Equal(7, options.MinimumThroughput);
            Assert.Equal(TimeSpan.FromSeconds(40), options.SamplingDuration);
            Assert.Equal(TimeSpan.FromSeconds(90), options.BreakDuration);
            // Business outcomes are not faults; anything else is.
            var lostRace = new Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException("lost race");
            Assert.False(await options.ShouldHandle(Args(lostRace)));
            Assert.True(await options.ShouldHandle(Args(new TimeoutException())));
        }
    }

    [Fact]
    public async Task AnOutOfRangeBreakerSettingStopsTheStartWithOneLine()
    {
        var servers = await TestServers.GetAsync();
        var env = ApiProcess.ValidEnvironment(servers.PostgresAdmin, servers.Redis);
        env["Resilience__FailureRatio"] = "2";
        var result = await ApiProcess.RunAsync([], env, TimeSpan.FromSeconds(60));
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("FailureRatio", line, StringComparison.Ordinal);
    }

    private static CircuitBreakerPredicateArguments<object> Args(Exception ex) =>
        new(Polly.ResilienceContextPool.Shared.Get(), Polly.Outcome.FromException<object>(ex));
}
