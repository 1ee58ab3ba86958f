using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json.Serialization;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

/// <summary><see cref="NextCursor"/> is written as null on the last page (the API otherwise omits nulls).</summary>
internal sealed record DaySheetResponse(Guid RestaurantId, string Date, IReadOnlyList<BookingResponse> Bookings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// The day sheet: <c>GET /restaurants/{id}/bookings?date=YYYY-MM-DD[&amp;status=a,b][&amp;cursor=…][&amp;limit=N]</c>
/// (staff or ops). The bookings whose start falls on that local date, in (start, id) order, paged
/// by keyset: the cursor is the last (start, id) returned, so bookings added while a host walks
/// the pages never shift a page, and every booking present through the walk comes exactly once.
/// </summary>
internal static class DaySheetApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    // The booking statuses, the visit statuses (SPEC §8) included; the bookings table's CHECK lists the same six.
    private static readonly string[] Statuses = BookingStatus.All;

    public static RouteGroupBuilder MapDaySheet(this RouteGroupBuilder restaurants)
    {
        restaurants.MapGet("/{id:guid}/bookings", GetAsync).RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        return restaurants;
    }

    private static async Task<Results<Ok<DaySheetResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(Guid id, string? date, string? status,
        string? cursor, string? limit, HttpContext http, BookingDb db, RestaurantCatalog catalog, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            errors.Add("date", "Use YYYY-MM-DD.");
        var statuses = ParseStatuses(status, errors);
        var after = ParseCursor(cursor, errors);
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            errors.Add("limit", $"A whole number from 1 to {MaxLimit}.");
        if (errors.Any) return Problems.Validation(errors.ToDictionary());
        var r = http.MaySee(id) ? await catalog.FindAsync(id, ct) : null;
        if (r is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");

        // The service date's instants: from local midnight (or, after a service that runs past midnight, its end) to the next.
        var (from, until) = r.Rules.ServiceDay(day);
        var (afterStart, afterId) = after ?? (from, Guid.Empty); // no booking has the all-zero id
        var query = db.Bookings.FromSql($"""
            SELECT * FROM bookings
            WHERE restaurant_id = {id} AND start_at >= {from} AND start_at < {until} AND (start_at, id) > ({afterStart}, {afterId})
            """).AsNoTracking();
        if (statuses is not null) query = query.Where(b => statuses.Contains(b.Status));
        // One more than a page tells whether another page follows.
        var page = await query.OrderBy(b => b.StartAt).ThenBy(b => b.Id).Take(take + 1).ToListAsync(ct);
        var more = page.Count > take;
        if (more) page.RemoveAt(take);

        var ids = page.Select(b => b.Id).ToList();
        var tables = (await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.BookingId) && a.ReleasedAt == null)
            .Select(a => new { a.BookingId, a.TableId }).ToListAsync(ct)).ToLookup(a => a.BookingId, a => a.TableId);
        var views = page.Select(b => BookingView.From(b, r, tables[b.Id])).ToList();
        var next = more ? EncodeCursor(page[^1].StartAt, page[^1].Id) : null;
        return TypedResults.Ok(new DaySheetResponse(r.Id, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), views, next));
    }

    /// <returns>Null for every status; one value or several, comma-separated.</returns>
    private static string[]? ParseStatuses(string? status, FieldErrors errors)
    {
        if (status is null) return null;
        var values = status.Split(',', StringSplitOptions.TrimEntries);
        var unknown = values.Where(v => !Statuses.Contains(v, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0) errors.Add("status", $"Unknown status '{string.Join("', '", unknown)}'; use {string.Join(", ", Statuses)} (comma-separated for several).");
        return values;
    }

    // The cursor is opaque to clients: base64url of the last row's start (UTC ticks) and id.
    private static string EncodeCursor(DateTimeOffset startAt, Guid id)
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, startAt.UtcTicks);
        id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    private static (DateTimeOffset StartAt, Guid Id)? ParseCursor(string? cursor, FieldErrors errors)
    {
        if (cursor is null) return null;
        Span<byte> bytes = stackalloc byte[24];
        // DecodeFromChars reports bad characters as a status (TryDecodeFromChars throws on them).
        if (cursor.Length == 32 && Base64Url.DecodeFromChars(cursor, bytes, out _, out var written) == OperationStatus.Done && written == 24)
        {
            var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
            if (ticks is >= 0 and <= 3155378975999999999) // DateTime.MaxValue.Ticks
                return (new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes[8..], bigEndian: true));
        }
        errors.Add("cursor", "Not a cursor this endpoint returned (pass nextCursor unchanged).");
        return null;
    }
}
