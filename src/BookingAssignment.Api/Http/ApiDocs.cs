using System.Text.Json.Nodes;
using BookingAssignment.Api.Auth;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BookingAssignment.Api.Http;

/// <summary>
/// The API description (SPEC §9): OpenAPI 3.1 generated from the endpoints by
/// Microsoft.AspNetCore.OpenApi at <c>/openapi/v1.json</c> (the typed results give every status an
/// endpoint can answer, ProblemDetails included), the X-Api-Key scheme, request examples, and the
/// Scalar reference page at <c>/docs</c>, whose assets ship inside the package (no CDN at run time).
/// Every build writes the same document to docs/openapi.json.
/// </summary>
internal static partial class ApiDocs
{
    /// <summary>The build's document generator (GetDocument.Insider) runs Program to read the endpoints; it starts nothing.</summary>
    public static bool IsBuildTimeGeneration => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new OpenApiInfo
                {
                    Title = "BookingAssignment", Version = "v1",
                    Description = "Restaurant bookings with automatic table assignment. Every request needs X-Api-Key (client, staff or ops). Errors are RFC 9457 problems.",
                };
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeyAuthenticationHandler.Header,
                    Description = "A client key (bookings, holds), a staff key (one restaurant: day sheet, visits, blocks, floor) or an ops key (everything).",
                };
                doc.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, doc)] = [] }];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(async (operation, context, ct) =>
            {
                var method = context.Description.HttpMethod ?? "";
                var route = RouteKey().Replace(context.Description.RelativePath ?? "", "{$1}").TrimEnd('/');
                if (Examples.TryGetValue((method, route), out var example)
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
                    media.Example = JsonNode.Parse(example);
                // ProblemHttpResult carries its status at run time, so the problems each endpoint can answer are listed here.
                var problem = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, ct);
                operation.Responses ??= [];
                foreach (var status in Common.Concat(ProblemsOf.GetValueOrDefault((method, route), [])))
                {
                    var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (operation.Responses.ContainsKey(key)) continue;
                    operation.Responses[key] = new OpenApiResponse
                    {
                        Description = Describe(status),
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
                    };
                }
            });
        });
        return builder;
    }

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("BookingAssignment API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
    }

    /// <summary>"{id:guid}" → "{id}", as the tables below spell routes.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+)(:[^}]+)?\}")]
    private static partial System.Text.RegularExpressions.Regex RouteKey();

    /// <summary>Every endpoint: no or unknown key, a key not allowed there, the per-key rate limit.</summary>
    private static readonly int[] Common = [401, 403, 429];

    /// <summary>The other problems each endpoint can answer (besides its typed results and 400 validation problems).</summary>
    private static readonly Dictionary<(string, string), int[]> ProblemsOf = new()
    {
        [("POST", "bookings")] = [404, 409, 422, 503],
        [("PATCH", "bookings/{id}")] = [404, 409, 412, 422, 503],
        [("GET", "bookings/{id}")] = [404],
        [("POST", "bookings/{id}/cancel")] = [404, 409, 422],
        [("POST", "bookings/{id}/seat")] = [404, 409],
        [("POST", "bookings/{id}/complete")] = [404, 409],
        [("POST", "bookings/{id}/no-show")] = [404, 409],
        [("POST", "bookings/{id}/assign")] = [404, 409, 422],
        [("POST", "bookings/{id}/retry-assignment")] = [404, 409, 422],
        [("GET", "restaurants/{id}")] = [404],
        [("PUT", "restaurants/{id}")] = [404, 409],
        [("GET", "restaurants/{id}/availability")] = [404],
        [("GET", "restaurants/{id}/bookings")] = [404],
        [("POST", "restaurants/{id}/holds")] = [404, 409],
        [("GET", "restaurants/{id}/blocks")] = [404],
        [("POST", "restaurants/{id}/blocks")] = [404, 409],
        [("DELETE", "restaurants/{id}/blocks/{blockId}")] = [404],
        [("POST", "restaurants/{id}/staff-keys")] = [404],
        [("GET", "restaurants/{id}/staff-keys")] = [404],
        [("DELETE", "restaurants/{id}/staff-keys/{keyId}")] = [404],
        [("DELETE", "ops/webhooks/{id}")] = [404],
        [("GET", "ops/webhooks/{id}/failures")] = [404],
        [("POST", "ops/webhooks/{id}/failures/replay")] = [404],
    };

    private static string Describe(int status) => status switch
    {
        401 => "No X-Api-Key, or an unknown or revoked one.",
        403 => "The key may not call this endpoint (e.g. a client key on a staff or ops endpoint).",
        404 => "Not found — also what a staff key sees for another restaurant's resources.",
        409 => "Conflict: no_availability (with alternatives), an illegal status transition (with currentStatus), restaurant_busy (Retry-After), an Idempotency-Key still in flight, tables taken.",
        412 => "If-Match is not the booking's current ETag (etag_mismatch, with currentETag).",
        422 => "An Idempotency-Key reused with a different request.",
        429 => "Rate limit of this key (Retry-After).",
        503 => "The database is unreachable; nothing was saved (Retry-After).",
        _ => "A problem.",
    };

    /// <summary>Request bodies shown in the document and on the reference page.</summary>
    private static readonly Dictionary<(string, string), string> Examples = new()
    {
        [("POST", "bookings")] = """
            {"restaurantId": "0193a1c2-0000-7000-8000-000000000001", "partySize": 4, "startsAt": "2026-12-18T19:30:00+00:00",
             "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000"}, "notes": "window if possible"}
            """,
        [("PATCH", "bookings/{id}")] = """{"partySize": 5, "startsAt": "2026-12-18T20:00:00+00:00"}""",
        [("POST", "restaurants/{id}/holds")] = """{"partySize": 2, "startsAt": "2026-12-18T19:00:00+00:00"}""",
        [("POST", "restaurants/{id}/blocks")] = """{"tables": ["A2"], "from": "2026-12-18T18:00:00+00:00", "until": "2026-12-18T23:00:00+00:00", "reason": "private event"}""",
        [("POST", "bookings/{id}/assign")] = """{"tables": ["A2", "A3"]}""",
        [("POST", "ops/webhooks")] = """{"url": "https://example.com/hooks", "events": ["booking.confirmed", "booking.cancelled"]}""",
        [("POST", "restaurants")] = """
            {"name": "Chez Test", "timeZone": "Europe/London",
             "services": [{"name": "dinner", "start": "17:00", "end": "23:00", "lastSeating": "21:30"}],
             "turnMinutesByPartySize": {"2": 90, "4": 105, "6": 120}, "bufferMinutes": 15,
             "tables": [{"label": "A1", "zone": "main", "minCovers": 1, "maxCovers": 2}, {"label": "A2", "zone": "main", "minCovers": 2, "maxCovers": 4}],
             "adjacency": [["A1", "A2"]], "maxTablesPerBooking": 2}
            """,
    };
}
