using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Auth;

internal sealed record CreateStaffKeyRequest(string? Label);

/// <summary>A new staff key: the only answer that ever carries <see cref="Key"/>.</summary>
internal sealed record CreatedStaffKey(Guid Id, string Key, Guid RestaurantId, string? Label, DateTimeOffset CreatedAt);

internal sealed record StaffKeyResponse(Guid Id, Guid RestaurantId, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Ops issue and revoke a restaurant's staff keys (<c>/restaurants/{id}/staff-keys</c>).</summary>
internal static class StaffKeysApi
{
    private const int MaxLabelLength = 100;

    public static RouteGroupBuilder MapStaffKeys(this RouteGroupBuilder restaurants)
    {
        var keys = restaurants.MapGroup("/{id:guid}/staff-keys").RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy);
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{keyId:guid}", RevokeAsync);
        return restaurants;
    }

    /// <summary>The body is optional: <c>{"label": "front desk"}</c>.</summary>
    private static async Task<Results<Created<CreatedStaffKey>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid id, HttpContext http, BookingDb db,
        RestaurantCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.BufferAsync(http.Request, ct);
        CreateStaffKeyRequest? request = null;
        if (body.Length > 0)
        {
            (request, var jsonErrors) = JsonBody.Read<CreateStaffKeyRequest>(http.Request, body);
            if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        }
        var label = string.IsNullOrWhiteSpace(request?.Label) ? null : request.Label.Trim();
        if (label is { Length: > MaxLabelLength })
            return Problems.Validation(new() { ["label"] = [$"At most {MaxLabelLength} characters."] });
        if (await catalog.FindAsync(id, ct) is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");

        var key = StaffKeyStore.NewKey();
        var row = new StaffKey { Id = Guid.CreateVersion7(), RestaurantId = id, KeyHash = StaffKeyStore.Hash(key), Label = label, CreatedAt = time.GetUtcNow() };
        db.StaffKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/restaurants/{id}/staff-keys/{row.Id}", new CreatedStaffKey(row.Id, key, id, label, row.CreatedAt));
    }

    /// <summary>Every key of the restaurant, revoked ones included; never the keys themselves.</summary>
    private static async Task<Results<Ok<List<StaffKeyResponse>>, ProblemHttpResult>> ListAsync(Guid id, BookingDb db, RestaurantCatalog catalog, CancellationToken ct)
    {
        if (await catalog.FindAsync(id, ct) is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        var keys = await db.StaffKeys.AsNoTracking().Where(k => k.RestaurantId == id).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .Select(k => new StaffKeyResponse(k.Id, k.RestaurantId, k.Label, k.CreatedAt, k.RevokedAt)).ToListAsync(ct);
        return TypedResults.Ok(keys);
    }

    /// <summary>Idempotent: revoking a revoked key is 204 too. A key of another restaurant is 404.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid id, Guid keyId, BookingDb db, StaffKeyStore store, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var matched = await db.StaffKeys.Where(k => k.Id == keyId && k.RestaurantId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, k => k.RevokedAt ?? now), ct);
        if (matched == 0) return Problems.NotFound("keyId", $"Restaurant {id} has no staff key {keyId}.");
        store.Forget(keyId);
        return TypedResults.NoContent();
    }
}
