using System.Security.Claims;
using BookingAssignment.Api.Configuration;
using Microsoft.AspNetCore.Authentication;

namespace BookingAssignment.Api.Auth;

internal static class AuthExtensions
{
    public static WebApplicationBuilder AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ClientApiKeys.Length + o.OpsApiKeys.Length > 0, "Auth: set at least one key in Auth__ClientApiKeys__0 or Auth__OpsApiKeys__0.")
            .Validate(o => o.ClientApiKeys.Concat(o.OpsApiKeys).All(k => k.Length >= 8), "Auth: API keys must be at least 8 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<StaffKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthenticationHandler.ClientPolicy, p => p.RequireRole(
                ApiKeyAuthenticationHandler.ClientPolicy, ApiKeyAuthenticationHandler.StaffPolicy, ApiKeyAuthenticationHandler.OpsPolicy))
            .AddPolicy(ApiKeyAuthenticationHandler.StaffPolicy, p => p.RequireRole(ApiKeyAuthenticationHandler.StaffPolicy, ApiKeyAuthenticationHandler.OpsPolicy))
            .AddPolicy(ApiKeyAuthenticationHandler.OpsPolicy, p => p.RequireRole(ApiKeyAuthenticationHandler.OpsPolicy));
        return builder;
    }

    /// <summary>
    /// False only for a staff key of another restaurant. Endpoints then answer the same 404 as for
    /// a restaurant or booking that does not exist, so a staff key cannot probe other restaurants.
    /// </summary>
    internal static bool MaySee(this HttpContext http, Guid restaurantId) =>
        !http.User.IsInRole(ApiKeyAuthenticationHandler.StaffPolicy)
        || http.User.FindFirstValue(ApiKeyAuthenticationHandler.RestaurantClaim) == restaurantId.ToString();

    /// <summary>The caller's API key (for idempotency scoping and rate-limit partitions).</summary>
    public static string? ApiKey(this HttpContext http) =>
        http.User.FindFirstValue("api_key") ?? http.Request.Headers[ApiKeyAuthenticationHandler.Header].ToString();
}
