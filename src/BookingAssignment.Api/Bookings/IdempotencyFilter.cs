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
/// A booking carries the key it was created under (same row, same transaction), so what was
/// committed decides a replay even when the first request's process died before it answered:
/// that booking is the answer, never a second one.
/// </summary>
internal sealed partial class IdempotencyFilter(IdempotencyStore store, IOptions<BookingOptions> options, ILogger<IdempotencyFilter> logger)
    : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    /// <summary>The key this request runs under, for the handler to stamp on what it creates.</summary>
    public static IdempotencyScope? ScopeOf(HttpContext http) => http.Items[typeof(IdempotencyScope)] as IdempotencyScope;

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
        var scope = new IdempotencyScope(IdempotencyStore.Hash(http.ApiKey() ?? ""), key);
        // The fingerprint covers the target too: one key reused on another booking (PATCH, cancel) is a different request, not a replay.
        var fingerprint = IdempotencyStore.Hash([.. System.Text.Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n"), .. body]);
        var reservation = await store.ReserveAsync(scope.ClientHash, key, fingerprint,
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
            case IdempotencyStore.Reservation.Committed committed:
                return await AnswerWithCommittedAsync(http, scope, committed.BookingId);
        }

        // Reserved. A key released after an in-doubt commit (the database dropped during COMMIT) may still have a booking.
        if (await store.FindBookingAsync(scope.ClientHash, key, http.RequestAborted) is { } existing)
            return await AnswerWithCommittedAsync(http, scope, existing);
        http.Items[typeof(IdempotencyScope)] = scope;
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex) when (DbErrors.IsDuplicateIdempotencyKey(ex))
        {
            // A takeover raced the key's first request, which committed first: its booking is the answer.
            var winner = await store.FindBookingAsync(scope.ClientHash, key, http.RequestAborted);
            return await AnswerWithCommittedAsync(http, scope, winner!.Value);
        }
        catch
        {
            await store.ReleaseAsync(scope.ClientHash, key);
            throw;
        }
        if (Stored(result) is { } stored) await CompleteAsync(scope, stored.Response, stored.BookingId);
        else await store.ReleaseAsync(scope.ClientHash, key);
        return result;
    }

    /// <summary>201 (terminal) or 202 with the booking committed under the key, and the key completed with that answer.</summary>
    private async Task<object?> AnswerWithCommittedAsync(HttpContext http, IdempotencyScope scope, Guid bookingId)
    {
        var services = http.RequestServices;
        var view = (await BookingView.LoadAsync(services.GetRequiredService<BookingDb>(), services.GetRequiredService<RestaurantCatalog>(),
            bookingId, http.RequestAborted))!;
        var location = $"/bookings/{bookingId}";
        var terminal = StateNames.Parse(view.AssignmentState).IsTerminal();
        IResult result = terminal ? TypedResults.Created(location, view) : TypedResults.Accepted(location, view);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (Stored(result) is { } stored) await CompleteAsync(scope, stored.Response, stored.BookingId);
        return result;
    }

    /// <summary>Best effort once something is committed: if the answer cannot be recorded, a replay derives it from the booking.</summary>
    private async Task CompleteAsync(IdempotencyScope scope, StoredResponse response, Guid? bookingId)
    {
        try
        {
            await store.CompleteAsync(scope.ClientHash, scope.Key, response, bookingId, CancellationToken.None);
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            LogNotCompleted(logger, scope.Key, ex.GetBaseException().Message);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer for Idempotency-Key {Key} was sent but not recorded ({Error}); a replay rebuilds it from the committed booking")]
    private static partial void LogNotCompleted(ILogger logger, string key, string error);
}
