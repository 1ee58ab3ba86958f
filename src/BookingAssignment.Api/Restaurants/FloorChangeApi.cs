using System.Text.Json;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

internal sealed record FloorChangeResponse(RestaurantResponse Restaurant, bool DryRun, IReadOnlyList<string> TablesAdded, IReadOnlyList<string> TablesRetired,
    IReadOnlyList<ReseatOutcome> Replanned, IReadOnlyList<ReseatOutcome> ManualReview);

/// <summary>
/// PUT /restaurants/{id} (SPEC §8), ops or staff: replaces services, turn times, buffer, tables and
/// adjacency, validated as on create. Tables missing from the new floor are retired, never deleted.
/// Every booking not yet over that the new floor strands (a table retired or made too small, a
/// combination no longer allowed, its service gone) is re-seated through its pipeline (trigger
/// <c>floor_change</c>) or sent to manual review; the answer lists both. <c>?dryRun=true</c> runs
/// the same transaction and rolls it back. New turn times apply to bookings placed from now on.
/// </summary>
internal static class FloorChangeApi
{
    public static async Task<Results<Ok<FloorChangeResponse>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(Guid id, bool? dryRun, HttpContext http, BookingDb db,
        RestaurantCatalog catalog, LockedChange locked, Reseating reseating, EventRecorder events, TimeProvider time, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateRestaurantRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var current = await catalog.FindAsync(id, ct);
        if (current is null || !http.MaySee(id)) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        var errors = RestaurantValidation.Validate(request!);
        if (request!.TimeZone is { } tz && tz != current.Entity.TimeZone)
            errors.Add("timeZone", $"The time zone cannot change (it is {current.Entity.TimeZone}): every booking's local time depends on it.");
        if (errors.Any) return Problems.Validation(errors.ToDictionary());

        // Redis locks for the days a preview of the change strands bookings on; the transaction re-checks under their advisory locks.
        var preview = RestaurantCatalog.Build(Preview(current.Entity, request));
        var days = (await StrandedAsync(db, preview, time.GetUtcNow(), ct)).Select(s => s.Day).Append(current.Rules.ServiceDate(time.GetUtcNow()));
        var done = await locked.RunAsync<FloorChangeResponse>(current, days, Reseating.Trigger, async (tx, _, token) =>
        {
            var now = time.GetUtcNow();
            var entity = await tx.Restaurants.Include(x => x.Zones).Include(x => x.Tables).Include(x => x.Adjacency).AsSplitQuery().SingleAsync(x => x.Id == id, token);
            var (added, retired) = FloorEdit.Apply(tx, entity, request, now);
            await tx.SaveChangesAsync(token);
            var model = RestaurantCatalog.Build(entity);
            var stranded = await StrandedAsync(tx, model, now, token);
            foreach (var day in stranded.Select(s => s.Day).Distinct().Order()) await Locking.AdvisoryLock.AcquireAsync(tx, id, day, token);
            var outcomes = await reseating.ReseatAsync(tx, model, stranded.Select(s => s.BookingId), "floor_changed", token);
            var (moved, sent) = (outcomes.Where(o => o.Reason is null).ToArray(), outcomes.Where(o => o.Reason is not null).ToArray());
            events.Add(tx, RestaurantEvents.FloorChanged(added, retired, moved.Length, sent.Length), id, null);
            return (new FloorChangeResponse(RestaurantsApi.ToResponse(model), dryRun == true, added, retired, moved, sent), dryRun != true);
        }, ct);
        if (done.Busy) return BookingRows.Busy(http);
        if (dryRun != true) catalog.Invalidate(id);
        return TypedResults.Ok(done.Result!);
    }

    private sealed record Stranded(Guid BookingId, DateOnly Day);

    /// <summary>Confirmed bookings not yet over whose live tables the floor no longer allows for their party, or whose start no service covers.</summary>
    private static async Task<List<Stranded>> StrandedAsync(BookingDb db, RestaurantModel r, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await db.Assignments.Where(a => a.ReleasedAt == null && a.HeldUntil > now)
            .Join(db.Bookings, a => a.BookingId, b => b.Id, (a, b) => new { a.TableId, b.Id, b.RestaurantId, b.Status, b.StartAt, b.PartySize })
            .Where(x => x.RestaurantId == r.Id && x.Status == BookingStatus.Confirmed).ToListAsync(ct);
        return rows.GroupBy(x => x.Id)
            .Where(g => !r.Rules.CheckSeating(g.First().StartAt).Ok || !r.Floor.Seats(g.Select(x => r.Floor.IndexOf(x.TableId)).ToArray(), g.First().PartySize))
            .OrderBy(g => g.First().StartAt)
            .Select(g => new Stranded(g.Key, r.Rules.ServiceDate(g.First().StartAt))).ToList();
    }

    /// <summary>The restaurant as the request would leave it, built in memory (nothing tracked, nothing saved).</summary>
    private static Restaurant Preview(Restaurant current, CreateRestaurantRequest request)
    {
        var proposed = RestaurantsApi.ToEntity(request);
        // Keep the ids of tables that stay, so the preview recognises the bookings on them.
        var live = current.Tables.Where(t => t.RetiredAt is null).ToDictionary(t => t.Label);
        var remap = proposed.Tables.Where(t => live.ContainsKey(t.Label)).ToDictionary(t => t.Id, t => live[t.Label].Id);
        foreach (var t in proposed.Tables) if (remap.TryGetValue(t.Id, out var keep)) t.Id = keep;
        foreach (var a in proposed.Adjacency)
        {
            a.TableA = remap.GetValueOrDefault(a.TableA, a.TableA);
            a.TableB = remap.GetValueOrDefault(a.TableB, a.TableB);
        }
        proposed.Id = current.Id;
        proposed.TimeZone = current.TimeZone;
        proposed.Services = JsonSerializer.Serialize(request.Services, JsonBody.Options);
        return proposed;
    }
}
