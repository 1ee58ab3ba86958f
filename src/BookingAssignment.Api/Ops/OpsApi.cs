using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;

namespace BookingAssignment.Api.Ops;

public static class OpsApi
{
    public static IEndpointRouteBuilder MapOps(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops")
            .RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy)
            .RequireRateLimiting(HttpRateLimiting.PerApiKey)
            .WithTags("Ops");
        group.MapGet("/pipeline", (PipelineFlags flags) => Results.Json(new
        {
            flags = new Dictionary<string, object>
            {
                [PipelineFlags.V3Variable] = flags.V3Enabled,
                [PipelineFlags.ShadowVariable] = flags.Shadow,
                [PipelineFlags.MaxParallelVariable] = flags.MaxParallel,
                [PipelineFlags.PercentVariable] = flags.Percent,
            },
            mode = flags.Mode,
        }, JsonBody.Options));
        return app;
    }
}
