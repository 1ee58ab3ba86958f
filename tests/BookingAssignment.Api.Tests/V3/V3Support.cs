using System.Globalization;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>Settings, floors and SQL shared by the V3 tests.</summary>
public static class V3Setup
{
    public const string TerminalStates = "('confirmed', 'failed', 'manual_review')";

    /// <summary>The four rollout flags (and any extra settings).</summary>
    public static Dictionary<string, string?> Flags(bool v3, bool shadow, int maxParallel = 3, int percent = 100,
        params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = v3 ? "true" : "false",
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = shadow ? "true" : "false",
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL"] = maxParallel.ToString(CultureInfo.InvariantCulture),
            ["FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT"] = percent.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>Five tables: two twos (joinable), two fours (joinable), one six on the terrace.</summary>
    public static JsonObject SmallFloor(string name = "V3 Bistro") => Bodies.Restaurant(
        [("A1", "main", 1, 2), ("A2", "main", 1, 2), ("B1", "main", 3, 4), ("B2", "main", 3, 4), ("C1", "terrace", 5, 6)],
        [("A1", "A2"), ("B1", "B2")], name: name);

    /// <summary>Twelve tables in two zones with joinable pairs, for the load test.</summary>
    public static JsonObject LargeFloor(string name) => Bodies.Restaurant(
        [
            ("M1", "main", 1, 2), ("M2", "main", 1, 2), ("M3", "main", 1, 2), ("M4", "main", 1, 2), ("M5", "main", 1, 2), ("M6", "main", 1, 2),
            ("F1", "main", 3, 4), ("F2", "main", 3, 4), ("F3", "main", 3, 4), ("F4", "main", 3, 4),
            ("L1", "terrace", 5, 6), ("L2", "terrace", 5, 6),
        ],
        [("M1", "M2"), ("M3", "M4"), ("M5", "M6"), ("F1", "F2"), ("F3", "F4"), ("L1", "L2")], name: name);

    /// <summary>V3 bookings that are not terminal yet.</summary>
    public static Task<int> NonTerminalV3Async(TestDatabase db) =>
        db.CountAsync($"SELECT count(*) FROM bookings WHERE assignment_pipeline = 'v3' AND assignment_state NOT IN {TerminalStates}");

    /// <summary>Waits until every V3 booking is terminal (the worker finishes what inline runs left).</summary>
    public static Task WaitAllV3TerminalAsync(TestDatabase db, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => NonTerminalV3Async(db), n => n == 0, "every v3 booking to be terminal", timeout);

    /// <summary>Pairs of live assignments of one table whose windows overlap (must be none).</summary>
    public const string OverlappingLiveAssignments = """
        SELECT a.id, b.id
        FROM booking_table_assignments a
        JOIN booking_table_assignments b ON a.table_id = b.table_id AND a.id < b.id AND a.during && b.during
        WHERE a.released_at IS NULL AND b.released_at IS NULL
        """;

    /// <summary>The live table labels of a booking, sorted and comma-separated.</summary>
    public static async Task<string> LiveTablesAsync(TestDatabase db, Guid bookingId) => await db.ScalarAsync<string>("""
        SELECT coalesce(string_agg(t.label, ',' ORDER BY t.label), '')
        FROM booking_table_assignments a JOIN restaurant_tables t ON t.id = a.table_id
        WHERE a.booking_id = $1 AND a.released_at IS NULL
        """, bookingId);

    /// <summary>
    /// The persisted state transitions of V3 bookings (live, not shadow), per booking, as
    /// "from>to@version" in version order.
    /// </summary>
    public static async Task<Dictionary<Guid, string>> LiveTransitionPathsAsync(TestDatabase db)
    {
        var rows = await db.RowsAsync("""
            SELECT booking_id,
                   string_agg((context->>'from') || '>' || (context->>'to') || '@' || (context->>'version'), ','
                              ORDER BY (context->>'version')::int) AS path
            FROM observability_events
            WHERE source = 'assignment.state_machine' AND context->>'shadow' = 'false'
            GROUP BY booking_id
            """);
        return rows.ToDictionary(r => (Guid)r["booking_id"]!, r => (string)r["path"]!);
    }

    public static async Task<Dictionary<Guid, string>> HistoryPathsAsync(TestDatabase db)
    {
        var rows = await db.RowsAsync("""
            SELECT booking_id, string_agg(from_state || '>' || to_state || '@' || version, ',' ORDER BY version) AS path
            FROM booking_assignment_state_history
            WHERE trigger <> 'reassign'
            GROUP BY booking_id
            """);
        return rows.ToDictionary(r => (Guid)r["booking_id"]!, r => (string)r["path"]!);
    }

    public const string ConfirmedPath =
        "created>capacity_verified@1,capacity_verified>assignment_pending@2,assignment_pending>assignment_in_progress@3," +
        "assignment_in_progress>assigned@4,assigned>confirmed@5";

    /// <summary>
    /// Puts a V3 booking straight into the database in the given state, with the history rows that
    /// lead there, as a crashed or still-waiting coordinator would have left it.
    /// </summary>
    public static async Task<Guid> InsertV3BookingAsync(TestDatabase db, Guid restaurantId, int partySize, DateTimeOffset startsAt,
        string state, DateTimeOffset? leaseExpiresAt = null, DateTimeOffset? nextAttemptAt = null, int attemptCount = 0, DateTimeOffset? createdAt = null)
    {
        string[] path = ["created", "capacity_verified", "assignment_pending", "assignment_in_progress"];
        string[] triggers = ["", "verify_capacity", "enqueue", "start"];
        var last = Array.IndexOf(path, state);
        Assert.True(last >= 0, $"unsupported state {state}");
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state,
                                  assignment_state_version, assignment_pipeline, customer_name, attempt_count, next_attempt_at, lease_expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, 'v3', 'Grace Hopper', $9, $10, $11, $12)
            """,
            id, restaurantId, "BK-T" + id.ToString("N")[^12..].ToUpperInvariant(), partySize, startsAt.UtcDateTime,
            startsAt.UtcDateTime.AddMinutes(105), state, last, attemptCount,
            (object?)nextAttemptAt?.UtcDateTime ?? DBNull.Value, (object?)leaseExpiresAt?.UtcDateTime ?? DBNull.Value,
            (createdAt ?? DateTimeOffset.UtcNow).UtcDateTime);
        for (var v = 1; v <= last; v++)
            await db.ExecuteAsync("""
                INSERT INTO booking_assignment_state_history (booking_id, from_state, to_state, version, trigger, pipeline)
                VALUES ($1, $2, $3, $4, $5, 'v3')
                """, id, path[v - 1], path[v], v, triggers[v]);
        return id;
    }
}

/// <summary>A V3 planner that always throws: a fault injected by tests (never a business outcome).</summary>
internal sealed class ThrowingPlanner : BookingAssignment.Core.Planning.IAssignmentPlanner
{
    public BookingAssignment.Core.Planning.TablePlan? Plan(BookingAssignment.Core.Floors.Floor floor,
        IReadOnlyList<BookingAssignment.Core.Planning.Occupancy> occupied, BookingAssignment.Core.Planning.PlanRequest request) =>
        throw new InvalidOperationException("planner fault injected by the test");
}
