using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Api.Observability.Events;
using BookingAssignment.Core.StateMachine;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingAssignment.Api.Bookings;

public static class BookingsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapBookings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/bookings")
            .RequireAuthorization(ApiKeyAuthenticationHandler.ClientPolicy)
            .RequireRateLimiting(HttpRateLimiting.PerApiKey)
            .WithTags("Bookings");
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/cancel", CancelAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RestaurantCatalog catalog, AssignmentCoordinator coordinator,
        IdempotencyStore idempotency, IOptions<BookingOptions> options, TimeProvider time, IServiceScopeFactory scopes, CancellationToken ct)
    {
        var body = await JsonBody.BufferAsync(http.Request, ct);
        var (request, jsonErrors) = await JsonBody.ReadAsync<CreateBookingRequest>(http.Request, body);
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var shape = BookingValidation.ValidateShape(request!, options.Value, out var startsAt);
        if (shape.Any) return Problems.Validation(shape.ToDictionary());

        string? key = http.Request.Headers[IdempotencyHeader];
        var clientKeyHash = IdempotencyStore.Hash(http.ApiKey() ?? "");
        if (key is not null)
        {
            if (key.Length is 0 or > 255)
                return Problems.Validation(new() { [IdempotencyHeader] = ["Must be 1–255 characters."] });
            var reservation = await idempotency.ReserveAsync(clientKeyHash, key, IdempotencyStore.Hash(body),
                TimeSpan.FromMilliseconds(options.Value.InlineBudgetMs + 500), ct);
            switch (reservation)
            {
                case IdempotencyStore.Reservation.Replay replay:
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    return replay.Response.ToResult(http);
                case IdempotencyStore.Reservation.BodyMismatch:
                    return Problems.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                        $"The {IdempotencyHeader} '{key}' was already used with a different request body.", "idempotency_key_reused");
                case IdempotencyStore.Reservation.StillInFlight:
                    return Problems.Status(StatusCodes.Status409Conflict, "Request in progress",
                        $"A request with {IdempotencyHeader} '{key}' is still being processed; retry shortly.", "idempotency_key_in_flight");
            }
        }

        try
        {
            var restaurant = await catalog.FindAsync(request!.RestaurantId!.Value, ct);
            if (restaurant is null)
            {
                if (key is not null) await idempotency.ReleaseAsync(clientKeyHash, key);
                return Problems.NotFound("restaurantId", $"Restaurant {request.RestaurantId} does not exist.");
            }
            var rules = BookingValidation.ValidateAgainst(restaurant, request.PartySize!.Value, startsAt, request.ZonePreference, time.GetUtcNow(), options.Value);
            if (rules.Any)
            {
                if (key is not null) await idempotency.ReleaseAsync(clientKeyHash, key);
                return Problems.Validation(rules.ToDictionary());
            }

            var draft = new BookingDraft(restaurant.Id, request.PartySize.Value, startsAt, request.Customer!.Name!,
                NullIfEmpty(request.Customer.Email), NullIfEmpty(request.Customer.Phone), NullIfEmpty(request.Notes), NullIfEmpty(request.ZonePreference));
            var outcome = await coordinator.SubmitAsync(restaurant, draft, ct);
            var (response, bookingId) = await ToResponseAsync(outcome, restaurant, scopes, ct);
            if (key is not null) await idempotency.CompleteAsync(clientKeyHash, key, response, bookingId, CancellationToken.None);
            return response.ToResult(http);
        }
        catch when (key is not null)
        {
            await idempotency.ReleaseAsync(clientKeyHash, key);
            throw;
        }
    }

    private static async Task<(StoredResponse, Guid?)> ToResponseAsync(SubmitOutcome outcome, RestaurantModel restaurant,
        IServiceScopeFactory scopes, CancellationToken ct)
    {
        switch (outcome)
        {
            case SubmitOutcome.Rejected rejected:
                var problem = new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "No availability",
                    Type = "https://booking-assignment.dev/problems/no_availability",
                    Detail = "No table can seat this party at that time. Try one of the alternatives.",
                };
                problem.Extensions["code"] = "no_availability";
                problem.Extensions["reason"] = rejected.Reason;
                problem.Extensions["alternatives"] = rejected.Alternatives.Select(restaurant.Rules.ToLocal).ToArray();
                return (new StoredResponse(StatusCodes.Status409Conflict, Problems.Serialize(problem), null), null);
            case SubmitOutcome.Admitted admitted:
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
                    var catalog = scope.ServiceProvider.GetRequiredService<RestaurantCatalog>();
                    var view = await BookingView.LoadAsync(db, catalog, admitted.BookingId, ct);
                    var status = admitted.Terminal ? StatusCodes.Status201Created : StatusCodes.Status202Accepted;
                    var json = System.Text.Json.JsonSerializer.Serialize(view, JsonBody.Options);
                    return (new StoredResponse(status, json, $"/bookings/{admitted.BookingId}"), admitted.BookingId);
                }
            default:
                throw new InvalidOperationException($"Unknown outcome {outcome}");
        }
    }

    private static async Task<IResult> GetAsync(Guid id, BookingDb db, RestaurantCatalog catalog, CancellationToken ct)
    {
        var view = await BookingView.LoadAsync(db, catalog, id, ct);
        return view is null ? Problems.NotFound("id", $"Booking {id} does not exist.") : Results.Json(view, JsonBody.Options);
    }

    /// <summary>Idempotent: cancelling twice returns the cancelled booking. Frees the tables.</summary>
    private static async Task<IResult> CancelAsync(Guid id, BookingDb db, RestaurantCatalog catalog, EventRecorder events, TimeProvider time, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var booking = await db.Bookings.FromSql($"SELECT * FROM bookings WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (booking is null) return Problems.NotFound("id", $"Booking {id} does not exist.");
        if (booking.Status != BookingStatus.Cancelled)
        {
            var now = time.GetUtcNow();
            var previous = booking.Status;
            booking.Status = BookingStatus.Cancelled;
            booking.CancelledAt = now;
            booking.UpdatedAt = now;
            booking.NextAttemptAt = null;
            var released = await db.Assignments.Where(a => a.BookingId == id && a.ReleasedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ReleasedAt, now), ct);
            events.Add(db, BookingEvents.Cancelled(previous, StateNames.Of(booking.AssignmentState), released), booking.RestaurantId, id);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        var view = await BookingView.LoadAsync(db, catalog, id, ct);
        return Results.Json(view, JsonBody.Options);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
