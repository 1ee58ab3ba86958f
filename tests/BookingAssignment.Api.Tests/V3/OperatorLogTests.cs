using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// The seed tells operators: "Check logs for [assignment.coordinator] and [assignment.state_machine]".
/// The real process's console output must contain them for a V3 booking (and [assignment.shadow]
/// for a dry run), and the start line must say which pipeline mode is in effect.
/// </summary>
public sealed class OperatorLogTests
{
    [Fact]
    public async Task AV3BookingLogsTheLinesTheRunbookTellsOperatorsToLookFor()
    {
        var servers = await TestServers.GetAsync();
        await using var db = await TestDatabase.CreateAsync();
        var env = ApiProcess.ValidEnvironment(db.ConnectionString, servers.Redis);
        env["Database__MigrateOnStartup"] = "true";
        env["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true";
        env["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = "true";
        await using var api = await ApiServerProcess.StartAsync(env, TimeSpan.FromSeconds(60));

        using var ops = new HttpClient { BaseAddress = api.Url };
        ops.DefaultRequestHeaders.Add("X-Api-Key", ApiHost.OpsKey);
        var client = new BookingApiClient(ops, ops);
        var r = await client.CreateRestaurantAsync(V3Setup.SmallFloor("Log Bistro"));
        var booking = await client.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));
        Assert.Equal(201, booking.Code);
        Assert.Equal("v3", booking.Str("pipeline"));

        var output = await Eventually.UntilAsync(() => Task.FromResult(api.Output), o => o.Contains("[assignment.shadow]", StringComparison.Ordinal),
            "the dry run's log line");
        Assert.Contains("Assignment pipeline: V3 live for 100% of restaurants, the other pipeline as dry run", output, StringComparison.Ordinal);
        Assert.Contains($"[assignment.coordinator] coordinator.confirmed booking={booking.Id}", output, StringComparison.Ordinal);
        Assert.Contains($"[assignment.state_machine] booking.assignment_state_transition booking={booking.Id}", output, StringComparison.Ordinal);
        Assert.Contains($"[assignment.shadow] shadow.comparison booking={booking.Id}", output, StringComparison.Ordinal);
        // At the default level operators run, no per-call chatter from the libraries: RedLock's
        // "Lock status: …" line per lock and Polly's per-execution lines are off.
        Assert.DoesNotContain("Lock status:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Execution attempt", output, StringComparison.Ordinal);
    }
}
