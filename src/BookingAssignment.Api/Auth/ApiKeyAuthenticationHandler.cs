using System.Security.Claims;
using System.Text.Encodings.Web;
using BookingAssignment.Api.Configuration;
using Microsoft.AspNetCore.Authentication;

namespace BookingAssignment.Api.Auth;

/// <summary>
/// X-Api-Key authentication. Client keys may call booking endpoints; ops keys may call everything.
/// Missing or unknown key → 401; a client key on an ops endpoint → 403.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string ClientPolicy = "client";
    public const string OpsPolicy = "ops";
    public const string StaffPolicy = "staff";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
            return Task.FromResult(AuthenticateResult.NoResult());
        var key = values.ToString();
        string? role = keys.Value.OpsApiKeys.Contains(key, StringComparer.Ordinal) ? OpsPolicy
            : keys.Value.ClientApiKeys.Contains(key, StringComparer.Ordinal) ? ClientPolicy
            : null;
        if (role is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim("api_key", key)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
