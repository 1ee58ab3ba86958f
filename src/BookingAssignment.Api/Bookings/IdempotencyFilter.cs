using System.Text.Json;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Bookings;

/// <summary>
/// <c>Idempotency-Key</c> for a write endpoint, scoped per API key: the first request reserves the
/// key and its answer is stored; a replay with the same body gets that answer again, a different
/// body 422, a replay while the first is still working 409. Answers that say nothing happened
/// (400, 404, 5xx) release the key so the client can correct and retry.
/// </summary>
internal sealed class IdempotencyFilter(IdempotencyStore store, IOptions<BookingOptions> options) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.Request.Headers[Header];
        if (keys.Count == 0) return await next(context);
        // Repeated headers arrive as several values, or folded into one with commas ("a, b"): either way, not one key.
        if (keys.Count > 1 || keys[0]!.Contains(','))
            return Problems.Validation(new Dictionary<string, string[]> { [Header] = ["Send exactly one key, once (no commas)."] });
        var key = keys[0]!;
        if (key.Length is 0 or > 255) return Problems.Validation(new Dictionary<string, string[]> { [Header] = ["Must be 1–255 characters."] });

        var body = await JsonBody.BufferAsync(http.Request, http.RequestAborted);
        var client = IdempotencyStore.Hash(http.ApiKey() ?? "");
        var reservation = await store.ReserveAsync(client, key, IdempotencyStore.Hash(body),
            TimeSpan.FromMilliseconds(options.Value.InlineBudgetMs + 500), http.RequestAborted);
        switch (reservation)
        {
            case IdempotencyStore.Reservation.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return replay.Response.ToResult(http);
            case IdempotencyStore.Reservation.BodyMismatch:
                return Problems.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"The {Header} '{key}' was already used with a different request body.", "idempotency_key_reused");
            case IdempotencyStore.Reservation.StillInFlight:
                return Problems.Status(StatusCodes.Status409Conflict, "Request in progress",
                    $"A request with {Header} '{key}' is still being processed; retry shortly.", "idempotency_key_in_flight");
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await store.ReleaseAsync(client, key);
            throw;
        }
        if (Stored(result) is { } stored)
            await store.CompleteAsync(client, key, stored.Response, stored.BookingId, CancellationToken.None);
        else
            await store.ReleaseAsync(client, key);
        return result;
    }

    /// <summary>The answer to keep for replays, or null when the request changed nothing worth replaying.</summary>
    private static (StoredResponse Response, Guid? BookingId)? Stored(object? result)
    {
        while (result is INestedHttpResult nested) result = nested.Result; // a Results<…> union wraps the actual result
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status is StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound || status >= 500) return null;
        var value = (result as IValueHttpResult)?.Value;
        var location = result switch
        {
            Created<BookingResponse> c => c.Location,
            Accepted<BookingResponse> a => a.Location,
            _ => null,
        };
        var json = value is null ? "" : JsonSerializer.Serialize(value, value.GetType(), JsonBody.Options);
        return (new StoredResponse(status, json, location), (value as BookingResponse)?.Id);
    }
}
