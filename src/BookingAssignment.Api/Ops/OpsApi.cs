using BookingAssignment.Api.Webhooks;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Resilience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Ops;

/// <summary>Every /ops endpoint, in one group behind the ops policy (the dashboard page itself is public; its data is not).</summary>
internal static class OpsApi
{
    public static IEndpointRouteBuilder MapOps(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/ops")
            .RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy)
            .RequireRateLimiting(HttpRateLimiting.PerApiKey)
            .WithTags("Ops");
        ops.MapGet("/pipeline", Pipeline);
        ops.MapGet("/manual-review", ManualReviewApi.ListAsync);
        ops.MapGet("/rollout-report", RolloutReportApi.GetAsync);
        ops.MapGet("/metrics", MetricsApi.GetAsync);
        ops.MapWebhooks();                 // subscriptions, failures, replay
        ops.MapOpsDashboard();
        return app;
    }

    /// <summary>GET /ops/pipeline: effective flags, mode, breaker states, coordinator and shadow counters.</summary>
    private static Ok<PipelineStatus> Pipeline(PipelineFlags flags, BreakerStates breakers, CoordinatorLimiter limiter, ShadowRunner shadow) =>
        TypedResults.Ok(new PipelineStatus(
            new Dictionary<string, object>
            {
                [PipelineFlags.V3Variable] = flags.V3Enabled,
                [PipelineFlags.ShadowVariable] = flags.Shadow,
                [PipelineFlags.MaxParallelVariable] = flags.MaxParallel,
                [PipelineFlags.PercentVariable] = flags.Percent,
            },
            flags.Mode,
            breakers.Snapshot(),
            new CoordinatorStatus(limiter.MaxParallel, limiter.TotalInFlight, limiter.Queued),
            new ShadowStatus(shadow.Started, shadow.Skipped, shadow.Failed, shadow.TimedOut)));
}

internal sealed record PipelineStatus(IReadOnlyDictionary<string, object> Flags, string Mode, IReadOnlyDictionary<string, object?> Breakers,
    CoordinatorStatus Coordinator, ShadowStatus Shadow);

internal sealed record CoordinatorStatus(int MaxParallel, int InFlight, int Queued);

internal sealed record ShadowStatus(long Started, long Skipped, long Failed, long TimedOut);
