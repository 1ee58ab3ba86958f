using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>
/// Builds rollout situations directly in SQL on a fresh, migrated database: bookings in chosen
/// states and ages, and observability events with chosen contexts and ages. Numbers in the
/// monitoring queries and the rollout report can then be asserted exactly.
/// </summary>
public sealed class RolloutScenario : IAsyncDisposable
{
    private int _reference;

    private RolloutScenario(TestDatabase db, Guid restaurantId)
    {
        Db = db;
        RestaurantId = restaurantId;
    }

    public TestDatabase Db { get; }
    public Guid RestaurantId { get; }

    /// <summary>A fresh database with every migration in /migrations applied and one restaurant.</summary>
    public static async Task<RolloutScenario> CreateAsync(TestDatabase? existing = null)
    {
        var db = existing ?? await TestDatabase.CreateAsync();
        if (existing is null)
            foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "migrations"), "*.sql").Order(StringComparer.Ordinal))
                await db.ExecuteAsync(await File.ReadAllTextAsync(file));
        var restaurantId = Guid.NewGuid();
        await db.ExecuteAsync("""
            INSERT INTO restaurants (id, name, time_zone, services, turn_minutes_by_party_size, buffer_minutes, max_tables_per_booking)
            VALUES ($1, 'Scenario', 'Europe/London', '[]', '{"2":90}', 15, 3)
            """, restaurantId);
        return new RolloutScenario(db, restaurantId);
    }

    /// <summary>The repository root (the folder holding BookingAssignment.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "BookingAssignment.sln"))) return dir.FullName;
            throw new InvalidOperationException("BookingAssignment.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Sql(string file) => File.ReadAllText(Path.Combine(RepoRoot, "sql", "rollout", file));

    public Task<List<Dictionary<string, object?>>> RunAsync(string file) => Db.RowsAsync(Sql(file));

    /// <summary>Inserts a booking created <paramref name="ago"/> before now.</summary>
    public async Task<Guid> BookingAsync(string state, string status, string pipeline = "v3", string? reason = null, TimeSpan? ago = null)
    {
        var id = Guid.NewGuid();
        var created = DateTimeOffset.UtcNow - (ago ?? TimeSpan.FromMinutes(30));
        await Db.ExecuteAsync("""
            INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state,
                                  assignment_pipeline, assignment_reason, customer_name, created_at, updated_at)
            VALUES ($1, $2, $3, 2, now() + interval '7 days', now() + interval '7 days 90 minutes', $4, $5, $6, $7, 'Guest', $8, $8)
            """, id, RestaurantId, $"BK-S{Interlocked.Increment(ref _reference):D6}-{id.ToString("N")[..6]}", status, state, pipeline,
            (object?)reason ?? DBNull.Value, created);
        return id;
    }

    public async Task<List<Guid>> BookingsAsync(int count, string state, string status, string pipeline = "v3", string? reason = null, TimeSpan? ago = null)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++) ids.Add(await BookingAsync(state, status, pipeline, reason, ago));
        return ids;
    }

    /// <summary>Inserts an observability event; <paramref name="context"/> is JSON.</summary>
    public Task EventAsync(string source, string eventType, Guid? bookingId, string context = "{}", TimeSpan? ago = null, string severity = "info") =>
        Db.ExecuteAsync("""
            INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
            """, DateTimeOffset.UtcNow - (ago ?? TimeSpan.FromMinutes(30)), source, eventType, severity, context, RestaurantId,
            (object?)bookingId ?? DBNull.Value);

    public Task TransitionAsync(Guid bookingId, string from, string to, bool shadow = false, TimeSpan? ago = null) =>
        EventAsync("assignment.state_machine", "booking.assignment_state_transition", bookingId,
            $$"""{"from":"{{from}}","to":"{{to}}","version":1,"trigger":"t","pipeline":"v3","shadow":{{(shadow ? "true" : "false")}}}""", ago);

    /// <summary>The V3 happy path: created → … → confirmed (5 transitions).</summary>
    public async Task ConfirmedWalkAsync(Guid bookingId, bool shadow = false, TimeSpan? ago = null)
    {
        string[] states = ["created", "capacity_verified", "assignment_pending", "assignment_in_progress", "assigned", "confirmed"];
        for (var i = 0; i + 1 < states.Length; i++) await TransitionAsync(bookingId, states[i], states[i + 1], shadow, ago);
    }

    public Task CoordinatorAsync(string eventType, Guid? bookingId, string context = """{"trigger":"inline","shadow":false}""", TimeSpan? ago = null) =>
        EventAsync("assignment.coordinator", eventType, bookingId, context, ago);

    public Task ComparisonAsync(Guid bookingId, string controlOutcome, string candidateOutcome, string control = "legacy", string candidate = "v3", TimeSpan? ago = null) =>
        EventAsync("assignment.shadow", "shadow.comparison", bookingId,
            $$"""{"control_pipeline":"{{control}}","candidate_pipeline":"{{candidate}}","control_outcome":"{{controlOutcome}}","candidate_outcome":"{{candidateOutcome}}","agree":{{(controlOutcome == candidateOutcome ? "true" : "false")}},"shadow":true}""", ago);

    /// <summary>A breaker spell: circuit_open at <paramref name="openedAgo"/>, closed at <paramref name="closedAgo"/> (null: still open).</summary>
    public async Task BreakerSpellAsync(string circuit, TimeSpan openedAgo, TimeSpan? closedAgo)
    {
        await CoordinatorAsync("coordinator.circuit_open", null, $$"""{"trigger":"breaker","shadow":false,"circuit":"{{circuit}}","circuit_status":"open"}""", openedAgo);
        if (closedAgo is { } c)
        {
            await CoordinatorAsync("coordinator.circuit_state", null, $$"""{"trigger":"breaker","shadow":false,"circuit":"{{circuit}}","circuit_status":"half_open"}""", c + TimeSpan.FromSeconds(1));
            await CoordinatorAsync("coordinator.circuit_state", null, $$"""{"trigger":"breaker","shadow":false,"circuit":"{{circuit}}","circuit_status":"closed"}""", c);
        }
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
