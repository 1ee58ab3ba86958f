using BookingAssignment.Api.Locking;
using Npgsql;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Reads what already occupies a restaurant's tables around a window: live assignments, admitted
/// bookings still waiting for tables (they hold capacity but no table yet), table blocks and live
/// holds. Every planner, the admission decision, availability and the manual-review suggestions
/// read it, so all of them respect blocks and holds.
/// </summary>
internal static class Schedule
{
    /// <param name="movableFrom">Bookings starting at or after this instant, not pinned and not
    /// seated, are marked movable (bounded reassignment). Null: nothing is movable.</param>
    /// <param name="lockDay">Take the day's advisory lock first, in the same round trip (the read
    /// runs after the lock is granted, so it sees every commit made under it before).</param>
    public static async Task<List<Occupancy>> LoadAsync(BookingDb db, RestaurantModel restaurant, Slot window,
        DateTimeOffset? movableFrom, Guid? excludeBookingId, CancellationToken ct, DateOnly? lockDay = null)
    {
        NpgsqlBatchCommand? first = null;
        if (lockDay is { } day)
        {
            var (a, b) = AdvisoryLock.Key(restaurant.Id, day);
            first = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)") { Parameters = { new() { Value = a }, new() { Value = b } } };
        }
        var (rows, _) = await ReadAsync(db, restaurant, window, first, ct);
        return Occupancies(restaurant, rows, movableFrom, excludeBookingId);
    }

    /// <summary>What the rows of a schedule read occupy (the rows may be remembered: <see cref="ScheduleCache"/>).</summary>
    public static List<Occupancy> Occupancies(RestaurantModel restaurant, IReadOnlyList<ScheduleRow> rows, DateTimeOffset? movableFrom, Guid? excludeBookingId)
    {
        var result = new List<Occupancy>();
        foreach (var g in rows.Where(r => !r.Waiting && r.BookingId != excludeBookingId).GroupBy(r => r.BookingId))
        {
            var first = g.First();
            var movable = movableFrom is { } mf && !first.Pinned && first.Status == BookingStatus.Confirmed && first.StartAt >= mf;
            result.Add(new Occupancy(g.Key, g.Select(x => x.TableId!.Value).ToArray(), new Slot(first.HeldFrom!.Value, first.HeldUntil!.Value), first.PartySize, movable));
        }
        foreach (var w in rows.Where(r => r.Waiting && r.BookingId != excludeBookingId))
            // Waiting for a run: it must be seated too (movable, no tables yet). Waiting for a person
            // (manual review): it holds capacity, but the exact search does not try to place it.
            result.Add(new Occupancy(w.BookingId, [], restaurant.Rules.HeldWindow(w.StartAt, w.PartySize), w.PartySize,
                Movable: w.AssignmentState != ManualReviewState));
        return result;
    }

    /// <summary>States of a pending booking that still holds capacity: everything but failed (and confirmed, which holds tables).</summary>
    private static readonly string[] WaitingStates = Enum.GetValues<AssignmentState>()
        .Where(s => s is not (AssignmentState.Confirmed or AssignmentState.Failed)).Select(StateNames.Of).ToArray();

    private static readonly string ManualReviewState = StateNames.Of(AssignmentState.ManualReview);

    /// <param name="ExpiresAt">A hold's expiry (the row stops counting then); null for every other row.</param>
    internal sealed record ScheduleRow(Guid BookingId, Guid? TableId, DateTimeOffset? HeldFrom, DateTimeOffset? HeldUntil,
        int PartySize, bool Pinned, string Status, DateTimeOffset StartAt, bool Waiting, string AssignmentState, DateTimeOffset? ExpiresAt);

    // One statement: live assignments, then admitted bookings still waiting for tables — including
    // those in manual review, whose guests a host still has to seat. They count against capacity,
    // never against a table; without them a sold-out evening would keep admitting into manual review.
    // Then table blocks (fixed, like a pinned booking on those tables) and live holds (capacity
    // the exact search must still place, like a booking waiting for its run). An expired hold
    // stops counting the moment it expires: no sweep is involved.
    // Every part reads by an index bounded in time, so the cost follows the restaurant's day, not its
    // history (migrations/0008). Assignments are found through their bookings' start: a held window is
    // at most the longest turn (600 min) plus the buffer (240) plus an early seating (720), so a
    // booking whose tables overlap the window starts within a day of it; the margins are wider. Every
    // part is bounded by the start of its booking or hold within the same margins, so a change counted
    // by the start's UTC date (migrations/0010, ScheduleCache) is a change in the buckets they cover.
    // $1 restaurant, $2 window start, $3 window end, $4 waiting states, $5 waiting from.
    // The margins, in days, by which every part bounds its rows' start (ScheduleCache's buckets too).
    public const int MarginBefore = 2, MarginAfter = 1;
    private static readonly string Sql = $"""
        SELECT a.booking_id, a.table_id, a.held_from, a.held_until, b.party_size, b.pinned, b.status, b.start_at, false AS waiting, b.assignment_state, NULL::timestamptz
        FROM bookings b JOIN booking_table_assignments a ON a.booking_id = b.id
        WHERE b.restaurant_id = $1 AND b.start_at > $2 - interval '{MarginBefore} days' AND b.start_at < $3 + interval '{MarginAfter} days'
          AND a.released_at IS NULL AND a.held_until > $2 AND a.held_from < $3
        UNION ALL
        SELECT b.id, NULL::uuid, NULL::timestamptz, NULL::timestamptz, b.party_size, b.pinned, b.status, b.start_at, true, b.assignment_state, NULL
        FROM bookings b
        WHERE b.restaurant_id = $1 AND b.status = 'pending'
          AND b.assignment_state = ANY($4)
          AND b.start_at < $3 AND b.end_at > $5 AND b.start_at > $2 - interval '{MarginBefore} days'
          AND NOT EXISTS (SELECT 1 FROM booking_table_assignments x WHERE x.booking_id = b.id AND x.released_at IS NULL)
        UNION ALL
        SELECT k.id, unnest(k.table_ids), k.held_from, k.held_until, 0, true, 'blocked', k.held_from, false, 'confirmed', NULL
        FROM table_blocks k
        WHERE k.restaurant_id = $1 AND k.deleted_at IS NULL AND k.held_until > $2 AND k.held_from < $3
        UNION ALL
        SELECT h.id, NULL::uuid, NULL::timestamptz, NULL::timestamptz, h.party_size, false, 'held', h.start_at, true, 'assignment_pending', h.expires_at
        FROM booking_holds h
        WHERE h.restaurant_id = $1 AND h.expires_at > now()
          AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.hold_id = h.id)
          AND h.start_at < $3 AND h.end_at > $5 AND h.start_at > $2 - interval '{MarginBefore} days'
        """;

    /// <summary>
    /// The read's cached generic plan: the plan mode is set for it alone (and reset after it, in the same round trip).
    /// PostgreSQL otherwise plans it afresh on every execution on a connection whose first few days
    /// looked cheap (a custom plan is kept while its estimate beats the generic one's), and planning
    /// this statement costs several times running it: 0.33 ms of PostgreSQL's 2.5 ms per booking
    /// (docs/benchmarks.md). The generic plan reads every part by its time-bounded index. Only this
    /// statement: every other one was planned once per connection in the same measurement, and a
    /// connection-wide mode would also fix generic plans on reports over skewed data.
    /// </summary>
    private const string GenericPlanSql = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";
    private const string ResetPlanSql = "RESET plan_cache_mode";

    /// <summary>
    /// Plain Npgsql on the context's connection and transaction, not EF's SqlQuery: EF Core compiled
    /// a new delegate for this query's arguments on every execution (a JIT compilation per booking,
    /// docs/benchmarks.md), and the rows need no tracking. <paramref name="first"/> runs before the
    /// read in the same round trip (the day's lock, or ScheduleCache's counters); its first value, if
    /// it returns one, comes back as <c>First</c>.
    /// </summary>
    public static async Task<(List<ScheduleRow> Rows, object? First)> ReadAsync(BookingDb db, RestaurantModel restaurant, Slot window,
        NpgsqlBatchCommand? first, CancellationToken ct)
    {
        var windowStart = window.Start.ToUniversalTime();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
            if (first is not null) batch.BatchCommands.Add(first);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlanSql));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql)
            {
                Parameters = { new() { Value = restaurant.Id }, new() { Value = windowStart }, new() { Value = window.End.ToUniversalTime() },
                               new() { Value = WaitingStates }, new() { Value = windowStart.AddMinutes(-restaurant.Rules.BufferMinutes) } },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ResetPlanSql));
            var rows = new List<ScheduleRow>();
            object? firstValue = null;
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (first is not null)
            {
                if (await reader.ReadAsync(ct)) firstValue = reader.GetValue(0);
                await reader.NextResultAsync(ct);
            }
            await reader.NextResultAsync(ct); // the plan mode's row
            while (await reader.ReadAsync(ct))
                rows.Add(new ScheduleRow(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt32(4), reader.GetBoolean(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetBoolean(8), reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
            return (rows, firstValue);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The whole local service day around an instant (plus the night after), for loading once.</summary>
    public static Slot DayWindow(RestaurantModel restaurant, DateTimeOffset instant)
    {
        var date = restaurant.Rules.ServiceDate(instant);
        var localMidnight = date.ToDateTime(TimeOnly.MinValue);
        var offset = restaurant.Rules.TimeZone.GetUtcOffset(localMidnight);
        var start = new DateTimeOffset(localMidnight, offset);
        return new Slot(start, start.AddHours(30));
    }
}
