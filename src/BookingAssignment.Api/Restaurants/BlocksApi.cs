using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

internal sealed record CreateBlockRequest(List<string>? Tables, string? From, string? Until, string? Reason);

internal sealed record BlockListItem(Guid Id, IReadOnlyList<string> Tables, DateTimeOffset From, DateTimeOffset Until, string Reason, string CreatedBy);

internal sealed record BlockListResponse(Guid RestaurantId, string Date, IReadOnlyList<BlockListItem> Blocks);

internal sealed record BlockResponse(Guid Id, Guid RestaurantId, IReadOnlyList<string> Tables, DateTimeOffset From, DateTimeOffset Until, string Reason,
    IReadOnlyList<ReseatOutcome> Replanned, IReadOnlyList<ReseatOutcome> ManualReview);

/// <summary>
/// Table blocks (SPEC §8), staff or ops: tables out of service between two instants. A block is
/// part of every schedule (<see cref="Schedule"/>), so admission, the planner, availability and
/// manual assignment keep off it, and the database's guard refuses any live assignment inside it.
/// Bookings already on a newly blocked table are re-seated elsewhere or sent to manual review, in
/// the same transaction as the block, under the locks of every service date it covers.
/// </summary>
internal static class BlocksApi
{
    public static void MapBlocks(this RouteGroupBuilder restaurants)
    {
        restaurants.MapGet("/{id:guid}/blocks", ListAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        restaurants.MapPost("/{id:guid}/blocks", CreateAsync).Accepts<CreateBlockRequest>("application/json").RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        restaurants.MapDelete("/{id:guid}/blocks/{blockId:guid}", DeleteAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
    }

    /// <summary>
    /// <c>GET /restaurants/{id}/blocks?date=YYYY-MM-DD</c>: the live (not lifted) blocks overlapping that service day,
    /// in start order, for the host-stand page. Past blocks of the day are listed too: the page draws the whole day.
    /// </summary>
    private static async Task<Results<Ok<BlockListResponse>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid id, string? date, HttpContext http,
        BookingDb db, RestaurantCatalog catalog, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Problems.Validation(new Dictionary<string, string[]> { ["date"] = ["Use YYYY-MM-DD."] });
        var r = http.MaySee(id) ? await catalog.FindAsync(id, ct) : null;
        if (r is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        var (from, until) = (r.Rules.ServiceDay(day).Start, r.Rules.ServiceDay(day).End);
        var blocks = await db.Blocks.AsNoTracking()
            .Where(b => b.RestaurantId == id && b.DeletedAt == null && b.HeldFrom < until && from < b.HeldUntil)
            .OrderBy(b => b.HeldFrom).ThenBy(b => b.Id).ToListAsync(ct);
        var items = blocks.Select(b => new BlockListItem(b.Id, r.LabelsOf(b.TableIds), r.Rules.ToLocal(b.HeldFrom), r.Rules.ToLocal(b.HeldUntil), b.Reason, b.CreatedBy)).ToList();
        return TypedResults.Ok(new BlockListResponse(r.Id, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), items));
    }

    private static async Task<Results<Created<BlockResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid id, HttpContext http, RestaurantCatalog catalog,
        LockedChange locked, Reseating reseating, EventRecorder events, IOptions<BookingOptions> options, TimeProvider time, CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateBlockRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var r = await catalog.FindAsync(id, ct);
        if (r is null || !http.MaySee(id)) return Problems.NotFound("id", $"Restaurant {id} does not exist.");
        var (block, errors) = Validate(request!, r, options.Value, time.GetUtcNow());
        if (errors.Any) return Problems.Validation(errors.ToDictionary());

        var first = r.Rules.ServiceDate(block!.HeldFrom).AddDays(-1); // the evening before may run past midnight into the block
        var days = Enumerable.Range(0, r.Rules.ServiceDate(block.HeldUntil).DayNumber - first.DayNumber + 1).Select(first.AddDays);
        var actor = http.User.IsInRole(ApiKeyAuthenticationHandler.OpsPolicy) ? "ops" : "staff";
        var done = await locked.RunAsync<Results<Created<BlockResponse>, ValidationProblem, ProblemHttpResult>>(r, days, "table_block", async (tx, _, token) =>
        {
            var now = time.GetUtcNow();
            block.Id = Guid.CreateVersion7(now);
            block.RestaurantId = r.Id;
            block.CreatedBy = actor;
            tx.Blocks.Add(block);
            await tx.SaveChangesAsync(token);
            var affected = await Reseating.OnTablesAsync(tx, r.Id, block.TableIds, new Slot(block.HeldFrom, block.HeldUntil), now, token);
            var outcomes = await reseating.ReseatAsync(tx, r, affected, "table_blocked", token);
            var (moved, stranded) = (outcomes.Where(o => o.Reason is null).ToArray(), outcomes.Where(o => o.Reason is not null).ToArray());
            events.Add(tx, RestaurantEvents.BlockCreated(block.Id, r.LabelsOf(block.TableIds), block.HeldFrom, block.HeldUntil, block.Reason, moved.Length, stranded.Length),
                r.Id, null);
            return (TypedResults.Created($"/restaurants/{r.Id}/blocks/{block.Id}", new BlockResponse(block.Id, r.Id, r.LabelsOf(block.TableIds),
                r.Rules.ToLocal(block.HeldFrom), r.Rules.ToLocal(block.HeldUntil), block.Reason, moved, stranded)), true);
        }, ct);
        return done.Busy ? BookingRows.Busy(http) : done.Result!;
    }

