using System.Data.Common;
using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// <c>rollout-report --repeat N --interval 5m [--failure-limit K]</c>: evaluates the report N
/// times, <paramref name="Interval"/> apart, as a progressive-delivery analysis does (Argo
/// Rollouts / Flagger): an evaluation fails when the verdict is "roll back", any check FAILs, or
/// the database could not be read; "not enough data" alone is inconclusive, not a failure. Stops
/// with exit 1 (3 if the failing evaluation asked for a rollback) as soon as failures exceed the
/// limit; 0 after N otherwise.
/// </summary>
internal sealed record RolloutAnalysis(int Repeat, TimeSpan Interval, int FailureLimit)
{
    public const int MaxRepeat = 10_000;

    public static bool IsFailure(RolloutReport report) =>
        report.Verdict == Verdicts.RollBack || report.Checks.Any(c => c.Status == CheckStatus.Fail);

    public async Task<int> RunAsync(Func<Task<RolloutReport>> evaluate, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        var failures = 0;
        for (var i = 1; i <= Repeat; i++)
        {
            if (i > 1) await Task.Delay(Interval, time, ct);
            RolloutReport? report = null;
            string outcome;
            try
            {
                report = await evaluate();
                outcome = IsFailure(report) ? "failed" : report.Verdict == Verdicts.Advance ? "passed" : "inconclusive";
            }
            catch (Exception ex) when (ex is DbException or TimeoutException)
            {
                outcome = $"error ({ex.GetType().Name}: {ex.Message})";
            }
            var failed = report is null || IsFailure(report);
            if (failed) failures++;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}] evaluation {i}/{Repeat}: {outcome} (verdict {report?.Verdict ?? "-"}; failures {failures}, limit {FailureLimit})"));
            if (report is not null) await output.WriteLineAsync(RolloutReportText.Format(report));
            if (failures > FailureLimit)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ANALYSIS FAILED: {failures} failed evaluation(s), limit {FailureLimit}"));
                return report?.Verdict == Verdicts.RollBack ? 3 : 1;
            }
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ANALYSIS PASSED: {Repeat} evaluation(s), {failures} failed, limit {FailureLimit}"));
        return 0;
    }
}
