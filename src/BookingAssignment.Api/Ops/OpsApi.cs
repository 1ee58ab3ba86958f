using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Resilience;

namespace BookingAssignment.Api.Ops;

public static class OpsApi
{
    public static IEndpointRouteBuilder MapOps(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops")
            .RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy)
            .RequireRateLimiting(HttpRateLimiting.PerApiKey)
            .WithTags("Ops");
        group.MapGet("/pipeline", (PipelineFlags flags, BreakerStates breakers, CoordinatorLimiter limiter, ShadowRunner shadow) => Results.Json(new
        {
            flags = new Dictionary<string, object>
            {
                [PipelineFlags.V3Variable] = flags.V3Enabled,
                [PipelineFlags.ShadowVariable] = flags.Shadow,
                [PipelineFlags.MaxParallelVariable] = flags.MaxParallel,
                [PipelineFlags.PercentVariable] = flags.Percent,
            },
            mode = flags.Mode,
            breakers = breakers.Snapshot(),
            coordinator = new { maxParallel = limiter.MaxParallel, inFlight = limiter.TotalInFlight, queued = limiter.Queued },
            shadow = new { started = shadow.Started, skipped = shadow.Skipped, failed = shadow.Failed, timedOut = shadow.TimedOut },
        }, JsonBody.Options));
        return app;
    }
}
