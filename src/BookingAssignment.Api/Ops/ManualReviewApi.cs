using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Http;
using BookingAssignment.Api.Locking;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Ops;

internal sealed record ManualReviewList(int Count, IReadOnlyList<ManualReviewItem> Items);

internal sealed record ManualAssignRequest(List<string>? Tables);

internal sealed record ManualReviewItem(
    Guid Id, string Reference, Guid RestaurantId, string RestaurantName, int PartySize, DateTimeOffset StartsAt,
    string Pipeline, string? Reason, double AgeMinutes, string CustomerName, IReadOnlyList<IReadOnlyList<string>> SuggestedTables);

/// <summary>
/// The hosts' queue: bookings the pipelines could not place, with suggested tables, and the
/// operator's manual assignment (validated by the same rules, 409 on conflict, pinned so that
/// reassignment never moves it, audited in history and events).
/// </summary>
internal static class ManualReviewApi
{
    /// <summary>The queue, oldest service time first, with a suggested table set per booking (the day's schedule loaded once per restaurant and date).</summary>
    public static async Task<Ok<ManualReviewList>> ListAsync(Guid? restaurantId, int? limit, BookingDb db, RestaurantCatalog catalog,
        [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner, TimeProvider time, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 100, 1, 500);
        var query = db.Bookings.AsNoTracking().Where(b => b.AssignmentState == AssignmentState.ManualReview && b.Status == BookingStatus.Pending);
        if (restaurantId is { } rid) query = query.Where(b => b.RestaurantId == rid);
        var rows = await query.OrderBy(b => b.StartAt).Take(take).ToListAsync(ct);
        var now = time.GetUtcNow();
        var items = new List<ManualReviewItem>();
        var days = new Dictionary<(Guid, DateOnly), IReadOnlyList<Occupancy>>();
        foreach (var b in rows)
        {
            var r = (await catalog.FindAsync(b.RestaurantId, ct))!;
            var day = (r.Id, r.Rules.ServiceDate(b.StartAt));
            if (!days.TryGetValue(day, out var schedule))
                days[day] = schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, b.StartAt), movableFrom: null, excludeBookingId: null, ct);
            var others = schedule.Where(o => o.BookingId != b.Id).ToArray();
            var request = new PlanRequest(b.PartySize, r.Rules.HeldWindow(b.StartAt, b.PartySize), b.ZonePreference);
            var suggestions = new List<IReadOnlyList<string>>();
            if (planner.Plan(r.Floor, others, request) is { Moves.Count: 0 } plan) suggestions.Add(r.LabelsOf(plan.TableIds));
            items.Add(new ManualReviewItem(b.Id, b.Reference, b.RestaurantId, r.Entity.Name, b.PartySize, r.Rules.ToLocal(b.StartAt),
                b.AssignmentPipeline, b.AssignmentReason, Math.Round((now - b.CreatedAt).TotalMinutes, 1), b.CustomerName, suggestions));
        }
        return TypedResults.Ok(new ManualReviewList(items.Count, items));
    }

    /// <summary>POST /bookings/{id}/assign: the operator's tables, validated by the floor's rules; pinned so reassignment never moves them.</summary>
    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> AssignAsync(Guid id, HttpContext http, BookingDb db,
        RestaurantCatalog catalog, PlanWriter writer, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<ManualAssignRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        if (request!.Tables is not { Count: > 0 } labels) return Problems.Validation(new() { ["tables"] = ["Give at least one table label."] });
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null) return Problems.NotFound("id", $"Booking {id} does not exist.");
        var r = (await catalog.FindAsync(booking.RestaurantId, ct))!;
        var indexes = new List<int>();
        var errors = new FieldErrors();
        foreach (var label in labels.Distinct(StringComparer.Ordinal))
        {
            var table = r.Floor.Tables.FirstOrDefault(t => t.Label == label);
            if (table is null) errors.Add("tables", $"Unknown table '{label}'.");
            else indexes.Add(r.Floor.IndexOf(table.Id));
        }
        if (!errors.Any)
        {
            if (!r.Floor.IsAllowedSet(indexes))
                errors.Add("tables", $"Tables {string.Join(", ", labels)} cannot be joined: they must be adjacent, in one zone, and at most {r.Floor.MaxTablesPerBooking}.");
            else if (!r.Floor.Seats(indexes, booking.PartySize))
                errors.Add("tables", $"A party of {booking.PartySize} does not fit {string.Join(", ", labels)} " +
                                     $"({(indexes.Count == 1 ? r.Floor.Tables[indexes[0]].MinCovers : 1)}–{indexes.Sum(i => r.Floor.Tables[i].MaxCovers)} covers).");
        }
        if (errors.Any) return Problems.Validation(errors.ToDictionary());
        return await ApplyAsync(db, r, id, indexes.Select(i => r.Floor.Tables[i].Id).ToArray(), pinned: true, "operator", writer, ct);
    }

    /// <summary>Asks the V3 planner again for a manual-review booking and, if it now fits, assigns it.</summary>
    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> RetryAsync(Guid id, BookingDb db, RestaurantCatalog catalog, PlanWriter writer,
        [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner planner, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null) return Problems.NotFound("id", $"Booking {id} does not exist.");
        if (booking.AssignmentState != AssignmentState.ManualReview || booking.Status != BookingStatus.Pending)
            return Problems.Status(StatusCodes.Status409Conflict, "Not in manual review", $"Booking {id} is {StateNames.Of(booking.AssignmentState)}/{booking.Status}.", "not_in_manual_review");
        var r = (await catalog.FindAsync(booking.RestaurantId, ct))!;
        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, booking.StartAt), movableFrom: null, excludeBookingId: id, ct);
        var plan = planner.Plan(r.Floor, schedule, new PlanRequest(booking.PartySize, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.ZonePreference));
        if (plan is null || plan.Moves.Count > 0)
            return Problems.Status(StatusCodes.Status409Conflict, "Still no placement", "No free tables seat this party at that time without moving other bookings; assign tables by hand.", "no_plan");
        return await ApplyAsync(db, r, id, plan.TableIds, pinned: false, "operator_retry", writer, ct);
    }

    private static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(BookingDb db, RestaurantModel r, Guid id, IReadOnlyList<Guid> tableIds, bool pinned, string actor,
        PlanWriter writer, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var booking = await db.Bookings.SingleAsync(b => b.Id == id, ct);
        await AdvisoryLock.AcquireAsync(db, r.Id, r.Rules.ServiceDate(booking.StartAt), ct);
        await db.Entry(booking).ReloadAsync(ct);
        if (booking.Status == BookingStatus.Cancelled)
            return Problems.Status(StatusCodes.Status409Conflict, "Booking cancelled", $"Booking {id} is cancelled.", "cancelled");
        if (!(booking.AssignmentState is AssignmentState.ManualReview or AssignmentState.Confirmed))
            return Problems.Status(StatusCodes.Status409Conflict, "Assignment in progress",
                $"Booking {id} is {StateNames.Of(booking.AssignmentState)}; wait until the coordinator finishes.", "assignment_in_progress");

        await writer.StageManualAsync(db, r, booking, tableIds, pinned, actor, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (DbErrors.IsExclusionViolation(ex) || DbErrors.IsLostRace(ex))
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Tables not free",
                $"{string.Join(", ", r.LabelsOf(tableIds))} are held by another booking at that time; nothing was changed.", "tables_taken");
        }
        return TypedResults.Ok(BookingView.From(booking, r, tableIds));
    }
}
