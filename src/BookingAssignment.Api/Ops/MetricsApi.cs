using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Ops;

internal sealed record BreakerChange(DateTimeOffset At, string Circuit, string Status);

/// <summary>Time series for the ops dashboard: one value per bucket, null where a bucket has no data.</summary>
internal sealed record OpsMetrics(
    string Window, string Bucket, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> Buckets,
    IReadOnlyDictionary<string, IReadOnlyList<double?>> Series, IReadOnlyList<BreakerChange> BreakerChanges,
    IReadOnlyDictionary<string, object?> BreakersNow);

internal static class MetricsApi
{
    public const int MaxBuckets = 500;

    /// <summary>GET /ops/metrics?window=24h&amp;bucket=1h (bucket defaults to a 24th of the window).</summary>
    public static async Task<Results<Ok<OpsMetrics>, ValidationProblem>> GetAsync(string? window, string? bucket, OpsMetricsService metrics, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!RolloutWindow.TryParse(window ?? "24h", out var span)) errors["window"] = ["Use a number and m, h or d, e.g. 1h, 24h, 7d."];
        var step = TimeSpan.Zero;
        if (bucket is not null && !RolloutWindow.TryParse(bucket, out step)) errors["bucket"] = ["Use a number and m, h or d, e.g. 5m, 1h."];
        if (errors.Count == 0)
        {
            if (bucket is null) step = TimeSpan.FromMinutes(Math.Max(1, Math.Ceiling(span.TotalMinutes / 24)));
            if (step > span) errors["bucket"] = ["The bucket must not be longer than the window."];
            else if (span / step > MaxBuckets) errors["bucket"] = [$"At most {MaxBuckets} buckets per window; use a larger bucket."];
        }
        if (errors.Count > 0) return Problems.Validation(errors);
        return TypedResults.Ok(await metrics.ReadAsync(span, step, ct));
    }
}
