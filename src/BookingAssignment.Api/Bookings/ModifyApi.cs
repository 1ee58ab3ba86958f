using System.Globalization;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Bookings;

/// <summary>
/// PATCH /bookings/{id} (SPEC §8). Notes and customer change in place. A change of party, time or
/// zone is re-assigned by the booking's own pipeline (<see cref="Replanner"/>: V3's exact decision
/// with trigger <c>modify</c>, or legacy's planner) under the locks of the old and the new service
/// date, in one transaction: the booking keeps its tables until the new arrangement commits, and a
/// change that cannot be served is a 409 <c>no_availability</c> with the booking exactly as it was.
/// <c>If-Match</c> (the booking's ETag) makes a stale change a 412.
/// </summary>
internal static class ModifyApi
{
    private const string Trigger = "modify";

    private sealed record Change(int PartySize, DateTimeOffset StartsAt, string? Zone, string? Notes, CustomerDto Customer, bool Replan);

    public static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> ModifyAsync(Guid id, HttpContext http, BookingDb db,
        RestaurantCatalog catalog, LockedChange locked, Replanner replanner, PlanWriter writer, AvailabilityPlanner availability, EventRecorder events,
        PipelineSelector selector, ShadowRunner shadow, IOptions<BookingOptions> options, TimeProvider time, CancellationToken ct)
    {
        var (patch, jsonErrors) = JsonBody.Read<ModifyBookingRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var (current, r, notFound) = await BookingRows.FindAsync(http, db, catalog, id, ct);
        if (notFound is not null) return notFound;
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (Stale(current!, ifMatch) is { } stale) return stale;
        if (BookingStatus.IsFinal(current!.Status))
            return Problems.Status(StatusCodes.Status409Conflict, "Booking cannot be modified", $"Booking {id} is {current.Status}.", "booking_not_modifiable",
                new Dictionary<string, object?> { ["currentStatus"] = current.Status });
        var (change, errors) = Merge(current, patch!, r!, options.Value, time.GetUtcNow());
        if (errors.Any) return Problems.Validation(errors.ToDictionary());
        if (change!.Replan && Unplannable(current) is { } why) return why;

        var dates = new[] { r!.Rules.ServiceDate(current.StartAt), r.Rules.ServiceDate(change.StartsAt) };
        var done = await locked.RunAsync<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>>(r, dates, Trigger, async (tx, lockEvent, token) =>
        {
            var b = (await BookingRows.LockAsync(tx, id, token))!;
            if (Stale(b, ifMatch) is { } lost) return (lost, false);
            if (BookingStatus.IsFinal(b.Status) || (change.Replan && Unplannable(b) is not null))
                return (BookingRows.IllegalTransition(b, "modify", $"Booking {id} changed to {b.Status} meanwhile."), false);
            var before = await BookingRows.LiveTablesAsync(tx, id, token);
            var changed = Apply(b, change, r);
            if (changed.Count == 0) return (TypedResults.Ok(BookingView.From(b, r, before)), false);
            if (change.Replan)
            {
                var request = new PlanRequest(b.PartySize, r.Rules.HeldWindow(b.StartAt, b.PartySize), b.ZonePreference);
                var replan = await replanner.DecideAsync(tx, r, b, request, token);
                if (replan.Decision is not ArrangementDecision.Feasible { Plan: var plan })
                {
                    var reason = replan.Decision is ArrangementDecision.Infeasible no ? no.Reason : "planner_budget_exhausted";
                    var alternatives = await availability.AlternativesAsync(r, replan.Schedule, b.PartySize, b.StartAt, time.GetUtcNow(), options.Value.AlternativesCount);
                    return (BookingsApi.NoAvailability(r, new SubmitOutcome.Rejected(reason, alternatives)), false);
                }
                if (b.AssignmentPipeline == PipelineSelector.V3) events.Add(tx, lockEvent, r.Id, b.Id);
                await writer.StageReplanAsync(tx, r, b, plan, m => m.Modify(), Trigger, token);
            }
            b.UpdatedAt = time.GetUtcNow();
            await tx.SaveChangesAsync(token);
            var after = await BookingRows.LiveTablesAsync(tx, id, token);
            events.Add(tx, BookingEvents.Modified(changed, r.LabelsOf(after), r.LabelsOf(before)), r.Id, b.Id);
            return (TypedResults.Ok(BookingView.From(b, r, after)), true);
        }, ct);
        if (done.Busy) return BookingRows.Busy(http);
        if (change.Replan && done.Result!.Result is Ok<BookingResponse> && (await selector.ChooseAsync(r.Id)).DryRun is not null)
            shadow.Start(r, id, current.AssignmentPipeline == PipelineSelector.V3 ? PipelineSelector.Legacy : PipelineSelector.V3);
        return done.Result!;
    }

