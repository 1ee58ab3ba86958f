using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Bookings;

/// <summary>
/// The visit (SPEC §8), staff or ops: seat (<c>checked_in</c>: never moved by the planner again;
/// early if its tables are free until the booked start), complete (<c>completed</c>: tables free
/// from that moment) and no-show (<c>no_show</c>, from the start plus the grace period: tables
/// free). Each runs under the restaurant's lock for the day, is idempotent, writes its event and
/// answers a transition its status does not allow with 409 and the current status.
/// </summary>
internal static class VisitApi
{
    public static void MapVisits(this RouteGroupBuilder bookings)
    {
        bookings.MapPost("/{id:guid}/seat", SeatAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        bookings.MapPost("/{id:guid}/complete", CompleteAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        bookings.MapPost("/{id:guid}/no-show", NoShowAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
    }

    private static Task<Results<Ok<BookingResponse>, ProblemHttpResult>> SeatAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        LockedChange change, EventRecorder events, IOptions<BookingOptions> options, TimeProvider time, CancellationToken ct) =>
        VisitAsync(id, http, db, catalog, change, "seat", async (tx, r, b, now) =>
        {
            if (b.Status == BookingStatus.CheckedIn) return null;
            if (b.Status != BookingStatus.Confirmed)
                return BookingRows.IllegalTransition(b, "seat", $"Only a confirmed booking can be seated; this one is {b.Status}.");
            var tables = await BookingRows.LiveTablesAsync(tx, b.Id, ct);
            var early = now < b.StartAt;
            if (now < b.StartAt.AddMinutes(-options.Value.EarlySeatMinutes))
                return Http.Problems.Status(StatusCodes.Status409Conflict, "Too early to seat",
                    $"A party can be seated at most {options.Value.EarlySeatMinutes} min before its start ({r.Rules.ToLocal(b.StartAt):yyyy-MM-dd HH:mm} local).",
                    "seat_too_early", new Dictionary<string, object?> { ["currentStatus"] = b.Status });
            if (early && await SeatEarlyAsync(tx, r, b, tables, now, ct) is { } taken) return taken;
            b.Status = BookingStatus.CheckedIn;
            b.SeatedAt = now;
            events.Add(tx, BookingEvents.Seated(early, r.LabelsOf(tables)), r.Id, b.Id);
            return null;
        }, time, ct);

    private static Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CompleteAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        LockedChange change, PlanWriter writer, EventRecorder events, TimeProvider time, CancellationToken ct) =>
        VisitAsync(id, http, db, catalog, change, "complete", async (tx, r, b, now) =>
        {
            if (b.Status == BookingStatus.Completed) return null;
            if (b.Status is not (BookingStatus.CheckedIn or BookingStatus.Confirmed))
                return BookingRows.IllegalTransition(b, "complete", $"Only a seated (or confirmed) booking can be completed; this one is {b.Status}.");
            b.Status = BookingStatus.Completed;
            b.CompletedAt = now;
            events.Add(tx, BookingEvents.Completed(await writer.ReleaseAsync(tx, b.Id, ct)), r.Id, b.Id);
            return null;
        }, time, ct);

    private static Task<Results<Ok<BookingResponse>, ProblemHttpResult>> NoShowAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        LockedChange change, PlanWriter writer, EventRecorder events, IOptions<BookingOptions> options, TimeProvider time, CancellationToken ct) =>
        VisitAsync(id, http, db, catalog, change, "no-show", async (tx, r, b, now) =>
        {
            if (b.Status == BookingStatus.NoShow) return null;
            if (b.Status != BookingStatus.Confirmed)
                return BookingRows.IllegalTransition(b, "mark as no-show", $"Only a confirmed booking that was not seated can be a no-show; this one is {b.Status}.");
            var allowedFrom = b.StartAt.AddMinutes(options.Value.NoShowGraceMinutes);
            if (now < allowedFrom)
                return Http.Problems.Status(StatusCodes.Status409Conflict, "Too early for a no-show",
                    $"A no-show can be recorded from {r.Rules.ToLocal(allowedFrom):yyyy-MM-dd HH:mm} local time ({options.Value.NoShowGraceMinutes} min after the start).",
                    "no_show_too_early", new Dictionary<string, object?> { ["currentStatus"] = b.Status, ["allowedFrom"] = r.Rules.ToLocal(allowedFrom) });
            b.Status = BookingStatus.NoShow;
            b.NoShowAt = now;
            events.Add(tx, BookingEvents.NoShow(await writer.ReleaseAsync(tx, b.Id, ct), Math.Round((now - b.StartAt).TotalMinutes, 1)), r.Id, b.Id);
            return null;
        }, time, ct);

    /// <summary>A visit step: null from the step means "done (or already done)", a problem means nothing changes.</summary>
    private delegate Task<ProblemHttpResult?> Step(BookingDb tx, RestaurantModel r, Booking booking, DateTimeOffset now);

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> VisitAsync(Guid id, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        LockedChange change, string action, Step step, TimeProvider time, CancellationToken ct)
    {
        var (found, r, notFound) = await BookingRows.FindAsync(http, db, catalog, id, ct);
        if (notFound is not null) return notFound;
        var done = await change.RunAsync<Results<Ok<BookingResponse>, ProblemHttpResult>>(r!, [r!.Rules.ServiceDate(found!.StartAt)], action, async (tx, _, token) =>
        {
            var b = (await BookingRows.LockAsync(tx, id, token))!;
            var now = time.GetUtcNow();
            if (await step(tx, r, b, now) is { } problem) return (problem, false);
            if (tx.ChangeTracker.HasChanges()) b.UpdatedAt = now;
            await tx.SaveChangesAsync(token);
            return (TypedResults.Ok(BookingView.From(b, r, await BookingRows.LiveTablesAsync(tx, id, token))), true);
        }, ct);
        return done.Busy ? BookingRows.Busy(http) : done.Result!;
    }

    /// <summary>Seated before the booked start: the tables are held from now, if nothing else holds them until then.</summary>
    private static async Task<ProblemHttpResult?> SeatEarlyAsync(BookingDb tx, RestaurantModel r, Booking b, IReadOnlyList<Guid> tables, DateTimeOffset now,
        CancellationToken ct)
    {
        var gap = new Slot(now, b.StartAt);
        var others = await Schedule.LoadAsync(tx, r, Schedule.DayWindow(r, b.StartAt), movableFrom: null, excludeBookingId: b.Id, ct);
        var busy = others.Where(o => o.During.Overlaps(gap) && o.TableIds.Any(tables.Contains)).ToArray();
        if (busy.Length > 0)
            return Http.Problems.Status(StatusCodes.Status409Conflict, "Tables not free yet",
                $"{string.Join(", ", r.LabelsOf(tables))} are held by another booking or a block before {r.Rules.ToLocal(b.StartAt):HH:mm}; seat the party at its time or move it.",
                "tables_not_free", new Dictionary<string, object?> { ["currentStatus"] = b.Status });
        await tx.Assignments.Where(a => a.BookingId == b.Id && a.ReleasedAt == null && a.HeldFrom > now)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.HeldFrom, now), ct);
        return null;
    }
}
