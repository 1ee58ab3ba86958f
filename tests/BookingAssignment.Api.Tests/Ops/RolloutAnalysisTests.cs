using System.Globalization;
using System.Text.RegularExpressions;
using BookingAssignment.Api.Ops;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary><c>rollout-report --repeat N --interval … --failure-limit K</c> run as the built API process.</summary>
public sealed partial class RolloutAnalysisTests
{
    [Fact]
    public async Task FailuresBeyondTheLimitStopTheAnalysisWithExitOne()
    {
        await using var api = await ApiHost.StartAsync();
        var s = await RolloutScenario.CreateAsync(api.Db);
        await s.CohortAsync("v3", 62, manualReview: 2, latencyBaseMs: 20); // worse than legacy by more than the margin
        await s.CohortAsync("legacy", 142, manualReview: 0);

        var run = await RunAsync(api, "--phase", "production-10", "--repeat", "3", "--interval", "1s", "--failure-limit", "1");
        Assert.True(run.ExitCode == 1, run.ToString());
        var evaluations = Evaluation().Matches(run.Stdout);
        Assert.Equal(["1/3: failed", "2/3: failed"], evaluations.Select(m => m.Groups["what"].Value).ToArray());
        var (first, second) = (Instant(evaluations[0]), Instant(evaluations[1]));
        Assert.True(second - first >= TimeSpan.FromSeconds(1), $"{first:O} then {second:O}");
        Assert.Contains("ANALYSIS FAILED: 2 failed evaluation(s), limit 1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  v3 ", run.Stdout, StringComparison.Ordinal); // the cohort table, each evaluation
    }

    [Fact]
    public async Task AnAnalysisWithoutFailuresExitsZeroAfterNEvaluations()
    {
        await using var api = await ApiHost.StartAsync();
        var s = await RolloutScenario.CreateAsync(api.Db);
        await s.HealthyDayAsync(20, shadow: false);

        var run = await RunAsync(api, "--phase", "local", "--repeat", "2", "--interval=1s");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["1/2: passed", "2/2: passed"], Evaluation().Matches(run.Stdout).Select(m => m.Groups["what"].Value).ToArray());
        Assert.Contains("ANALYSIS PASSED: 2 evaluation(s), 0 failed, limit 0", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--interval", "1s")]
    [InlineData("--repeat", "0")]
    [InlineData("--repeat", "2", "--interval", "5")]
    [InlineData("--repeat", "2", "--failure-limit", "-1")]
    public async Task BadAnalysisArgumentsExitTwo(params string[] args)
    {
        await using var api = await ApiHost.StartAsync();
        var run = await RunAsync(api, args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--", run.Stderr, StringComparison.Ordinal);
    }

    private static async Task<ApiProcess.Result> RunAsync(ApiHost api, params string[] args)
    {
        var servers = await TestServers.GetAsync();
        return await ApiProcess.RunAsync(["rollout-report", .. args], new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = api.DbConnectionString,
            ["ConnectionStrings__Redis"] = servers.Redis,
        }, TimeSpan.FromSeconds(90));
    }

    private static DateTimeOffset Instant(Match m) =>
        DateTimeOffset.ParseExact(m.Groups["at"].Value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"^\[(?<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\] evaluation (?<what>\d+/\d+: \w+)", RegexOptions.Multiline)]
    private static partial Regex Evaluation();
}

/// <summary>The analysis loop alone, with an evaluation that cannot reach the database.</summary>
public sealed class RolloutAnalysisLoopTests
{
    [Fact]
    public async Task AnUnreadableDatabaseIsAFailedEvaluation()
    {
        using var output = new StringWriter();
        var exit = await new RolloutAnalysis(Repeat: 3, Interval: TimeSpan.FromSeconds(1), FailureLimit: 0)
            .RunAsync(() => throw new UnreachableDatabase(), TimeProvider.System, output, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Contains("evaluation 1/3: error (UnreachableDatabase: database down)", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("evaluation 2/3", output.ToString(), StringComparison.Ordinal);
    }

    private sealed class UnreachableDatabase() : System.Data.Common.DbException("database down");
}