    /// <summary>412 when If-Match names another version (a missing If-Match, or "*", modifies whatever is current).</summary>
    private static ProblemHttpResult? Stale(Booking b, string ifMatch)
    {
        if (ifMatch.Length == 0 || ifMatch == "*") return null;
        var current = BookingResponse.TagOf(b.RowVersion);
        if (ifMatch.Split(',').Any(tag => tag.Trim() == current)) return null;
        return Problems.Status(StatusCodes.Status412PreconditionFailed, "Booking changed", $"If-Match {ifMatch} is not the booking's current ETag {current}; read it again.",
            "etag_mismatch", new Dictionary<string, object?> { ["currentETag"] = current });
    }

    /// <summary>Party, time and zone can change only on a booking that is not seated and whose assignment is settled.</summary>
    private static ProblemHttpResult? Unplannable(Booking b)
    {
        if (b.Status == BookingStatus.CheckedIn)
            return BookingRows.IllegalTransition(b, "modify", "The party is seated: only notes and customer details can change.");
        if (b.AssignmentState is AssignmentState.Confirmed or AssignmentState.ManualReview) return null;
        return Problems.Status(StatusCodes.Status409Conflict, "Assignment in progress",
            $"Booking {b.Id} is {StateNames.Of(b.AssignmentState)}; change it once its assignment finishes.", "assignment_in_progress",
            new Dictionary<string, object?> { ["currentStatus"] = b.Status, ["assignmentState"] = StateNames.Of(b.AssignmentState) });
    }

    /// <summary>The patch over the booking, validated as a whole with the create rules.</summary>
    private static (Change?, FieldErrors) Merge(Booking b, ModifyBookingRequest p, RestaurantModel r, BookingOptions options, DateTimeOffset now)
    {
        var customer = new CustomerDto(p.Customer?.Name ?? b.CustomerName, p.Customer?.Email ?? b.CustomerEmail, p.Customer?.Phone ?? b.CustomerPhone);
        var merged = new CreateBookingRequest(b.RestaurantId, p.PartySize ?? b.PartySize,
            p.StartsAt ?? r.Rules.ToLocal(b.StartAt).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            customer, p.Notes ?? b.Notes, p.ZonePreference ?? b.ZonePreference);
        var errors = BookingValidation.ValidateShape(merged, options, out var startsAt);
        if (errors.Any) return (null, errors);
        var zone = Clear(p.ZonePreference, b.ZonePreference);
        var replan = merged.PartySize != b.PartySize || startsAt != b.StartAt || zone != b.ZonePreference;
        if (replan)
        {
            errors = BookingValidation.ValidateAgainst(r, merged.PartySize!.Value, startsAt, zone, now, options);
            if (errors.Any) return (null, errors);
        }
        return (new Change(merged.PartySize!.Value, startsAt, zone, Clear(p.Notes, b.Notes), customer, replan), errors);
    }

    private static string? Clear(string? patched, string? current) => patched is null ? current : patched.Trim() is { Length: > 0 } v ? v : null;

    /// <summary>Applies the change to the row; returns each changed field, old and new (empty: nothing to do).</summary>
    private static Dictionary<string, (object? Old, object? New)> Apply(Booking b, Change c, RestaurantModel r)
    {
        var changed = new Dictionary<string, (object?, object?)>();
        void Set<T>(string field, T old, T value, Action<T> write)
        {
            if (EqualityComparer<T>.Default.Equals(old, value)) return;
            changed[field] = (old, value);
            write(value);
        }
        Set("partySize", b.PartySize, c.PartySize, v => b.PartySize = v);
        Set("startsAt", b.StartAt, c.StartsAt.ToUniversalTime(), v => b.StartAt = v);
        Set("zonePreference", b.ZonePreference, c.Zone, v => b.ZonePreference = v);
        Set("notes", b.Notes, c.Notes, v => b.Notes = v);
        Set("customer.name", b.CustomerName, c.Customer.Name!.Trim(), v => b.CustomerName = v);
        Set("customer.email", b.CustomerEmail, NullIfEmpty(c.Customer.Email), v => b.CustomerEmail = v);
        Set("customer.phone", b.CustomerPhone, NullIfEmpty(c.Customer.Phone), v => b.CustomerPhone = v);
        if (c.Replan) b.EndAt = r.Rules.EndOf(b.StartAt, b.PartySize).ToUniversalTime();
        return changed;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