    /// <summary>Lifts a block (the row stays, with deleted_at, for the audit trail). Deleting a lifted block again is a 204 too.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, Guid blockId, HttpContext http, BookingDb db, RestaurantCatalog catalog,
        EventRecorder events, TimeProvider time, CancellationToken ct)
    {
        var block = await db.Blocks.SingleOrDefaultAsync(b => b.Id == blockId && b.RestaurantId == id, ct);
        if (block is null || !http.MaySee(id) || await catalog.FindAsync(id, ct) is null)
            return Problems.NotFound("blockId", $"Block {blockId} does not exist at restaurant {id}.");
        if (block.DeletedAt is null)
        {
            block.DeletedAt = time.GetUtcNow();
            events.Add(db, RestaurantEvents.BlockDeleted(block.Id), id, null);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    private static (TableBlock?, FieldErrors) Validate(CreateBlockRequest q, RestaurantModel r, BookingOptions options, DateTimeOffset now)
    {
        var e = new FieldErrors();
        var ids = new List<Guid>();
        if (q.Tables is not { Count: > 0 }) e.Add("tables", "Give at least one table label.");
        else
            foreach (var label in q.Tables.Distinct(StringComparer.Ordinal))
            {
                if (r.Floor.Tables.FirstOrDefault(t => t.Label == label) is { } table) ids.Add(table.Id);
                else e.Add("tables", $"Unknown table '{label}'.");
            }
        var from = BookingValidation.Instant(q.From, "from", e);
        var until = BookingValidation.Instant(q.Until, "until", e);
        if (from is { } f && until is { } u)
        {
            if (u <= f) e.Add("until", "Must be after from.");
            else if (u <= now) e.Add("until", "Must be in the future.");
            else if ((u - f).TotalDays > options.MaxBlockDays) e.Add("until", $"A block lasts at most {options.MaxBlockDays} days.");
        }
        if (string.IsNullOrWhiteSpace(q.Reason)) e.Add("reason", "Required: say why the tables are out of service.");
        else if (q.Reason.Length > 200) e.Add("reason", "At most 200 characters.");
        if (e.Any) return (null, e);
        return (new TableBlock
        {
            TableIds = ids.ToArray(), HeldFrom = from!.Value.ToUniversalTime(), HeldUntil = until!.Value.ToUniversalTime(), Reason = q.Reason!.Trim(), CreatedBy = "",
        }, e);
    }
}
