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

/// <summary>What a dead or hung lock server may cost: the connections' own bounds, from the Locking options.</summary>
public sealed class LockServerConfigurationTests
{
    [Fact]
    public void EveryLockServerConnectionIsBoundedByTheNodeTimeoutsAndFailsFastWhenDisconnected()
    {
        var options = new BookingAssignment.Api.Configuration.LockingOptions { NodeConnectTimeoutMs = 250, NodeOperationTimeoutMs = 80, WaitMs = 1500 };
        var config = BookingAssignment.Api.Locking.RestaurantLocks.LockServerConfiguration("127.0.0.1:6390", options);

        Assert.Equal(250, config.ConnectTimeout);
        Assert.Equal(80, config.AsyncTimeout);
        Assert.Equal(80, config.SyncTimeout);
        Assert.False(config.AbortOnConnectFail);
        Assert.False(config.BacklogPolicy.QueueWhileDisconnected);
        Assert.Empty(BookingAssignment.Api.Configuration.LockingOptions.Problems(options));
    }
}
