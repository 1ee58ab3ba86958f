using System.Globalization;
using System.Threading.RateLimiting;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Http;

/// <summary>Per-API-key token bucket for HTTP requests: 429 + Retry-After when a key exceeds it.</summary>
internal static class HttpRateLimiting
{
    public const string PerApiKey = "per-api-key";

    public static WebApplicationBuilder AddHttpRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpRateLimitOptions>().BindConfiguration(HttpRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerApiKey, http =>
            {
                var o = http.RequestServices.GetRequiredService<IOptions<HttpRateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(http.ApiKey() ?? "anonymous", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = o.TokenLimit,
                    TokensPerPeriod = o.TokensPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? Math.Max(1, (int)Math.Ceiling(ra.TotalSeconds)) : 1;
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This API key exceeded its request rate; retry after {retryAfter} s.", "rate_limited").ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }
}
