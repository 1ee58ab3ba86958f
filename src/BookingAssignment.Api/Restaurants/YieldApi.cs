using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

internal sealed record YieldRequest(bool? Enabled);

/// <param name="Requests">The requests the forecast learnt from (0 while the setting is off).</param>
/// <param name="ServiceDays">The service days those requests were for.</param>
internal sealed record YieldResponse(Guid RestaurantId, bool Enabled, int HistoryDays, int Requests, int ServiceDays);

/// <summary>
/// The opt-in yield setting (issue 9, <see cref="YieldForecasts"/>), staff or ops:
/// <c>GET /restaurants/{id}/yield</c> and <c>PUT /restaurants/{id}/yield</c> <c>{ "enabled": true }</c>.
/// Off by default. Turning it on learns the forecast at once and answers with what it learnt from.
/// </summary>
internal static class YieldApi
{
    public static void MapYield(this RouteGroupBuilder restaurants)
    {
        restaurants.MapGet("/{id:guid}/yield", GetAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        restaurants.MapPut("/{id:guid}/yield", PutAsync).Accepts<YieldRequest>("application/json").RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
    }

    private static async Task<Results<Ok<YieldResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, RestaurantCatalog catalog, YieldForecasts yields,
        CancellationToken ct)
    {
        var r = http.MaySee(id) ? await catalog.FindAsync(id, ct) : null;
        if (r is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        await yields.PrepareAsync(r, ct);
        return TypedResults.Ok(yields.Describe(r));
    }

    private static async Task<Results<Ok<YieldResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(Guid id, HttpContext http, BookingDb db,
        RestaurantCatalog catalog, YieldForecasts yields, EventRecorder events, TimeProvider time, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<YieldRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        if (request!.Enabled is not { } enabled) return Problems.Validation(new Dictionary<string, string[]> { ["enabled"] = ["Required: true or false."] });
        var entity = http.MaySee(id) ? await db.Restaurants.SingleOrDefaultAsync(x => x.Id == id, ct) : null;
        if (entity is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        if (entity.YieldProtection != enabled)
        {
            entity.YieldProtection = enabled;
            events.Add(db, RestaurantEvents.YieldChanged(enabled), id, null);
            await db.SaveChangesAsync(ct);
        }
        catalog.Invalidate(id);
        var r = (await catalog.FindAsync(id, ct))!;
        if (enabled) await yields.LearnAsync(r, time.GetUtcNow(), ct);
        return TypedResults.Ok(yields.Describe(r));
    }
}
