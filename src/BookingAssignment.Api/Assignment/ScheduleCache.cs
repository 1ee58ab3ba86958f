using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using NpgsqlTypes;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The committed schedule of a restaurant's day, read once while nothing in it changes: availability
/// asks for the same day far more often than the day changes. Every change to a row the schedule
/// read can return raises a counter in the same transaction (triggers, migrations/0010), whichever
/// instance or code path made it. A request reads the day's counters (one primary-key range, a
/// fraction of the schedule read) and answers from the rows remembered with them if they are
/// unchanged, so an answer is as exact as a fresh read: it reflects every commit made before the
/// request's own read. A day with a live hold is trusted only until the first of its holds expires
/// (by this instance's clock, where the read compares with the database's: a skew between the two
/// moves that moment by as much).
/// Only availability reads through here; admission reads the day under its lock, as before.
/// </summary>
internal sealed class ScheduleCache(TimeProvider time, Telemetry telemetry, IOptions<PlannerOptions> options)
{
    // Rows kept, across every remembered day (a busy day has a few hundred; a row is about 100 bytes).
    private const long RowLimit = 100_000;

    private readonly MemoryCache _days = new(new MemoryCacheOptions { SizeLimit = RowLimit });

    private sealed record Day(long Version, List<Schedule.ScheduleRow> Rows, DateTimeOffset TrustedUntil);

    // The counters of the UTC dates the schedule read's margins cover, and the restaurant's blocks.
    private const string VersionSql = """
        SELECT coalesce(sum(version), 0)::bigint FROM schedule_versions
        WHERE restaurant_id = $1 AND (bucket BETWEEN $2 AND $3 OR bucket = '-infinity')
        """;

    /// <summary>What the day around <paramref name="window"/> occupies, as <see cref="Schedule.LoadAsync"/> would read it now.</summary>
    public async Task<List<Occupancy>> LoadAsync(BookingDb db, RestaurantModel restaurant, Slot window, DateTimeOffset? movableFrom, CancellationToken ct)
    {
        if (!options.Value.RememberDays) return await Schedule.LoadAsync(db, restaurant, window, movableFrom, excludeBookingId: null, ct);
        // The buffer is in the read's own arguments (waiting bookings ending before the window, by it).
        var key = (restaurant.Id, window.Start.UtcDateTime, restaurant.Rules.BufferMinutes);
        if (_days.TryGetValue(key, out Day? known) && time.GetUtcNow() < known!.TrustedUntil
            && await ReadVersionAsync(db, restaurant, window, ct) == known.Version)
        {
            telemetry.ScheduleReads.Add(1, new KeyValuePair<string, object?>("result", "unchanged"));
            return Schedule.Occupancies(restaurant, known.Rows, movableFrom, excludeBookingId: null);
        }

        // The counters first, then the rows, in one round trip: a commit between the two makes the
        // rows newer than the counters they are kept with, so the next request reads again.
        var (rows, version) = await Schedule.ReadAsync(db, restaurant, window, VersionCommand(restaurant, window), ct);
        var expiries = rows.Where(r => r.ExpiresAt is not null).Select(r => r.ExpiresAt!.Value);
        var day = new Day((long)version!, rows, expiries.DefaultIfEmpty(DateTimeOffset.MaxValue).Min());
        _days.Set(key, day, new MemoryCacheEntryOptions { Size = rows.Count + 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        telemetry.ScheduleReads.Add(1, new KeyValuePair<string, object?>("result", known is null ? "first" : "changed"));
        return Schedule.Occupancies(restaurant, rows, movableFrom, excludeBookingId: null);
    }

    private static async Task<long> ReadVersionAsync(BookingDb db, RestaurantModel restaurant, Slot window, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var command = VersionCommand(restaurant, window);
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection()) { BatchCommands = { command } };
            return (long)(await batch.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static NpgsqlBatchCommand VersionCommand(RestaurantModel restaurant, Slot window) => new(VersionSql)
    {
        Parameters =
        {
            new() { Value = restaurant.Id },
            new() { Value = DateOnly.FromDateTime(window.Start.UtcDateTime.AddDays(-Schedule.MarginBefore)), NpgsqlDbType = NpgsqlDbType.Date },
            new() { Value = DateOnly.FromDateTime(window.End.UtcDateTime.AddDays(Schedule.MarginAfter)), NpgsqlDbType = NpgsqlDbType.Date },
        },
    };
}
