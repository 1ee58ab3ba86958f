using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

internal sealed record CreateHoldRequest(int? PartySize, string? StartsAt);

internal sealed record HoldResponse(Guid HoldId, Guid RestaurantId, int PartySize, DateTimeOffset StartsAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Holds (SPEC §8): POST /restaurants/{id}/holds reserves capacity for a party and start time for
/// a few minutes (the slot-lock an integrator takes while the guest fills in a form). It is granted
/// under the restaurant's lock by the same decision that admits bookings, and from then on every
/// decision counts it (<see cref="Schedule"/>) until it expires or a booking consumes it. A
/// booking that brings a live hold is admitted as it stands — never refused.
/// </summary>
internal static class HoldsApi
{
    public static async Task<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid id, HttpContext http, RestaurantCatalog catalog,
        LockedChange locked, Admission admission, AvailabilityPlanner availability, YieldForecasts yields, EventRecorder events, IOptions<BookingOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateHoldRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var r = await catalog.FindAsync(id, ct);
        if (r is null || !http.MaySee(id)) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        var shape = new FieldErrors();
        if (request!.PartySize is not >= 1) shape.Add("partySize", "Required: at least 1.");
        var instant = BookingValidation.Instant(request.StartsAt, "startsAt", shape);
        if (shape.Any) return Problems.Validation(shape.ToDictionary());
        var (party, startsAt) = (request.PartySize!.Value, instant!.Value);
        var rules = BookingValidation.ValidateAgainst(r, party, startsAt, null, time.GetUtcNow(), options.Value);
        if (rules.Any) return Problems.Validation(rules.ToDictionary());

        await yields.PrepareAsync(r, ct);
        var done = await locked.RunAsync<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>>(r, [r.Rules.ServiceDate(startsAt)], "hold",
            async (tx, _, token) =>
            {
                var now = time.GetUtcNow();
                var schedule = await Schedule.LoadAsync(tx, r, Schedule.DayWindow(r, startsAt), admission.MovableFrom(PipelineSelector.V3, now), null, token);
                var planRequest = new PlanRequest(party, r.Rules.HeldWindow(startsAt, party));
                // A hold promises a booking that is never refused: the yield setting judges it here, as it would the booking.
                var seatable = admission.DecideV3(r, schedule, planRequest) as ArrangementDecision.Feasible;
                var yielded = seatable is not null && yields.Refuses(r, schedule, planRequest, seatable.Plan, now);
                if (seatable is null || yielded)
                {
                    var alternatives = await availability.AlternativesAsync(r, schedule, party, startsAt, now, options.Value.AlternativesCount);
                    return (BookingsApi.NoAvailability(r, new SubmitOutcome.Rejected(yielded ? YieldForecasts.Reason : "no_availability", alternatives)), false);
                }
                var hold = new BookingHold
                {
                    Id = Guid.CreateVersion7(now), RestaurantId = r.Id, PartySize = party, StartAt = startsAt.ToUniversalTime(),
                    EndAt = r.Rules.EndOf(startsAt, party).ToUniversalTime(), ExpiresAt = now.AddSeconds(options.Value.HoldTtlSeconds),
                };
                tx.Holds.Add(hold);
                events.Add(tx, RestaurantEvents.HoldCreated(hold.Id, party, hold.StartAt, hold.ExpiresAt), r.Id, null);
                return (TypedResults.Created($"/restaurants/{r.Id}/holds/{hold.Id}",
                    new HoldResponse(hold.Id, r.Id, party, r.Rules.ToLocal(hold.StartAt), r.Rules.ToLocal(hold.ExpiresAt))), true);
            }, ct);
        return done.Busy ? BookingRows.Busy(http) : done.Result!;
    }

    /// <summary>
    /// A booking's <c>holdId</c>, checked before admission: it must be this restaurant's, for the same
    /// party and start, and not consumed yet. Returns the hold id to consume (null when it has
    /// expired: the request is then admitted like any other) or the problem to answer.
    /// </summary>
    public static async Task<(Guid? LiveHoldId, ProblemHttpResult? Problem)> CheckAsync(BookingDb db, Guid holdId, Guid restaurantId, int partySize, DateTimeOffset startsAt,
        DateTimeOffset now, CancellationToken ct)
    {
        var hold = await db.Holds.AsNoTracking().SingleOrDefaultAsync(h => h.Id == holdId, ct);
        if (hold is null || hold.RestaurantId != restaurantId) return (null, Problems.NotFound("holdId", $"Hold {holdId} does not exist at this restaurant."));
        if (hold.PartySize != partySize || hold.StartAt != startsAt)
            return (null, Problems.Invalid("holdId", $"The hold is for a party of {hold.PartySize} at {hold.StartAt:O}; book that party and time, or drop holdId."));
        if (await db.Bookings.Where(b => b.HoldId == holdId).Select(b => (Guid?)b.Id).FirstOrDefaultAsync(ct) is { } used)
            return (null, AlreadyUsed(holdId, used));
        return (hold.ExpiresAt > now ? holdId : null, null);
    }

    public static ProblemHttpResult AlreadyUsed(Guid holdId, Guid? bookingId) =>
        Problems.Status(StatusCodes.Status409Conflict, "Hold already used", $"Hold {holdId} was consumed by another booking.", "hold_already_used",
            new Dictionary<string, object?> { ["bookingId"] = bookingId });
}
