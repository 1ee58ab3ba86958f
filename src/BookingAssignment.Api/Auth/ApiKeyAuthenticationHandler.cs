using System.Security.Claims;
using System.Text.Encodings.Web;
using BookingAssignment.Api.Configuration;
using Microsoft.AspNetCore.Authentication;

namespace BookingAssignment.Api.Auth;

/// <summary>
/// X-Api-Key authentication. Client keys may call booking endpoints for any restaurant; staff keys
/// (from the database, one restaurant each) the booking endpoints and the hosts' tools of their
/// restaurant; ops keys everything. Missing, unknown or revoked key → 401; a key on an endpoint
/// its kind may not call → 403 (and a staff key on another restaurant's resource → 404, see
/// <see cref="AuthExtensions.MaySee"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> keys, StaffKeyStore staffKeys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string ClientPolicy = "client";
    public const string StaffPolicy = "staff";
    public const string OpsPolicy = "ops";
    /// <summary>The restaurant a staff principal belongs to.</summary>
    public const string RestaurantClaim = "restaurant_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return AuthenticateResult.NoResult();
        var key = values.ToString();
        List<Claim> claims = [new("api_key", key)];
        if (keys.Value.OpsApiKeys.Contains(key, StringComparer.Ordinal)) claims.Add(new(ClaimTypes.Role, OpsPolicy));
        else if (keys.Value.ClientApiKeys.Contains(key, StringComparer.Ordinal)) claims.Add(new(ClaimTypes.Role, ClientPolicy));
        else if (await staffKeys.FindAsync(key, Context.RequestAborted) is { } grant)
            claims.AddRange([new(ClaimTypes.Role, StaffPolicy), new(RestaurantClaim, grant.RestaurantId.ToString())]);
        else return AuthenticateResult.Fail("Unknown API key.");
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
