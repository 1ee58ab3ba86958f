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

    /// <summary>
    /// <paramref name="count"/> bookings created 30 minutes ago, each with the events a healthy run
    /// writes. <paramref name="shadow"/>: legacy assigned and a V3 dry run walked it (shadow phase);
    /// otherwise V3 assigned it (lock wait 5 ms, 40 ms to confirm). <paramref name="manualReview"/>
    /// of them end in manual review instead of confirmed.
    /// </summary>
    public Task HealthyDayAsync(int count, bool shadow, int manualReview = 0) => Db.ExecuteAsync("""
        WITH b AS (
          INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline,
                                assignment_reason, customer_name, created_at, updated_at)
          SELECT gen_random_uuid(), $1, 'BK-H' || $4 || '-' || g, 2, now() + interval '7 days', now() + interval '7 days 90 minutes',
                 CASE WHEN g <= $3 THEN 'pending' ELSE 'confirmed' END, CASE WHEN g <= $3 THEN 'manual_review' ELSE 'confirmed' END,
                 CASE WHEN $2 THEN 'legacy' ELSE 'v3' END, CASE WHEN g <= $3 THEN 'no_table_combination_free' END, 'Guest',
                 now() - interval '30 minutes', now() - interval '30 minutes'
            FROM generate_series(1, $5) g
          RETURNING id, assignment_state),
        walk AS (
          INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
          SELECT now() - interval '30 minutes', 'assignment.state_machine', 'booking.assignment_state_transition', 'info',
                 jsonb_build_object('from', e.f, 'to', e.t, 'version', e.v, 'trigger', 't', 'pipeline', 'v3', 'shadow', $2), $1, b.id
            FROM b CROSS JOIN (VALUES ('created', 'capacity_verified', 1), ('capacity_verified', 'assignment_pending', 2),
                                      ('assignment_pending', 'assignment_in_progress', 3), ('assignment_in_progress', 'assigned', 4),
                                      ('assigned', 'confirmed', 5)) AS e(f, t, v)),
        runs AS (
          INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
          SELECT now() - interval '30 minutes', 'assignment.coordinator', e.type, 'info', e.ctx || jsonb_build_object('shadow', $2), $1, b.id
            FROM b CROSS JOIN (VALUES ('coordinator.start', '{"trigger":"inline"}'::jsonb),
                                      ('coordinator.confirmed', '{"trigger":"inline","strategy":"single","attempts":1,"duration_ms":40}'::jsonb)) AS e(type, ctx)),
        locks AS (
          INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
          SELECT now() - interval '30 minutes', 'assignment.coordinator', 'coordinator.lock_acquired', 'info',
                 '{"trigger":"inline","shadow":false,"wait_ms":5}', $1, b.id
            FROM b WHERE NOT $2),
        legacy AS (
          INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
          SELECT now() - interval '30 minutes', 'auto_assign', 'auto_assign.summary', 'info',
                 jsonb_build_object('result', CASE WHEN b.assignment_state = 'confirmed' THEN 'succeeded' ELSE 'exhausted' END,
                                    'attemptsUsed', 1, 'totalDurationMs', 12, 'shadow', NOT $2), $1, b.id
            FROM b)
        INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
        SELECT now() - interval '30 minutes', 'assignment.shadow', 'shadow.comparison', 'info',
               jsonb_build_object('control_pipeline', CASE WHEN $2 THEN 'legacy' ELSE 'v3' END, 'candidate_pipeline', CASE WHEN $2 THEN 'v3' ELSE 'legacy' END,
                                  'control_outcome', b.assignment_state, 'candidate_outcome', b.assignment_state, 'agree', true, 'shadow', true), $1, b.id
          FROM b
        """, RestaurantId, shadow, manualReview, Interlocked.Increment(ref _reference), count);

    /// <summary>
    /// One cohort of <paramref name="count"/> bookings on <paramref name="pipeline"/>, created 30
    /// minutes ago; bookings 1..<paramref name="manualReview"/> end in manual review, the rest are
    /// confirmed. Booking g (1-based) has a live coordinator.start (V3) and, when confirmed, an
    /// assignment latency of <paramref name="latencyBaseMs"/> + g ms (V3 coordinator.confirmed,
    /// legacy auto_assign.summary) and (V3) a lock wait of g - 1 ms. Returns the ids in order of g.
    /// </summary>
    public async Task<List<Guid>> CohortAsync(string pipeline, int count, int manualReview, int latencyBaseMs = 0)
    {
        var rows = await Db.RowsAsync("""
            WITH b AS (
              INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline,
                                    assignment_reason, customer_name, created_at, updated_at)
              SELECT gen_random_uuid(), $1, 'BK-C' || $5 || '-' || g, 2, now() + interval '7 days', now() + interval '7 days 90 minutes',
                     CASE WHEN g <= $3 THEN 'pending' ELSE 'confirmed' END, CASE WHEN g <= $3 THEN 'manual_review' ELSE 'confirmed' END,
                     $2, CASE WHEN g <= $3 THEN 'no_table_combination_free' END, 'Guest', now() - interval '30 minutes', now() - interval '30 minutes'
                FROM generate_series(1, $4) g
              RETURNING id, split_part(reference, '-', 3)::int AS g, assignment_state),
            ev AS (
              INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
              SELECT now() - interval '30 minutes', e.source, e.type, 'info', e.ctx, $1, b.id
                FROM b CROSS JOIN LATERAL (VALUES
                       ('assignment.coordinator', 'coordinator.start', '{"trigger":"inline","shadow":false}'::jsonb, $2 = 'v3'),
                       ('assignment.coordinator', 'coordinator.confirmed',
                        jsonb_build_object('trigger', 'inline', 'shadow', false, 'strategy', 'single', 'attempts', 1, 'duration_ms', $6 + b.g),
                        $2 = 'v3' AND b.assignment_state = 'confirmed'),
                       ('assignment.coordinator', 'coordinator.lock_acquired', jsonb_build_object('trigger', 'inline', 'shadow', false, 'wait_ms', b.g - 1),
                        $2 = 'v3' AND b.assignment_state = 'confirmed'),
                       ('auto_assign', 'auto_assign.summary',
                        jsonb_build_object('result', 'succeeded', 'attemptsUsed', 1, 'totalDurationMs', $6 + b.g, 'shadow', false),
                        $2 = 'legacy' AND b.assignment_state = 'confirmed')) AS e(source, type, ctx, wanted)
               WHERE e.wanted)
            SELECT id FROM b ORDER BY g
            """, RestaurantId, pipeline, manualReview, count, Interlocked.Increment(ref _reference), latencyBaseMs);
        return rows.Select(r => (Guid)r["id"]!).ToList();
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
