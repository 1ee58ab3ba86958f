using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Ops;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Bookings;

internal static class BookingsApi
{
    /// <summary>Booking options (inline budget, limits) and the idempotency store.</summary>
    public static WebApplicationBuilder AddBookings(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<FaultInjectionOptions>().BindConfiguration(FaultInjectionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IdempotencyStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBookings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/bookings")
            .RequireAuthorization(ApiKeyAuthenticationHandler.ClientPolicy)
            .RequireRateLimiting(HttpRateLimiting.PerApiKey)
            .WithTags("Bookings")
            .AddEndpointFilter<ETagFilter>();
        group.MapPost("/", CreateAsync).Accepts<CreateBookingRequest>("application/json").AddEndpointFilter<IdempotencyFilter>();
        group.MapPatch("/{id:guid}", ModifyApi.ModifyAsync).Accepts<ModifyBookingRequest>("application/json").AddEndpointFilter<IdempotencyFilter>();
        group.MapVisits();
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/cancel", CancelAsync).AddEndpointFilter<IdempotencyFilter>();
        // The hosts' tools on a booking (ops keys only); handlers beside the manual-review queue.
        group.MapPost("/{id:guid}/assign", ManualReviewApi.AssignAsync).Accepts<ManualAssignRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy).WithTags("Ops");
        group.MapPost("/{id:guid}/retry-assignment", ManualReviewApi.RetryAsync).AddEndpointFilter<IdempotencyFilter>()
            .RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy).WithTags("Ops");
        return app;
    }

    private static async Task<Results<Created<BookingResponse>, Accepted<BookingResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, BookingDb db, RestaurantCatalog catalog, AssignmentCoordinator coordinator, IOptions<BookingOptions> options,
        IOptions<FaultInjectionOptions> faults, TimeProvider time, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateBookingRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var shape = BookingValidation.ValidateShape(request!, options.Value, out var startsAt);
        if (shape.Any) return Problems.Validation(shape.ToDictionary());
        // A staff key of another restaurant is told what anyone is told about a restaurant that does not exist.
        var restaurant = http.MaySee(request!.RestaurantId!.Value) ? await catalog.FindAsync(request.RestaurantId.Value, ct) : null;
        if (restaurant is null) return Problems.NotFound("restaurantId", $"Restaurant {request.RestaurantId} does not exist.");
        var rules = BookingValidation.ValidateAgainst(restaurant, request.PartySize!.Value, startsAt, request.ZonePreference, time.GetUtcNow(), options.Value);
        if (rules.Any) return Problems.Validation(rules.ToDictionary());

        Guid? holdId = null;
        if (request.HoldId is { } requestedHold)
        {
            var (live, holdProblem) = await HoldsApi.CheckAsync(db, requestedHold, restaurant.Id, request.PartySize.Value, startsAt, time.GetUtcNow(), ct);
            if (holdProblem is not null) return holdProblem;
            holdId = live;
        }

        var draft = new BookingDraft(restaurant.Id, request.PartySize.Value, startsAt, request.Customer!.Name!,
            NullIfEmpty(request.Customer.Email), NullIfEmpty(request.Customer.Phone), NullIfEmpty(request.Notes), NullIfEmpty(request.ZonePreference),
            IdempotencyFilter.ScopeOf(http), holdId);
        SubmitOutcome outcome;
        try
        {
            outcome = await coordinator.SubmitAsync(restaurant, draft, ct);
        }
        catch (Exception ex) when (DbErrors.IsHoldAlreadyUsed(ex))
        {
            return HoldsApi.AlreadyUsed(holdId!.Value, null);
        }
        switch (outcome)
        {
            case SubmitOutcome.Rejected rejected:
                return NoAvailability(restaurant, rejected);
            case SubmitOutcome.Admitted admitted:
                if (faults.Value.PauseAfterBookingCommitMs > 0) await Task.Delay(TimeSpan.FromMilliseconds(faults.Value.PauseAfterBookingCommitMs), time, ct);
                // From what was committed, not a fresh read: a database gone after the commit cannot turn a saved booking into a 503.
                var view = admitted.Committed is { } c
                    ? BookingView.From(c.Booking, restaurant, c.TableIds)
                    : (await BookingView.LoadAsync(db, catalog, admitted.BookingId, ct))!;
                var location = $"/bookings/{admitted.BookingId}";
                return admitted.Terminal ? TypedResults.Created(location, view) : TypedResults.Accepted(location, view);
            default:
                throw new InvalidOperationException("Unknown submit outcome.");
        }
    }

    /// <summary>409 no_availability: nothing was saved; the nearest start times that pass the check are offered.</summary>
    internal static ProblemHttpResult NoAvailability(RestaurantModel restaurant, SubmitOutcome.Rejected rejected) =>
        Problems.Status(StatusCodes.Status409Conflict, "No availability", rejected.Reason == YieldForecasts.Reason
                ? "The tables free at that time are kept for larger parties (the restaurant's yield setting). Try one of the alternatives."
                : "No table can seat this party at that time. Try one of the alternatives.",
            "no_availability", new Dictionary<string, object?>
            {
                ["reason"] = rejected.Reason,
                ["alternatives"] = rejected.Alternatives.Select(restaurant.Rules.ToLocal).ToArray(),
            }, type: "https://booking-assignment.dev/problems/no_availability");

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        CancellationToken ct)
    {
        var view = await BookingView.LoadAsync(db, catalog, id, ct);
        return view is null || !http.MaySee(view.RestaurantId) ? Problems.NotFound("id", $"Booking {id} does not exist.") : TypedResults.Ok(view);
    }

    /// <summary>Idempotent: cancelling twice returns the cancelled booking. Frees the tables.</summary>
    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        PlanWriter writer, EventRecorder events, TimeProvider time, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var booking = await BookingRows.LockAsync(db, id, ct);
        if (booking is null || !http.MaySee(booking.RestaurantId)) return Problems.NotFound("id", $"Booking {id} does not exist.");
        if (booking.Status is BookingStatus.CheckedIn or BookingStatus.Completed or BookingStatus.NoShow)
            return BookingRows.IllegalTransition(booking, "cancel", $"The party is {booking.Status}; a visit that happened cannot be cancelled.");
        if (booking.Status != BookingStatus.Cancelled)
        {
            var now = time.GetUtcNow();
            var previous = booking.Status;
            booking.Status = BookingStatus.Cancelled;
            booking.CancelledAt = now;
            booking.UpdatedAt = now;
            booking.NextAttemptAt = null;
            var released = await writer.ReleaseAsync(db, id, ct);
            events.Add(db, BookingEvents.Cancelled(previous, StateNames.Of(booking.AssignmentState), released), booking.RestaurantId, id);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok((await BookingView.LoadAsync(db, catalog, id, ct))!);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
